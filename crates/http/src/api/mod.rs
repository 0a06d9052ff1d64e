//! The Mastodon-compatible client API under `/api/v1` and `/api/v2`, authenticated with the
//! OAuth tokens of [`super::oauth`]. Unknown API paths fall through to the router's JSON 404.

pub mod accounts;
pub mod auth;
pub mod blocks;
pub mod bookmarks;
pub mod entities;
pub mod follow_requests;
pub mod instance;
pub mod lists;
pub mod markers;
pub mod notifications;
pub mod pagination;
pub mod params;
pub mod preferences;
pub mod search;
pub mod statuses;
pub mod timelines;

use axum::Router;

use trellis_domain::state::AppState;

/// Every client API route.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(instance::routes())
        .merge(preferences::routes())
        .merge(accounts::routes())
        .merge(follow_requests::routes())
        .merge(blocks::routes())
        .merge(search::routes())
        .merge(statuses::routes())
        .merge(timelines::routes())
        .merge(lists::routes())
        .merge(markers::routes())
        .merge(bookmarks::routes())
        .merge(notifications::routes())
}
