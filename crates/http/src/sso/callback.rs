//! `GET /auth/oidc/callback`: the provider sends the browser back with a code (or an error);
//! the code is exchanged, the ID token checked, the person signed in (provisioned on first
//! sign-in) and sent on to where the sign-in started.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use super::pages::{flow_cookie, sso_error};
use super::{FLOW_COOKIE, redirect_uri};
use crate::api::params::{ApiQuery, de};
use crate::client_address::ClientAddress;
use crate::error::HttpError;
use crate::web::cookies;
use crate::web::login::{see_other, session_cookie};
use trellis_domain::services::ServiceError;
use trellis_domain::services::audit::{Acting, Actor};
use trellis_domain::services::oauth::constant_time_eq;
use trellis_domain::services::sso::logins;
use trellis_domain::services::sso::{Identity, sign_in};
use trellis_domain::services::web_sessions::{self, SESSION_LIFETIME};
use trellis_domain::state::AppState;
use trellis_oidc::{OidcClient, OidcError};

/// Longest `code`, `state` or error text read from the callback.
const MAX_PARAM: usize = 4096;

/// The callback's query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CallbackQuery {
    #[serde(default, deserialize_with = "de::opt_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    state: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    error: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    error_description: Option<String>,
}

/// GET /auth/oidc/callback
pub(crate) async fn callback(
    State(state): State<AppState>,
    Extension(client): Extension<Arc<OidcClient>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<CallbackQuery>,
) -> Result<Response, HttpError> {
    let fail = |status, message: &str| -> Result<Response, HttpError> {
        let mut response = sso_error(&state, status, message)?;
        response
            .headers_mut()
            .append(header::SET_COOKIE, flow_cookie(&state, "", 0));
        Ok(response)
    };
    let sent_state = query.state.as_deref().filter(|s| s.len() <= MAX_PARAM);
    let same_browser = match (cookies::read(&headers, FLOW_COOKIE), sent_state) {
        (Some(cookie), Some(sent)) => constant_time_eq(cookie, sent),
        _ => false,
    };
    let pending = match sent_state {
        Some(sent) if same_browser => logins::take(&state, sent).await?,
        _ => None,
    };
    let Some(pending) = pending else {
        return fail(
            StatusCode::BAD_REQUEST,
            "This sign-in has expired, was already used, or was started in another browser. Start again from the sign-in page.",
        );
    };
    if let Some(error) = query.error.as_deref() {
        let detail = query
            .error_description
            .as_deref()
            .unwrap_or(error)
            .chars()
            .take(300)
            .collect::<String>();
        return fail(
            StatusCode::UNAUTHORIZED,
            &format!("The identity provider did not sign you in: {detail}"),
        );
    }
    let Some(code) = query.code.as_deref().filter(|c| c.len() <= MAX_PARAM) else {
        return fail(
            StatusCode::BAD_REQUEST,
            "The identity provider sent no code.",
        );
    };
    let verified = client
        .finish(
            code,
            &pending.code_verifier,
            &redirect_uri(&state),
            &pending.nonce,
        )
        .await;
    let claims = match verified {
        Ok(claims) => claims,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on failed");
            let (status, message) = match e {
                OidcError::Provider(_) => (
                    StatusCode::BAD_GATEWAY,
                    "The identity provider cannot be reached or answered something unusable. Try again later.",
                ),
                OidcError::Refused(_) | OidcError::InvalidToken(_) => (
                    StatusCode::UNAUTHORIZED,
                    "The identity provider's answer could not be verified, so you were not signed in.",
                ),
            };
            return fail(status, message);
        }
    };
    let settings = client.settings();
    let identity = Identity::from_claims(
        settings,
        settings.issuer.as_str(),
        &claims.subject,
        claims.claims,
    );
    let acting = Acting {
        actor: Actor::IdentityProvider,
        address: address.map(|ip| ip.to_string()),
    };
    let account = match sign_in::sign_in(&state, &acting, identity).await {
        Ok(account) => account,
        Err(ServiceError::Forbidden(_)) => {
            return fail(
                StatusCode::FORBIDDEN,
                "Your account on this instance has been disabled. Ask an administrator if you think this is a mistake.",
            );
        }
        Err(ServiceError::Conflict(message) | ServiceError::Invalid { message, .. }) => {
            return fail(StatusCode::CONFLICT, &message);
        }
        Err(other) => return Err(other.into()),
    };
    let session = web_sessions::start(&state, &account).await?;
    let mut response = see_other(&pending.return_to);
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        session_cookie(&state, &session.token, SESSION_LIFETIME.num_seconds()),
    );
    headers.append(header::SET_COOKIE, flow_cookie(&state, "", 0));
    Ok(response)
}
