//! GET /api/v1/preferences and /api/v1/custom_emojis.

use axum::Router;

use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
