//! The Mastodon-compatible client API under `/api/v1` and `/api/v2`, authenticated with the
//! OAuth tokens of [`super::oauth`]. Unknown API paths fall through to the router's JSON 404.

pub(crate) mod accounts;
pub(crate) mod admin;
pub(crate) mod announcements;
pub(crate) mod auth;
pub(crate) mod blocks;
pub(crate) mod bookmarks;
pub(crate) mod conversations;
pub(crate) mod directory;
pub(crate) mod entities;
pub(crate) mod filters;
pub(crate) mod follow_requests;
pub(crate) mod instance;
pub(crate) mod lists;
pub(crate) mod markers;
pub(crate) mod media;
pub(crate) mod notifications;
pub(crate) mod notifications_v2;
pub(crate) mod pagination;
pub(crate) mod params;
pub(crate) mod poll_params;
pub(crate) mod polls;
pub(crate) mod preferences;
pub(crate) mod reports;
pub(crate) mod search;
pub(crate) mod statuses;
pub(crate) mod timelines;

use axum::Router;

use trellis_domain::state::AppState;

/// Every client API route.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(media::routes(state))
        .merge(instance::routes())
        .merge(preferences::routes())
        .merge(accounts::routes())
        .merge(follow_requests::routes())
        .merge(blocks::routes())
        .merge(search::routes())
        .merge(directory::routes())
        .merge(statuses::routes())
        .merge(polls::routes())
        .merge(timelines::routes())
        .merge(lists::routes())
        .merge(filters::routes())
        .merge(conversations::routes())
        .merge(markers::routes())
        .merge(bookmarks::routes())
        .merge(notifications::routes())
        .merge(notifications_v2::routes())
        .merge(announcements::routes())
        .merge(reports::routes())
        .merge(admin::router())
}
