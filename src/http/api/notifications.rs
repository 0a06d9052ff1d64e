//! Notifications: list with types and exclude_types, get, clear, dismiss.

use axum::Router;

use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
