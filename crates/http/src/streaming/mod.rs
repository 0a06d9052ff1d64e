//! Streaming: the WebSocket `/api/v1/streaming`, the server-sent-event endpoints and
//! `/api/v1/streaming/health`.
//!
//! Every connection reads the process-wide broadcast of [`trellis_domain::services::events`];
//! what a stream carries, and who may open it, is decided by the domain
//! (`trellis_domain::services::streams`); [`channel`] parses requests and renders messages.
//!
//! A stream lives only as long as its token: when a `revoke` event names the reader (a token
//! revoked, the person disabled or deleted, in any process sharing the database), when the
//! connection fell behind and may have missed one, and every [`RECHECK_EVERY`], the token is
//! checked again, and the stream ends when it no longer holds (WebSockets get a close frame,
//! event streams end). A connection subscribes to the broadcast before its token is read, so
//! a revocation committed after that read is never missed.

pub(crate) mod channel;
mod sse;
mod ws;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::api::auth::{bearer_token, closed_to_strangers, invalid_token};
use crate::error::HttpError;
use trellis_domain::services::oauth::{self, Grant};
use trellis_domain::services::streams::Reader;
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
/// the `Sec-WebSocket-Protocol` header; `None` without a token, 401 for an invalid one, and
/// 401 without a person's token in `allowlist` mode.
async fn authenticate(
    state: &AppState,
    parts: &Parts,
    protocol: Option<&str>,
) -> Result<Option<Grant>, HttpError> {
    let grant = match bearer_token(parts).or_else(|| protocol.map(str::to_string)) {
        None => None,
        Some(token) => match oauth::authenticate(state, &token).await? {
            Some(grant) => Some(grant),
            None => return Err(invalid_token()),
        },
    };
    closed_to_strangers(state, grant.as_ref())?;
    Ok(grant)
}

/// How often an open stream checks its token again, whatever happens.
pub(crate) const RECHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether the reader's token still holds (always, for anonymous readers). A failing database
/// keeps the stream open; the next check tries again.
async fn still_authorized(state: &AppState, reader: &Reader) -> bool {
    let Some(grant) = reader.grant.as_ref() else {
        return true;
    };
    match oauth::grant_is_active(state, grant).await {
        Ok(active) => active,
        Err(e) => {
            tracing::warn!(error = %e, "could not check a streaming token");
            true
        }
    }
}

/// Resolves once the instance asks streaming connections to end.
async fn until_stopped(stopped: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}
