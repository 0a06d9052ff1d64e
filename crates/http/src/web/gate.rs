//! Closing the web side of an instance in allowlist mode: the one place that decides who may
//! see its pages and feeds. In open mode every layer here lets everything through.
//!
//! - [`pages`]: HTML-only routes (front page, article lists, `/@name`) need a signed-in
//!   person; strangers get `303` to `/login?next=PATH`.
//! - [`negotiated`]: routes that serve ActivityPub JSON or a page (people, posts, articles)
//!   need a signed-in person unless the request asks for ActivityPub JSON; that branch needs
//!   a peer's HTTP signature instead (`peer_gate`).
//! - [`personal_pages`]: a person's own pages (their data export) need a signed-in person in
//!   every mode.
//! - [`feeds`]: Atom feeds need an OAuth access token of a person with a read scope
//!   (`Authorization: Bearer` or `?token=`), or a signed-in browser; otherwise 401.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::viewer::{WebViewer, session_token, viewer_of};
use crate::api::auth::bearer_from;
use crate::error::HttpError;
use crate::negotiate::Representation;
use crate::peer_gate::require_peer;
use trellis_domain::services::oauth;
use trellis_domain::state::AppState;

/// The scope a feed token must grant (`read` grants it too).
const FEED_SCOPE: &str = "read:statuses";

/// Middleware for HTML-only routes.
pub(crate) async fn pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.config().federation.is_closed() {
        return personal(request, next).await;
    }
    signed_in_only(&state, request, next).await
}

/// Middleware for a person's own pages, in every mode.
pub(crate) async fn personal_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    signed_in_only(&state, request, next).await
}

/// Middleware for routes that negotiate between ActivityPub JSON and a page.
pub(crate) async fn negotiated(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !state.config().federation.is_closed() {
        return personal(request, next).await;
    }
    if Representation::from_headers(request.headers()) == Representation::ActivityJson {
        return require_peer(request, next).await;
    }
    signed_in_only(&state, request, next).await
}

/// Middleware for Atom feeds.
pub(crate) async fn feeds(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.config().federation.is_closed() {
        return next.run(request).await;
    }
    let allowed = match feed_token(&request) {
        Some(token) => match oauth::authenticate(&state, &token).await {
            Ok(grant) => grant.is_some_and(|g| g.account.is_some() && g.scopes.allows(FEED_SCOPE)),
            Err(e) => return HttpError::from(e).into_response(),
        },
        None => viewer_of(&state, request.headers()).await.0.is_some(),
    };
    if allowed {
        return next.run(request).await;
    }
    let mut response = HttpError::new(
        StatusCode::UNAUTHORIZED,
        "This feed needs an access token with the read scope (Authorization: Bearer, or ?token=).",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Runs the request when a person is signed in (handing the viewer on to the handler);
/// otherwise sends the browser to the sign-in page, to come back here afterwards.
async fn signed_in_only(state: &AppState, mut request: Request, next: Next) -> Response {
    let viewer = viewer_of(state, request.headers()).await;
    if viewer.0.is_some() {
        request.extensions_mut().insert::<WebViewer>(viewer);
        return personal(request, next).await;
    }
    let here = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let location = format!(
        "/login?next={}",
        url::form_urlencoded::byte_serialize(here.as_bytes()).collect::<String>()
    );
    let mut response = Redirect::to(&location).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Runs the request; a page answered to a browser with a session names its person in the
/// header, so shared caches must not keep it (`Cache-Control: private`).
async fn personal(request: Request, next: Next) -> Response {
    let has_session = session_token(request.headers()).is_some();
    let mut response = next.run(request).await;
    if has_session {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
        headers.append(header::VARY, HeaderValue::from_static("Cookie"));
    }
    response
}

/// A feed request's token: `Authorization: Bearer`, else the `token` query parameter.
fn feed_token(request: &Request) -> Option<String> {
    bearer_from(request.headers(), request.uri(), "token").filter(|t| !t.is_empty())
}
