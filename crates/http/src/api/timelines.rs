//! Timelines: home, public (local and remote filters), tag, list and direct.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use serde::Deserialize;

use super::auth::{Auth, MaybeAuth};
use super::entities::StatusEntity;
use super::pagination::{MAX_LIMIT, PageParams, Paged};
use super::params::{ApiQuery, de};
use super::statuses::{parse_id, status_page};
use crate::error::HttpError;
use trellis_domain::services::filters::{self, FilterContext};
use trellis_domain::services::{lists, timelines};
use trellis_domain::state::AppState;
use trellis_storage::models::post::TimelineFilter;

type PageResult = Result<Paged<StatusEntity>, HttpError>;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/timelines/home", get(home))
        .route("/api/v1/timelines/public", get(public))
        .route("/api/v1/timelines/tag/{hashtag}", get(tag))
        .route("/api/v1/timelines/list/{list_id}", get(list))
        .route("/api/v1/timelines/direct", get(direct))
}

/// `GET /api/v1/timelines/home`: the reader's home feed.
pub(crate) async fn home(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> PageResult {
    let me = auth.person("read:statuses")?;
    let page = timelines::home_page(&state, me.id, params.window(MAX_LIMIT)).await?;
    let page = filters::apply_to_page(&state, Some(me.id), FilterContext::Home, page).await?;
    Ok(status_page(&state, &uri, page))
}

/// Query of the public and hashtag timelines.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PublicParams {
    #[serde(flatten)]
    page: PageParams,
    #[serde(default, deserialize_with = "de::bool")]
    local: bool,
    #[serde(default, deserialize_with = "de::bool")]
    remote: bool,
    #[serde(default, deserialize_with = "de::bool")]
    only_media: bool,
    #[serde(default, deserialize_with = "de::strings")]
    any: Vec<String>,
    #[serde(default, deserialize_with = "de::strings")]
    all: Vec<String>,
    #[serde(default, deserialize_with = "de::strings")]
    none: Vec<String>,
}

impl PublicParams {
    fn filter(&self) -> TimelineFilter {
        TimelineFilter {
            local: match (self.local, self.remote) {
                (true, false) => Some(true),
                (false, true) => Some(false),
                _ => None,
            },
            only_media: self.only_media,
            ..TimelineFilter::default()
        }
    }
}

/// A hashtag as stored: lower case, without `#`.
fn tag_name(text: &str) -> String {
    text.trim().trim_start_matches('#').to_lowercase()
}

/// `GET /api/v1/timelines/public`: public posts, local or remote.
pub(crate) async fn public(
    State(state): State<AppState>,
    auth: MaybeAuth,
    uri: Uri,
    ApiQuery(params): ApiQuery<PublicParams>,
) -> PageResult {
    let viewer = auth.viewer("read:statuses").map(|a| a.id);
    let window = params.page.window(MAX_LIMIT);
    let page = timelines::public_page(&state, viewer, params.filter(), window).await?;
    let page = filters::apply_to_page(&state, viewer, FilterContext::Public, page).await?;
    Ok(status_page(&state, &uri, page))
}

/// `GET /api/v1/timelines/tag/:hashtag`: public posts with a hashtag (`any[]`, `all[]` and
/// `none[]` narrow it further).
pub(crate) async fn tag(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(hashtag): Path<String>,
    uri: Uri,
    ApiQuery(params): ApiQuery<PublicParams>,
) -> PageResult {
    let viewer = auth.viewer("read:statuses").map(|a| a.id);
    let hashtag = tag_name(&hashtag);
    if hashtag.is_empty() {
        return Err(HttpError::not_found("Record not found"));
    }
    let mut filter = params.filter();
    filter.any_tags = std::iter::once(hashtag)
        .chain(params.any.iter().map(|t| tag_name(t)))
        .filter(|t| !t.is_empty())
        .collect();
    filter.all_tags = params.all.iter().map(|t| tag_name(t)).collect();
    filter.no_tags = params.none.iter().map(|t| tag_name(t)).collect();
    let window = params.page.window(MAX_LIMIT);
    let page = timelines::public_page(&state, viewer, filter, window).await?;
    let page = filters::apply_to_page(&state, viewer, FilterContext::Public, page).await?;
    Ok(status_page(&state, &uri, page))
}

/// `GET /api/v1/timelines/list/:list_id`: posts by the members of one of the reader's lists.
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(list_id): Path<String>,
    uri: Uri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> PageResult {
    let me = auth.person("read:lists")?;
    let id = parse_id(&list_id)?;
    let page = lists::timeline(&state, me.id, id, params.window(MAX_LIMIT)).await?;
    let page = filters::apply_to_page(&state, Some(me.id), FilterContext::Home, page).await?;
    Ok(status_page(&state, &uri, page))
}

/// `GET /api/v1/timelines/direct`: direct posts written by or mentioning the reader.
pub(crate) async fn direct(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> PageResult {
    let me = auth.person("read:statuses")?;
    let page = timelines::direct_page(&state, me.id, params.window(MAX_LIMIT)).await?;
    Ok(status_page(&state, &uri, page))
}
