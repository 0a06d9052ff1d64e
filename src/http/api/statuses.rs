//! Statuses: create, get, delete, context, favourite, reblog, bookmark and who favourited or boosted.

use axum::Router;

use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
