//! Statuses: create, get, edit, delete, source, history, context, favourite, reblog, bookmark
//! and who favourited or boosted.

use activitypub_federation::config::Data;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{Auth, MaybeAuth};
use super::entities::{AccountEntity, StatusEntity, datetime};
use super::pagination::{PageParams, Paged};
use super::params::{ApiForm, ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::filters::{self, ActiveFilters, FilterContext};
use trellis_domain::services::hydrate::StatusView;
use trellis_domain::services::posts::{self, Draft};
use trellis_domain::services::timelines::{self, AccountPage, StatusPage};
use trellis_domain::services::{bookmarks, interactions, pins};
use trellis_domain::state::AppState;
use trellis_storage::models::Post;
use trellis_storage::models::post::Visibility;

type StatusResult = Result<Json<StatusEntity>, HttpError>;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/statuses", post(create))
        .route("/api/v1/statuses/{id}", get(show).put(edit).delete(delete))
        .route("/api/v1/statuses/{id}/source", get(source))
        .route("/api/v1/statuses/{id}/history", get(history))
        .route("/api/v1/statuses/{id}/context", get(context))
        .route("/api/v1/statuses/{id}/favourited_by", get(favourited_by))
        .route("/api/v1/statuses/{id}/reblogged_by", get(reblogged_by))
        .route("/api/v1/statuses/{id}/favourite", post(favourite))
        .route("/api/v1/statuses/{id}/unfavourite", post(unfavourite))
        .route("/api/v1/statuses/{id}/reblog", post(reblog))
        .route("/api/v1/statuses/{id}/unreblog", post(unreblog))
        .route("/api/v1/statuses/{id}/bookmark", post(bookmark))
        .route("/api/v1/statuses/{id}/unbookmark", post(unbookmark))
        .route("/api/v1/statuses/{id}/pin", post(pin))
        .route("/api/v1/statuses/{id}/unpin", post(unpin))
        .route("/api/v1/statuses/{id}/mute", post(mute))
        .route("/api/v1/statuses/{id}/unmute", post(mute))
}

/// A decimal id from a path or parameter; anything else names no record (404).
pub(crate) fn parse_id(text: &str) -> Result<i64, HttpError> {
    text.trim()
        .parse()
        .map_err(|_| HttpError::not_found("Record not found"))
}

fn unprocessable(message: impl Into<String>) -> HttpError {
    HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// A page of statuses as entities, with its `Link` header.
pub(crate) fn status_page(state: &AppState, uri: &Uri, page: StatusPage) -> Paged<StatusEntity> {
    let items = page
        .statuses
        .iter()
        .map(|view| StatusEntity::new(state, view))
        .collect();
    Paged::new(state, uri, items, &page.cursors)
}

/// A page of accounts as entities, with its `Link` header.
pub(crate) fn account_page(state: &AppState, uri: &Uri, page: AccountPage) -> Paged<AccountEntity> {
    let items = page
        .accounts
        .iter()
        .map(|view| AccountEntity::new(state, view))
        .collect();
    Paged::new(state, uri, items, &page.cursors)
}

fn entity(state: &AppState, view: &StatusView) -> Json<StatusEntity> {
    Json(StatusEntity::new(state, view))
}

/// The post an action applies to: a boost stands for the boosted post, as in Mastodon.
async fn target(state: &AppState, id: &str, viewer: i64) -> Result<Post, HttpError> {
    let post = timelines::visible_post(state, parse_id(id)?, Some(viewer)).await?;
    match post.reblog_of_id {
        Some(original) => Ok(timelines::visible_post(state, original, Some(viewer)).await?),
        None => Ok(post),
    }
}

/// Body of `POST /api/v1/statuses`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreateStatus {
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    in_reply_to_id: Option<String>,
    #[serde(default)]
    visibility: Option<String>,
    /// Department-only (glitch-soc's name; Akkoma's is `visibility=local`).
    #[serde(default, deserialize_with = "de::opt_bool")]
    local_only: Option<bool>,
    #[serde(default)]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    sensitive: Option<bool>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    media_ids: Vec<String>,
    #[serde(default)]
    poll: Option<Value>,
    #[serde(default)]
    scheduled_at: Option<Value>,
}

