//! Accounts: verify_credentials, update_credentials, get, statuses, lookup, relationships, follow, unfollow, followers, following.

use axum::Router;

use crate::state::AppState;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
}
