//! Who is looking at a page: the person a browser session signs in, or no one.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::cookies;
use trellis_domain::services::oauth::secret_hash;
use trellis_domain::services::web_sessions;
use trellis_domain::state::AppState;
use trellis_storage::models::Account;

/// The name of the session cookie.
pub(crate) const SESSION_COOKIE: &str = "trellis_session";

/// A signed-in person, as pages show them.
#[derive(Clone, Debug)]
pub(crate) struct SignedIn {
    /// The person.
    pub account: Account,
    /// The sign-out form's CSRF token, derived from the session's token (which a page from
    /// another site cannot read).
    pub sign_out_token: String,
}

impl SignedIn {
    /// The name the page header shows.
    pub(crate) fn name(&self) -> &str {
        if self.account.display_name.trim().is_empty() {
            &self.account.username
        } else {
            &self.account.display_name
        }
    }
}

/// The viewer of a page: the signed-in person, or `None`. Looked up once per request (the
/// allowlist gate stores what it found in the request's extensions).
#[derive(Clone, Debug, Default)]
pub(crate) struct WebViewer(pub Option<SignedIn>);

impl FromRequestParts<AppState> for WebViewer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        if let Some(found) = parts.extensions.get::<WebViewer>() {
            return Ok(found.clone());
        }
        let viewer = viewer_of(state, &parts.headers).await;
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// The session token a request carries, if any.
pub(crate) fn session_token(headers: &HeaderMap) -> Option<&str> {
    cookies::read(headers, SESSION_COOKIE)
}

/// The sign-out form's token for a session.
pub(crate) fn sign_out_token(session_token: &str) -> String {
    secret_hash(&format!("sign-out:{session_token}"))
}

/// The person the request's session cookie signs in. A failed lookup counts as no one (the
/// page is then shown as to a stranger, or the gate asks to sign in).
pub(crate) async fn viewer_of(state: &AppState, headers: &HeaderMap) -> WebViewer {
    let Some(token) = session_token(headers) else {
        return WebViewer(None);
    };
    match web_sessions::signed_in(state, token).await {
        Ok(Some(account)) => WebViewer(Some(SignedIn {
            account,
            sign_out_token: sign_out_token(token),
        })),
        Ok(None) => WebViewer(None),
        Err(e) => {
            tracing::warn!(error = %e, "session lookup failed");
            WebViewer(None)
        }
    }
}
