//! The reader's favourites and bookmarks lists.

use axum::Router;

use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
