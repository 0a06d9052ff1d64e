//! `GET /.well-known/oauth-authorization-server` (RFC 8414), which clients read to learn the
//! endpoints, the grants (Mastodon.py wants `password`) and PKCE support.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use trellis_domain::services::scopes;
use trellis_domain::state::AppState;

/// GET /.well-known/oauth-authorization-server
pub(crate) async fn metadata(State(state): State<AppState>) -> Json<Value> {
    let urls = state.urls();
    let grants: &[&str] = if state.config().sign_in.password_login {
        &["authorization_code", "password", "client_credentials"]
    } else {
        &["authorization_code", "client_credentials"]
    };
    Json(json!({
        "issuer": urls.at("/"),
        "authorization_endpoint": urls.at("/oauth/authorize"),
        "token_endpoint": urls.at("/oauth/token"),
        "revocation_endpoint": urls.at("/oauth/revoke"),
        "app_registration_endpoint": urls.at("/api/v1/apps"),
        "scopes_supported": scopes::KNOWN,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": grants,
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "service_documentation": "https://docs.joinmastodon.org/"
    }))
}
