//! What a sign-in page offers besides its own form: the "Sign in with NAME" link of the
//! configured identity provider, and the refusal of passwords when they are turned off.

use axum::http::StatusCode;

use crate::error::HttpError;
use trellis_domain::state::AppState;

/// The "Sign in with NAME" link of a sign-in page.
pub(crate) struct SsoButton {
    /// The identity provider's name.
    pub name: String,
    /// Where the link starts the sign-in.
    pub href: String,
}

/// The single sign-on link returning to `return_to`, when a provider is configured.
pub(crate) fn sso_button(state: &AppState, return_to: &str) -> Option<SsoButton> {
    let oidc = state.config().sign_in.oidc.as_ref()?;
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("return_to", return_to)
        .finish();
    Some(SsoButton {
        name: oidc.name.clone(),
        href: format!("/auth/oidc/start?{query}"),
    })
}

/// The refusal of a password when password sign-in is turned off.
pub(crate) fn passwords_off() -> HttpError {
    HttpError::new(
        StatusCode::FORBIDDEN,
        "Password sign-in is turned off on this instance. Sign in through the organisation's identity provider.",
    )
}
