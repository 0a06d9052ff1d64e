//! The reader's favourites and bookmarks lists.

use axum::Router;
use axum::extract::State;
use axum::http::Uri;
use axum::routing::get;

use super::auth::Auth;
use super::entities::StatusEntity;
use super::pagination::{MAX_LIMIT, PageParams, Paged};
use super::params::ApiQuery;
use super::statuses::status_page;
use crate::error::HttpError;
use trellis_domain::services::bookmarks;
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/favourites", get(favourites))
        .route("/api/v1/bookmarks", get(bookmarked))
}

/// `GET /api/v1/favourites`: posts the reader liked, newest like first.
pub(crate) async fn favourites(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Paged<StatusEntity>, HttpError> {
    let me = auth.person("read:favourites")?;
    let page = bookmarks::favourites(&state, me.id, params.window(MAX_LIMIT)).await?;
    Ok(status_page(&state, &uri, page))
}

/// `GET /api/v1/bookmarks`: posts the reader bookmarked, newest bookmark first.
pub(crate) async fn bookmarked(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Paged<StatusEntity>, HttpError> {
    let me = auth.person("read:bookmarks")?;
    let page = bookmarks::bookmarks(&state, me.id, params.window(MAX_LIMIT)).await?;
    Ok(status_page(&state, &uri, page))
}
