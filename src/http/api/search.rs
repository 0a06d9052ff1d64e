//! GET /api/v2/search: accounts (resolving remote handles through WebFinger), statuses by URL, hashtags.

use axum::Router;

use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