/// Akkoma's visibility for a department-only post: public, for people of this instance only.
const LOCAL_VISIBILITY: &str = "local";

/// `POST /api/v1/statuses`: publishes a status.
pub(crate) async fn create(
    auth: Auth,
    data: Data<AppState>,
    headers: HeaderMap,
    ApiForm(body): ApiForm<CreateStatus>,
) -> StatusResult {
    let me = auth.person("write:statuses")?.clone();
    let idempotency_key = idempotency_key(&headers)?;
    if !body.media_ids.is_empty() {
        return Err(unprocessable(
            "Validation failed: media_ids do not name uploaded media",
        ));
    }
    let poll = super::poll_params::draft_of(body.poll)?;
    if body.scheduled_at.as_ref().is_some_and(|s| !s.is_null()) {
        return Err(unprocessable(
            "Validation failed: scheduled statuses are not supported",
        ));
    }
    let (visibility, local_visibility) = match body.visibility.as_deref().filter(|v| !v.is_empty())
    {
        None => (Visibility::Public, false),
        Some(LOCAL_VISIBILITY) => (Visibility::Public, true),
        Some(name) => (
            Visibility::parse(name).ok_or_else(|| {
                unprocessable(format!("Validation failed: visibility {name:?} is unknown"))
            })?,
            false,
        ),
    };
    let local_only = local_visibility || body.local_only.unwrap_or(false);
    let in_reply_to = match body.in_reply_to_id.as_deref().filter(|v| !v.is_empty()) {
        Some(id) => {
            let parent = timelines::visible_post(&data, parse_id(id)?, Some(me.id)).await?;
            Some(parent.uri)
        }
        None => None,
    };
    let draft = Draft {
        text: body.status.unwrap_or_default(),
        visibility,
        in_reply_to,
        spoiler_text: body.spoiler_text.unwrap_or_default(),
        sensitive: body.sensitive.unwrap_or(false),
        language: body.language.filter(|l| !l.trim().is_empty()),
        local_only,
        idempotency_key,
        poll,
    };
    let post = posts::create(&data, &me, draft).await?;
    let view = timelines::view(&data, post, Some(me.id)).await?;
    Ok(entity(&data, &view))
}

/// Longest `Idempotency-Key` kept.
const MAX_IDEMPOTENCY_KEY: usize = 256;

/// The request's `Idempotency-Key` (none when absent or blank); 422 when it is not text or too
/// long.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, HttpError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| unprocessable("Validation failed: Idempotency-Key must be text"))?
        .trim();
    if key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(unprocessable(format!(
            "Validation failed: Idempotency-Key is longer than {MAX_IDEMPOTENCY_KEY} bytes"
        )));
    }
    Ok(Some(key.to_string()).filter(|k| !k.is_empty()))
}

/// `GET /api/v1/statuses/:id`: a status the reader may see.
pub(crate) async fn show(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> StatusResult {
    let viewer = auth.viewer("read:statuses").map(|a| a.id);
    let view = timelines::status(&state, parse_id(&id)?, viewer).await?;
    Ok(entity(&state, &view))
}

/// Body of `PUT /api/v1/statuses/:id`.
#[derive(Debug, Deserialize)]
pub(crate) struct EditStatus {
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default)]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    media_ids: Vec<String>,
    #[serde(default)]
    poll: Option<Value>,
}

/// `PUT /api/v1/statuses/:id`: edits one's own status.
pub(crate) async fn edit(
    auth: Auth,
    data: Data<AppState>,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<EditStatus>,
) -> StatusResult {
    let me = auth.person("write:statuses")?.clone();
    let id = parse_id(&id)?;
    if !body.media_ids.is_empty() {
        return Err(unprocessable(
            "Validation failed: media_ids do not name uploaded media",
        ));
    }
    if body.poll.as_ref().is_some_and(|p| !p.is_null()) {
        return Err(unprocessable(
            "Validation failed: a poll cannot be changed by an edit",
        ));
    }
    let post = posts::edit(
        &data,
        &me,
        id,
        body.status.unwrap_or_default(),
        body.spoiler_text,
    )
    .await?;
    let view = timelines::view(&data, post, Some(me.id)).await?;
    Ok(entity(&data, &view))
}

