//! GET /api/v1/instance, /api/v2/instance, and the instance's rules, peers and activity.

use axum::Router;

use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
