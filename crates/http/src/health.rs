//! `GET /health`: liveness plus database reachability, for load balancers and monitoring.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use trellis_domain::state::AppState;

/// 200 when the database answers, 503 otherwise.
pub(crate) async fn health(State(state): State<AppState>) -> Response {
    let backend = format!("{:?}", state.db().backend()).to_lowercase();
    match state.db().ping().await {
        Ok(()) => {
            Json(json!({ "status": "ok", "database": "ok", "backend": backend })).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable", "backend": backend })),
            )
                .into_response()
        }
    }
}
