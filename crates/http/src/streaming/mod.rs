//! Streaming: the WebSocket `/api/v1/streaming`, the server-sent-event endpoints and
//! `/api/v1/streaming/health`.
//!
//! Every connection reads the process-wide broadcast of [`trellis_domain::services::events`];
//! what a stream carries, and who may open it, is decided by the domain
//! (`trellis_domain::services::streams`); [`channel`] parses requests and renders messages.

pub(crate) mod channel;
mod sse;
mod ws;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::api::auth::{bearer_token, invalid_token};
use crate::error::HttpError;
use trellis_domain::services::oauth::{self, Grant};
use trellis_domain::state::AppState;

/// The server-sent-event paths and the stream each one opens.
const SSE_PATHS: [(&str, &str); 9] = [
    ("/api/v1/streaming/user", "user"),
    ("/api/v1/streaming/user/notification", "user:notification"),
    ("/api/v1/streaming/public", "public"),
    ("/api/v1/streaming/public/local", "public:local"),
    ("/api/v1/streaming/public/remote", "public:remote"),
    ("/api/v1/streaming/hashtag", "hashtag"),
    ("/api/v1/streaming/hashtag/local", "hashtag:local"),
    ("/api/v1/streaming/list", "list"),
    ("/api/v1/streaming/direct", "direct"),
];

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    let mut router = Router::new()
        .route("/api/v1/streaming", get(ws::handler))
        .route("/api/v1/streaming/health", get(health));
    for (path, stream) in SSE_PATHS {
        router = router.route(
            path,
            get(move |State(state): State<AppState>, request: Request| {
                sse::named(state, request, stream)
            }),
        );
    }
    router
}

/// `GET /api/v1/streaming/health`
async fn health() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "OK").into_response()
}

/// The grant of the token sent as `Authorization: Bearer`, `?access_token=` or (WebSockets)
/// the `Sec-WebSocket-Protocol` header; `None` without a token, 401 for an invalid one.
async fn authenticate(
    state: &AppState,
    parts: &Parts,
    protocol: Option<&str>,
) -> Result<Option<Grant>, HttpError> {
    let Some(token) = bearer_token(parts).or_else(|| protocol.map(str::to_string)) else {
        return Ok(None);
    };
    match oauth::authenticate(state, &token).await? {
        Some(grant) => Ok(Some(grant)),
        None => Err(invalid_token()),
    }
}

/// Resolves once the instance asks streaming connections to end.
async fn until_stopped(stopped: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}