/// One's own status (a boost or another person's status is missing).
async fn own(state: &AppState, id: &str, me: i64) -> Result<Post, HttpError> {
    let post = timelines::visible_post(state, parse_id(id)?, Some(me)).await?;
    if post.account_id != me {
        return Err(HttpError::not_found("Record not found"));
    }
    Ok(post)
}

/// `DELETE /api/v1/statuses/:id`: deletes one's own status; answers it with its source text.
pub(crate) async fn delete(
    auth: Auth,
    data: Data<AppState>,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:statuses")?.clone();
    let post = own(&data, &id, me.id).await?;
    let view = timelines::view(&data, post.clone(), Some(me.id)).await?;
    if post.reblog_of_id.is_some() {
        interactions::unboost(&data, &me, &view_original_uri(&view)?).await?;
    } else {
        posts::delete(&data, &me, post.id).await?;
    }
    Ok(entity(&data, &view))
}

fn view_original_uri(view: &StatusView) -> Result<String, HttpError> {
    view.reblog
        .as_ref()
        .map(|inner| inner.post.uri.clone())
        .ok_or_else(|| HttpError::not_found("Record not found"))
}

/// `GET /api/v1/statuses/:id/source`: what the author typed.
pub(crate) async fn source(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person("read:statuses")?;
    let post = own(&state, &id, me.id).await?;
    Ok(Json(json!({
        "id": post.id.to_string(),
        "text": post.source_text.clone().unwrap_or_default(),
        "spoiler_text": post.summary,
    })))
}

