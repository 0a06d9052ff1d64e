//! `/api/trellis/v1/communities`: communities (FEP-1b12 groups), their members, moderators,
//! requests to join and threads.

use activitypub_federation::config::Data;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{READ, WRITE};
use crate::api::auth::Auth;
use crate::api::entities::{AccountEntity, StatusEntity, datetime};
use crate::api::pagination::{MAX_LIMIT, PageParams, Paged};
use crate::api::params::{ApiForm, ApiQuery, de};
use crate::api::statuses::{parse_id, status_page};
use crate::error::HttpError;
use trellis_domain::services::communities::{
    CommunityInput, CommunityView, manage, moderators, requests, threads,
};
use trellis_domain::services::hydrate::AccountView;
use trellis_domain::services::timelines;
use trellis_domain::state::AppState;
use trellis_storage::models::Account;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    let base = "/api/trellis/v1/communities";
    Router::new()
        .route(base, get(index).post(create))
        .route(&format!("{base}/{{name}}"), get(show).patch(update))
        .route(&format!("{base}/{{name}}/archive"), post(archive))
        .route(&format!("{base}/{{name}}/members"), get(members))
        .route(
            &format!("{base}/{{name}}/moderators"),
            get(list_moderators).post(add_moderator),
        )
        .route(
            &format!("{base}/{{name}}/moderators/{{account_id}}"),
            delete(remove_moderator),
        )
        .route(&format!("{base}/{{name}}/requests"), get(list_requests))
        .route(
            &format!("{base}/{{name}}/requests/{{account_id}}/authorize"),
            post(authorize),
        )
        .route(
            &format!("{base}/{{name}}/requests/{{account_id}}/reject"),
            post(reject),
        )
        .route(
            &format!("{base}/{{name}}/posts"),
            get(list_posts).post(create_post),
        )
}

/// A community as the API shows it.
#[derive(Debug, Serialize)]
pub(crate) struct CommunityEntity {
    id: String,
    name: String,
    acct: String,
    uri: String,
    title: String,
    description: String,
    posting: &'static str,
    membership: &'static str,
    visibility: &'static str,
    archived_at: Option<String>,
    created_at: String,
    /// Accepted followers on every instance.
    members_count: i64,
    moderators: Vec<AccountEntity>,
}

impl CommunityEntity {
    fn new(state: &AppState, view: &CommunityView) -> Self {
        let c = &view.community;
        Self {
            id: view.actor.id.to_string(),
            name: view.actor.username.clone(),
            acct: format!("{}@{}", view.actor.username, state.urls().domain()),
            uri: view.actor.uri.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            posting: c.posting.as_str(),
            membership: c.membership.as_str(),
            visibility: c.visibility.as_str(),
            archived_at: c.archived_at.map(datetime),
            created_at: datetime(c.created_at),
            members_count: view.actor.followers_count,
            moderators: accounts(state, &view.moderators),
        }
    }
}

fn accounts(state: &AppState, list: &[Account]) -> Vec<AccountEntity> {
    list.iter()
        .map(|account| {
            AccountEntity::new(
                state,
                &AccountView {
                    account: account.clone(),
                },
            )
        })
        .collect()
}

/// Body of `POST` and `PATCH`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CommunityBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    posting: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    membership: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    visibility: Option<String>,
}

impl From<CommunityBody> for CommunityInput {
    fn from(body: CommunityBody) -> Self {
        CommunityInput {
            name: body.name,
            title: body.title,
            description: body.description,
            posting: body.posting,
            membership: body.membership,
            visibility: body.visibility,
        }
    }
}

/// `GET /api/trellis/v1/communities`: every community, by name.
pub(crate) async fn index(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<CommunityEntity>>, HttpError> {
    auth.person(READ)?;
    let all = manage::list(&state).await?;
    Ok(Json(
        all.iter()
            .map(|v| CommunityEntity::new(&state, v))
            .collect(),
    ))
}

/// `POST /api/trellis/v1/communities`: 201 with the community; 409 when the name is taken.
pub(crate) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<CommunityBody>,
) -> Result<(StatusCode, Json<CommunityEntity>), HttpError> {
    let me = auth.person(WRITE)?;
    let view = manage::create(&state, me, body.into()).await?;
    Ok((
        StatusCode::CREATED,
        Json(CommunityEntity::new(&state, &view)),
    ))
}

/// `GET /api/trellis/v1/communities/:name`.
pub(crate) async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> Result<Json<CommunityEntity>, HttpError> {
    auth.person(READ)?;
    let view = manage::get(&state, &name).await?;
    Ok(Json(CommunityEntity::new(&state, &view)))
}

/// `PATCH /api/trellis/v1/communities/:name` (moderators).
pub(crate) async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
    ApiForm(body): ApiForm<CommunityBody>,
) -> Result<Json<CommunityEntity>, HttpError> {
    let me = auth.person(WRITE)?;
    let view = manage::update(&state, me, &name, body.into()).await?;
    Ok(Json(CommunityEntity::new(&state, &view)))
}

