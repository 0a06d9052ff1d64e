//! The pieces the sign-in routes share: the flow cookie and the error page.

use askama::Template;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use super::FLOW_COOKIE;
use crate::error::HttpError;
use crate::oauth::authorize::page;
use crate::web::cookies::SetCookie;
use trellis_domain::state::AppState;

#[derive(Template)]
#[template(path = "sso_error.html")]
struct ErrorPage<'a> {
    instance_name: &'a str,
    message: &'a str,
}

/// The page that says why single sign-on failed.
pub(super) fn sso_error(
    state: &AppState,
    status: StatusCode,
    message: &str,
) -> Result<Response, HttpError> {
    let html = ErrorPage {
        instance_name: &state.config().instance.name,
        message,
    }
    .render()?;
    Ok(page(status, html))
}

/// The cookie holding a sign-in's `state`, sent back only to the callback. `Lax`, so the
/// provider's redirect (a top-level navigation) carries it.
pub(super) fn flow_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    SetCookie {
        name: FLOW_COOKIE,
        value,
        path: super::CALLBACK_PATH,
        same_site: "Lax",
        max_age,
        secure: state.config().scheme() == "https",
    }
    .header()
}
