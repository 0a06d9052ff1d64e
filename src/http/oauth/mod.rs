//! OAuth2 for client applications: `POST /api/v1/apps`, the authorization page, the token
//! endpoint (authorization_code with PKCE, password, client_credentials), revocation and the
//! authorization server metadata.

use axum::Router;

use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