/// `POST /api/trellis/v1/communities/:name/archive` (moderators).
pub(crate) async fn archive(
    State(state): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> Result<Json<CommunityEntity>, HttpError> {
    let me = auth.person(WRITE)?;
    let view = manage::archive(&state, me, &name).await?;
    Ok(Json(CommunityEntity::new(&state, &view)))
}

/// `GET /api/trellis/v1/communities/:name/members`: members on every instance, newest first.
pub(crate) async fn members(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Path(name): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Paged<AccountEntity>, HttpError> {
    auth.person(READ)?;
    let page = manage::members(&state, &name, params.accounts_window()).await?;
    let cursors: Vec<i64> = page.iter().map(|(id, _)| *id).collect();
    let list: Vec<Account> = page.into_iter().map(|(_, a)| a).collect();
    Ok(Paged::new(&state, &uri, accounts(&state, &list), &cursors))
}

/// `GET /api/trellis/v1/communities/:name/moderators`.
pub(crate) async fn list_moderators(
    State(state): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> Result<Json<Vec<AccountEntity>>, HttpError> {
    auth.person(READ)?;
    let list = moderators::list(&state, &name).await?;
    Ok(Json(accounts(&state, &list)))
}

/// Body of `POST .../moderators`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ModeratorBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    account_id: Option<String>,
}

/// `POST /api/trellis/v1/communities/:name/moderators` (moderators): names a known account.
pub(crate) async fn add_moderator(
    State(state): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
    ApiForm(body): ApiForm<ModeratorBody>,
) -> Result<Json<Vec<AccountEntity>>, HttpError> {
    let me = auth.person(WRITE)?;
    let id = body
        .account_id
        .as_deref()
        .and_then(|id| id.trim().parse().ok())
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "account_id must name a known account",
            )
        })?;
    let list = moderators::add(&state, me, &name, id).await?;
    Ok(Json(accounts(&state, &list)))
}

/// `DELETE /api/trellis/v1/communities/:name/moderators/:account_id` (moderators).
pub(crate) async fn remove_moderator(
    State(state): State<AppState>,
    auth: Auth,
    Path((name, account_id)): Path<(String, String)>,
) -> Result<Json<Vec<AccountEntity>>, HttpError> {
    let me = auth.person(WRITE)?;
    let list = moderators::remove(&state, me, &name, parse_id(&account_id)?).await?;
    Ok(Json(accounts(&state, &list)))
}

/// `GET /api/trellis/v1/communities/:name/requests` (moderators): who waits to join.
pub(crate) async fn list_requests(
    State(state): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> Result<Json<Vec<AccountEntity>>, HttpError> {
    let me = auth.person(READ)?;
    let list = requests::list(&state, me, &name).await?;
    Ok(Json(accounts(&state, &list)))
}

/// `POST .../requests/:account_id/authorize` (moderators): the group sends the Accept.
pub(crate) async fn authorize(
    data: Data<AppState>,
    auth: Auth,
    Path((name, account_id)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person(WRITE)?.clone();
    requests::answer(&data, &me, &name, parse_id(&account_id)?, true).await?;
    Ok(Json(json!({})))
}

/// `POST .../requests/:account_id/reject` (moderators): the group sends the Reject.
pub(crate) async fn reject(
    data: Data<AppState>,
    auth: Auth,
    Path((name, account_id)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person(WRITE)?.clone();
    requests::answer(&data, &me, &name, parse_id(&account_id)?, false).await?;
    Ok(Json(json!({})))
}

/// `GET /api/trellis/v1/communities/:name/posts`: thread starts, newest first.
pub(crate) async fn list_posts(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    Path(name): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Paged<StatusEntity>, HttpError> {
    let me = auth.person(READ)?;
    let page = threads::page(&state, me.id, &name, params.window(MAX_LIMIT)).await?;
    Ok(status_page(&state, &uri, page))
}

/// Body of `POST .../posts`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PostBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    in_reply_to_id: Option<String>,
}

/// `POST /api/trellis/v1/communities/:name/posts`: a new thread (optional `title`) or, with
/// `in_reply_to_id`, a reply; 422 naming the rule when the author may not post there.
pub(crate) async fn create_post(
    data: Data<AppState>,
    auth: Auth,
    Path(name): Path<String>,
    ApiForm(body): ApiForm<PostBody>,
) -> Result<(StatusCode, Json<StatusEntity>), HttpError> {
    let me = auth.person(WRITE)?.clone();
    let in_reply_to = match body.in_reply_to_id.as_deref().filter(|v| !v.is_empty()) {
        Some(id) => Some(
            timelines::visible_post(&data, parse_id(id)?, Some(me.id))
                .await?
                .uri,
        ),
        None => None,
    };
    let text = body.status.unwrap_or_default();
    let post = threads::post(&data, &me, &name, body.title, &text, in_reply_to).await?;
    let view = timelines::view(&data, post, Some(me.id)).await?;
    Ok((StatusCode::CREATED, Json(StatusEntity::new(&data, &view))))
}
