//! Lists: CRUD and their members.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::auth::Auth;
use super::entities::AccountEntity;
use super::pagination::{PageParams, Paged, Window};
use super::params::{ApiForm, ApiQuery, de};
use super::statuses::{account_page, parse_id};
use crate::error::HttpError;
use trellis_domain::services::lists::{self, ListChange};
use trellis_domain::state::AppState;
use trellis_storage::models::list::List;

/// Members returned when a client asks for all of them (`limit=0`).
const ALL_MEMBERS: i64 = 10_000;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/lists", get(index).post(create))
        .route("/api/v1/lists/{id}", get(show).put(update).delete(delete))
        .route(
            "/api/v1/lists/{id}/accounts",
            get(members).post(add_members).delete(remove_members),
        )
}

/// `List`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ListEntity {
    id: String,
    title: String,
    replies_policy: String,
    exclusive: bool,
}

impl ListEntity {
    /// The entity of a list row.
    pub(crate) fn new(list: &List) -> Self {
        Self {
            id: list.id.to_string(),
            title: list.title.clone(),
            replies_policy: list.replies_policy.clone(),
            exclusive: list.exclusive,
        }
    }
}

/// Body of `POST /api/v1/lists` and `PUT /api/v1/lists/:id`.
#[derive(Debug, Deserialize)]
pub struct ListBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    replies_policy: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    exclusive: Option<bool>,
}

impl From<ListBody> for ListChange {
    fn from(body: ListBody) -> Self {
        ListChange {
            title: body.title,
            replies_policy: body.replies_policy,
            exclusive: body.exclusive,
        }
    }
}

/// `GET /api/v1/lists`.
pub(crate) async fn index(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<ListEntity>>, HttpError> {
    let me = auth.person("read:lists")?;
    let all = lists::all(&state, me.id).await?;
    Ok(Json(all.iter().map(ListEntity::new).collect()))
}

/// `GET /api/v1/lists/:id`.
pub(crate) async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ListEntity>, HttpError> {
    let me = auth.person("read:lists")?;
    let list = lists::get(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(ListEntity::new(&list)))
}

/// `POST /api/v1/lists`.
pub(crate) async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<ListBody>,
) -> Result<Json<ListEntity>, HttpError> {
    let me = auth.person("write:lists")?;
    let list = lists::create(&state, me.id, body.into()).await?;
    Ok(Json(ListEntity::new(&list)))
}

/// `PUT /api/v1/lists/:id`.
pub(crate) async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<ListBody>,
) -> Result<Json<ListEntity>, HttpError> {
    let me = auth.person("write:lists")?;
    let list = lists::update(&state, me.id, parse_id(&id)?, body.into()).await?;
    Ok(Json(ListEntity::new(&list)))
}

/// `DELETE /api/v1/lists/:id`.
pub(crate) async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person("write:lists")?;
    lists::delete(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}

/// `GET /api/v1/lists/:id/accounts`: members, paged by account id (`limit=0`: all).
pub(crate) async fn members(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    uri: Uri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Paged<AccountEntity>, HttpError> {
    let me = auth.person("read:lists")?;
    let window = match params.limit {
        Some(0) => Window {
            limit: ALL_MEMBERS,
            ..params.window(ALL_MEMBERS)
        },
        _ => params.accounts_window(),
    };
    let page = lists::members(&state, me.id, parse_id(&id)?, window).await?;
    Ok(account_page(&state, &uri, page))
}

/// `account_ids[]` of the member endpoints.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MemberIds {
    #[serde(default, deserialize_with = "de::strings")]
    account_ids: Vec<String>,
}

impl MemberIds {
    fn ids(&self) -> Result<Vec<i64>, HttpError> {
        self.account_ids.iter().map(|id| parse_id(id)).collect()
    }
}

/// `POST /api/v1/lists/:id/accounts`: adds accounts the reader follows.
pub(crate) async fn add_members(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<MemberIds>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person("write:lists")?;
    let list = parse_id(&id)?;
    lists::add_members(&state, me.id, list, body.ids()?).await?;
    Ok(Json(json!({})))
}

/// `DELETE /api/v1/lists/:id/accounts`: removes accounts (ids in the query or the body).
pub(crate) async fn remove_members(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<MemberIds>,
    ApiForm(body): ApiForm<MemberIds>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person("write:lists")?;
    let list = parse_id(&id)?;
    let mut ids = query.ids()?;
    ids.extend(body.ids()?);
    lists::remove_members(&state, me.id, list, ids).await?;
    Ok(Json(json!({})))
}
