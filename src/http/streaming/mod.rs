//! Streaming: the WebSocket `/api/v1/streaming`, the server-sent-event endpoints and
//! `/api/v1/streaming/health`.

use axum::Router;

use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
