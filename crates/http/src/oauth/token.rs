//! `POST /oauth/token` and `POST /oauth/revoke`. Bodies may be JSON, url-encoded or
//! multipart; client credentials come in the body or as HTTP Basic. Errors are OAuth JSON
//! (`{"error": "invalid_grant", "error_description": ...}`), rendered here so the error
//! middleware leaves them as they are.

use crate::client_address::ClientAddress;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use crate::api::params::{ApiForm, de};
use crate::error::HttpError;
use trellis_domain::services::ServiceError;
use trellis_domain::services::oauth::{self, IssuedToken};
use trellis_domain::state::AppState;

/// The parameters of the token and revocation endpoints.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    grant_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_secret: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    redirect_uri: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code_verifier: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    scope: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    token: Option<String>,
}

impl TokenParams {
    /// The requested scope, however it was sent (`scope=a b` or `scope[]=a&scope[]=b`).
    fn scope(&self) -> Option<String> {
        (!self.scope.is_empty()).then(|| self.scope.join(" "))
    }

    /// Client credentials from the body, or else from an HTTP Basic header.
    fn with_basic_credentials(mut self, headers: &HeaderMap) -> Self {
        if self.client_id.as_deref().is_none_or(str::is_empty)
            && let Some((id, secret)) = basic_credentials(headers)
        {
            self.client_id = Some(id);
            if self.client_secret.as_deref().is_none_or(str::is_empty) {
                self.client_secret = Some(secret);
            }
        }
        self
    }
}

/// `Authorization: Basic base64(client_id:client_secret)`, each part form-url-decoded
/// (RFC 6749, section 2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let decode = |s: &str| -> String {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((decode(id), decode(secret)))
}

/// An OAuth error answer.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Maps a service failure to the OAuth error it stands for; storage failures stay HTTP
/// errors (500 or 503).
fn service_error(err: ServiceError) -> Result<Response, HttpError> {
    match err {
        ServiceError::Invalid { field, message } => {
            let (status, code) = match field {
                "client" => (StatusCode::UNAUTHORIZED, "invalid_client"),
                "grant" | "credentials" => (StatusCode::BAD_REQUEST, "invalid_grant"),
                "scope" => (StatusCode::BAD_REQUEST, "invalid_scope"),
                _ => (StatusCode::BAD_REQUEST, "invalid_request"),
            };
            Ok(oauth_error(status, code, &message))
        }
        other => Err(other.into()),
    }
}

fn token_response(token: IssuedToken) -> Response {
    let mut response = Json(json!({
        "access_token": token.access_token,
        "token_type": "Bearer",
        "scope": token.scopes.to_string(),
        "created_at": token.created_at.and_utc().timestamp(),
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn missing(name: &str) -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &format!("The request is missing the required parameter {name}."),
    )
}

/// POST /oauth/token
pub(crate) async fn token(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    body: Result<ApiForm<TokenParams>, HttpError>,
) -> Result<Response, HttpError> {
    let params = match body {
        Ok(ApiForm(params)) => params.with_basic_credentials(&headers),
        Err(err) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &err.message,
            ));
        }
    };
    let scope = params.scope();
    let Some(grant_type) = params.grant_type.as_deref().filter(|g| !g.is_empty()) else {
        return Ok(missing("grant_type"));
    };
    let client_id = params.client_id.as_deref();
    let client_secret = params.client_secret.as_deref();
    let result = match grant_type {
        "authorization_code" => {
            let Some(code) = params.code.as_deref().filter(|c| !c.is_empty()) else {
                return Ok(missing("code"));
            };
            // A public client may leave out its secret when the code is bound to a PKCE
            // challenge; a secret that is sent must be right.
            let secret_checked = client_secret.is_some_and(|s| !s.is_empty());
            match oauth::authenticate_client(&state, client_id, client_secret, true).await {
                Ok(app) => {
                    oauth::exchange_code(
                        &state,
                        &app,
                        secret_checked,
                        code,
                        params.redirect_uri.as_deref(),
                        params.code_verifier.as_deref(),
                    )
                    .await
                }
                Err(err) => Err(err),
            }
        }
        "password" if !state.config().sign_in.password_login => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Password sign-in is turned off on this instance: use the authorization code grant, which signs in through the organisation's identity provider.",
            ));
        }
        "password" => {
            let (Some(username), Some(password)) =
                (params.username.as_deref(), params.password.as_deref())
            else {
                return Ok(missing("username and password"));
            };
            match oauth::authenticate_client(&state, client_id, client_secret, false).await {
                Ok(app) => {
                    match oauth::password_grant(
                        &state,
                        &app,
                        username,
                        password,
                        scope.as_deref(),
                        client,
                    )
                    .await
                    {
                        Ok(Ok(token)) => Ok(token),
                        Ok(Err(throttled)) => return Err(throttled.into()),
                        Err(err) => Err(err),
                    }
                }
                Err(err) => Err(err),
            }
        }
        "client_credentials" => {
            match oauth::authenticate_client(&state, client_id, client_secret, false).await {
                Ok(app) => oauth::client_credentials_grant(&state, &app, scope.as_deref()).await,
                Err(err) => Err(err),
            }
        }
        _ => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            ));
        }
    };
    match result {
        Ok(token) => Ok(token_response(token)),
        Err(err) => service_error(err),
    }
}

/// POST /oauth/revoke: 200 `{}` whether or not the token existed (RFC 7009).
pub(crate) async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<ApiForm<TokenParams>, HttpError>,
) -> Result<Response, HttpError> {
    let params = match body {
        Ok(ApiForm(params)) => params.with_basic_credentials(&headers),
        Err(err) => {
            return Ok(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &err.message,
            ));
        }
    };
    let Some(token) = params.token.as_deref().filter(|t| !t.is_empty()) else {
        return Ok(missing("token"));
    };
    let app = match oauth::authenticate_client(
        &state,
        params.client_id.as_deref(),
        params.client_secret.as_deref(),
        false,
    )
    .await
    {
        Ok(app) => app,
        Err(err) => return service_error(err),
    };
    oauth::revoke(&state, &app, token).await?;
    Ok(Json(json!({})).into_response())
}
