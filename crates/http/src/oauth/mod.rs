//! OAuth2 for client applications: `POST /api/v1/apps`, the authorization page, the token
//! endpoint (authorization_code with PKCE, password, client_credentials), revocation and the
//! authorization server metadata.

pub(crate) mod apps;
pub(crate) mod authorize;
pub(crate) mod metadata;
pub(crate) mod token;

use axum::Router;
use axum::routing::{get, post};

use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/apps", post(apps::create))
        .route("/api/v1/apps/", post(apps::create))
        .route(
            "/api/v1/apps/verify_credentials",
            get(apps::verify_credentials),
        )
        .route(
            "/oauth/authorize",
            get(authorize::show).post(authorize::submit),
        )
        .route(
            "/oauth/authorize/",
            get(authorize::show).post(authorize::submit),
        )
        .route("/oauth/token", post(token::token))
        .route("/oauth/revoke", post(token::revoke))
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::metadata),
        )
}
