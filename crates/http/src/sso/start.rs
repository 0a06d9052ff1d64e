//! `GET /auth/oidc/start?return_to=PATH`: starts a sign-in and sends the browser to the
//! identity provider.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::pages::{flow_cookie, sso_error};
use super::redirect_uri;
use crate::error::HttpError;
use crate::web::login::local_path;
use trellis_domain::services::sso::logins::{self, LOGIN_LIFETIME};
use trellis_domain::state::AppState;
use trellis_oidc::{AuthorizationRequest, OidcClient};

/// Query of the start route.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct StartQuery {
    return_to: Option<String>,
}

/// GET /auth/oidc/start
pub(crate) async fn start(
    State(state): State<AppState>,
    Extension(client): Extension<Arc<OidcClient>>,
    Query(query): Query<StartQuery>,
) -> Result<Response, HttpError> {
    let return_to = local_path(query.return_to.as_deref());
    let Some(login) = logins::begin(&state, return_to).await? else {
        return sso_error(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many sign-ins are under way. Try again in a few minutes.",
        );
    };
    let request = AuthorizationRequest {
        state: &login.state,
        nonce: &login.nonce,
        code_verifier: &login.code_verifier,
        redirect_uri: &redirect_uri(&state),
    };
    let url = match client.authorization_url(&request).await {
        Ok(url) => url,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on could not start");
            return sso_error(
                &state,
                StatusCode::BAD_GATEWAY,
                "The identity provider cannot be reached. Try again later.",
            );
        }
    };
    let location = HeaderValue::from_str(url.as_str())
        .map_err(|_| HttpError::new(StatusCode::BAD_GATEWAY, "unusable authorization URL"))?;
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.append(
        header::SET_COOKIE,
        flow_cookie(&state, &login.state, LOGIN_LIFETIME.num_seconds()),
    );
    Ok(response)
}
