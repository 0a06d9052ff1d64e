//! `POST /api/v1/apps` and `GET /api/v1/apps/verify_credentials`: the Application entity.

use axum::Json;
use axum::extract::State;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::api::auth::Auth;
use crate::api::params::{ApiForm, de};
use crate::error::HttpError;
use trellis_domain::services::oauth::{self, NewApp};
use trellis_domain::state::AppState;
use trellis_storage::models::oauth::Application;

/// The body of `POST /api/v1/apps`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateApp {
    #[serde(default, deserialize_with = "de::opt_string")]
    client_name: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    redirect_uris: Vec<String>,
    #[serde(default, deserialize_with = "de::strings")]
    scopes: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    website: Option<String>,
}

/// `Application`, as registration (with the secret) and verify_credentials return it.
#[derive(Debug, Serialize)]
pub(crate) struct ApplicationEntity {
    id: String,
    name: String,
    website: Option<String>,
    scopes: Vec<String>,
    redirect_uri: String,
    redirect_uris: Vec<String>,
    vapid_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret_expires_at: Option<i64>,
}

impl ApplicationEntity {
    /// The entity of an application; `client_secret` only right after registration.
    pub(crate) fn new(state: &AppState, app: &Application, client_secret: Option<String>) -> Self {
        let redirect_uris = app.redirect_uri_list();
        let with_credentials = client_secret.is_some();
        Self {
            id: app.id.to_string(),
            name: app.name.clone(),
            website: app.website.clone(),
            scopes: app.scopes.split_whitespace().map(str::to_string).collect(),
            redirect_uri: redirect_uris.join("\n"),
            redirect_uris,
            vapid_key: vapid_key(state),
            client_id: with_credentials.then(|| app.client_id.clone()),
            client_secret,
            client_secret_expires_at: with_credentials.then_some(0),
        }
    }
}

/// The instance's Web Push server key as clients expect it: an uncompressed P-256 point,
/// base64url. Trellis does not send Web Push yet; the value is stable per domain.
pub(crate) fn vapid_key(state: &AppState) -> String {
    let domain = state.urls().domain().as_bytes();
    let mut point = vec![0x04];
    point.extend_from_slice(
        &Sha256::new()
            .chain_update(b"vapid-x:")
            .chain_update(domain)
            .finalize(),
    );
    point.extend_from_slice(
        &Sha256::new()
            .chain_update(b"vapid-y:")
            .chain_update(domain)
            .finalize(),
    );
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(point)
}

/// POST /api/v1/apps
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiForm(body): ApiForm<CreateApp>,
) -> Result<Json<ApplicationEntity>, HttpError> {
    let scopes = (!body.scopes.is_empty()).then(|| body.scopes.join(" "));
    let registered = oauth::create_app(
        &state,
        NewApp {
            name: body.client_name,
            website: body.website,
            redirect_uris: body.redirect_uris,
            scopes,
        },
    )
    .await?;
    Ok(Json(ApplicationEntity::new(
        &state,
        &registered.app,
        Some(registered.client_secret),
    )))
}

/// GET /api/v1/apps/verify_credentials: the application behind any valid token.
pub(crate) async fn verify_credentials(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<ApplicationEntity>, HttpError> {
    let app = oauth::app_by_id(&state, auth.0.application_id).await?;
    Ok(Json(ApplicationEntity::new(&state, &app, None)))
}