/// `GET /api/v1/statuses/:id/history`: the versions of a status (the current one).
pub(crate) async fn history(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Vec<Value>>, HttpError> {
    let viewer = auth.viewer("read:statuses").map(|a| a.id);
    let view = timelines::status(&state, parse_id(&id)?, viewer).await?;
    let status = StatusEntity::new(&state, &view);
    let at = view.post.edited_at.unwrap_or(view.post.created_at);
    Ok(Json(vec![json!({
        "content": status.content,
        "spoiler_text": status.spoiler_text,
        "sensitive": status.sensitive,
        "created_at": datetime(at),
        "account": status.account,
        "poll": status.poll,
        "media_attachments": status.media_attachments,
        "emojis": [],
    })]))
}

/// `GET /api/v1/statuses/:id/context`: ancestors and descendants the reader may see.
pub(crate) async fn context(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let viewer = auth.viewer("read:statuses").map(|a| a.id);
    let post = timelines::visible_post(&state, parse_id(&id)?, viewer).await?;
    let (ancestors, descendants) = timelines::context(&state, &post, viewer).await?;
    let active = match viewer {
        Some(reader) => filters::loaded_for(&state, reader).await?,
        None => ActiveFilters::default(),
    };
    let reader = viewer.unwrap_or_default();
    let render = |views: Vec<StatusView>| -> Vec<StatusEntity> {
        filters::apply_to_statuses(&active, reader, FilterContext::Thread, views)
            .iter()
            .map(|v| StatusEntity::new(&state, v))
            .collect()
    };
    Ok(Json(json!({
        "ancestors": render(ancestors),
        "descendants": render(descendants),
    })))
}

/// `GET /api/v1/statuses/:id/favourited_by`.
pub(crate) async fn favourited_by(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Paged<AccountEntity>, HttpError> {
    let viewer = auth.viewer("read:accounts").map(|a| a.id);
    let post = timelines::visible_post(&state, parse_id(&id)?, viewer).await?;
    let page = timelines::favourited_by(&state, &post, params.accounts_window()).await?;
    Ok(account_page(&state, &uri, page))
}

/// `GET /api/v1/statuses/:id/reblogged_by`.
pub(crate) async fn reblogged_by(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Paged<AccountEntity>, HttpError> {
    let viewer = auth.viewer("read:accounts").map(|a| a.id);
    let post = timelines::visible_post(&state, parse_id(&id)?, viewer).await?;
    let page = timelines::reblogged_by(&state, &post, params.accounts_window()).await?;
    Ok(account_page(&state, &uri, page))
}

/// `POST /api/v1/statuses/:id/favourite`.
pub(crate) async fn favourite(
    auth: Auth,
    data: Data<AppState>,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:favourites")?.clone();
    let post = target(&data, &id, me.id).await?;
    let post = interactions::like(&data, &me, &post.uri).await?;
    let view = timelines::view(&data, post, Some(me.id)).await?;
    Ok(entity(&data, &view))
}

/// `POST /api/v1/statuses/:id/unfavourite`.
pub(crate) async fn unfavourite(
    auth: Auth,
    data: Data<AppState>,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:favourites")?.clone();
    let post = target(&data, &id, me.id).await?;
    let post = interactions::unlike(&data, &me, &post.uri).await?;
    let view = timelines::view(&data, post, Some(me.id)).await?;
    Ok(entity(&data, &view))
}

/// `POST /api/v1/statuses/:id/reblog`: answers the boost, which wraps the boosted status.
pub(crate) async fn reblog(
    auth: Auth,
    data: Data<AppState>,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:statuses")?.clone();
    let post = target(&data, &id, me.id).await?;
    let original = interactions::boost(&data, &me, &post.uri).await?;
    let boost = timelines::boost_by(&data, me.id, original.id)
        .await?
        .ok_or_else(|| HttpError::not_found("Record not found"))?;
    let view = timelines::view(&data, boost, Some(me.id)).await?;
    Ok(entity(&data, &view))
}

/// `POST /api/v1/statuses/:id/unreblog`: answers the formerly boosted status.
pub(crate) async fn unreblog(
    auth: Auth,
    data: Data<AppState>,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:statuses")?.clone();
    let post = target(&data, &id, me.id).await?;
    let post = interactions::unboost(&data, &me, &post.uri).await?;
    let view = timelines::view(&data, post, Some(me.id)).await?;
    Ok(entity(&data, &view))
}

/// `POST /api/v1/statuses/:id/bookmark`.
pub(crate) async fn bookmark(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:bookmarks")?;
    let post = target(&state, &id, me.id).await?;
    bookmarks::bookmark(&state, me.id, &post).await?;
    let view = timelines::view(&state, post, Some(me.id)).await?;
    Ok(entity(&state, &view))
}

/// `POST /api/v1/statuses/:id/unbookmark`.
pub(crate) async fn unbookmark(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:bookmarks")?;
    let post = target(&state, &id, me.id).await?;
    bookmarks::unbookmark(&state, me.id, &post).await?;
    let view = timelines::view(&state, post, Some(me.id)).await?;
    Ok(entity(&state, &view))
}

/// `POST /api/v1/statuses/:id/pin`: pins one's own status to one's profile.
pub(crate) async fn pin(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:accounts")?;
    let post = own(&state, &id, me.id).await?;
    pins::pin(&state, me.id, &post).await?;
    let view = timelines::view(&state, post, Some(me.id)).await?;
    Ok(entity(&state, &view))
}

/// `POST /api/v1/statuses/:id/unpin`
pub(crate) async fn unpin(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:accounts")?;
    let post = own(&state, &id, me.id).await?;
    pins::unpin(&state, me.id, &post).await?;
    let view = timelines::view(&state, post, Some(me.id)).await?;
    Ok(entity(&state, &view))
}

/// `POST /api/v1/statuses/:id/mute` and `unmute`: accepted; answers the status.
pub(crate) async fn mute(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> StatusResult {
    let me = auth.person("write:mutes")?;
    let post = timelines::visible_post(&state, parse_id(&id)?, Some(me.id)).await?;
    let view = timelines::view(&state, post, Some(me.id)).await?;
    Ok(entity(&state, &view))
}
