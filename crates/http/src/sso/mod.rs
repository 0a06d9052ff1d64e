//! Single sign-on with OpenID Connect: `GET /auth/oidc/start` sends the browser to the
//! identity provider, `GET /auth/oidc/callback` brings it back signed in (a web session).
//! The routes exist only when an issuer is configured.

mod callback;
mod pages;
mod start;

use std::sync::Arc;

use axum::routing::get;
use axum::{Extension, Router};

use trellis_domain::state::AppState;
use trellis_oidc::OidcClient;

/// The path the provider sends people back to (registered at the provider as
/// `SCHEME://DOMAIN/auth/oidc/callback`).
pub(crate) const CALLBACK_PATH: &str = "/auth/oidc/callback";
/// The cookie that ties a callback to the browser that started the sign-in.
const FLOW_COOKIE: &str = "trellis_oidc";

/// The routes of this module; none without a configured provider.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let Some(settings) = state.config().sign_in.oidc.clone() else {
        return Router::new();
    };
    let http = trellis_federation::context::client_builder(state.config()).and_then(|builder| {
        builder.build().map_err(|e| {
            trellis_federation::error::FederationError::Fetch(format!("HTTP client: {e}"))
        })
    });
    match http {
        Ok(http) => Router::new()
            .route("/auth/oidc/start", get(start::start))
            .route(CALLBACK_PATH, get(callback::callback))
            .layer(Extension(Arc::new(OidcClient::new(settings, http)))),
        Err(e) => {
            tracing::error!(error = %e, "single sign-on is unavailable: no HTTP client");
            Router::new()
        }
    }
}

/// This instance's callback URL.
fn redirect_uri(state: &AppState) -> String {
    state.urls().at(CALLBACK_PATH)
}
