//! Notifications: list with types and exclude_types, get, clear, dismiss, unread count.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Auth;
use super::entities::NotificationEntity;
use super::pagination::{MAX_LIMIT, PageParams, Paged};
use super::params::{ApiForm, ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::notifications::{self, Query};
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/notifications", get(list))
        .route("/api/v1/notifications/unread_count", get(unread_count))
        .route("/api/v1/notifications/clear", post(clear))
        .route("/api/v1/notifications/dismiss", post(dismiss_legacy))
        .route("/api/v1/notifications/{id}", get(show))
        .route("/api/v1/notifications/{id}/dismiss", post(dismiss))
}

/// Filters of a listing (v1 and v2).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Filters {
    #[serde(default, deserialize_with = "de::strings")]
    types: Vec<String>,
    #[serde(default, deserialize_with = "de::strings")]
    exclude_types: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    account_id: Option<i64>,
}

impl From<Filters> for Query {
    fn from(f: Filters) -> Self {
        Query {
            types: f.types,
            exclude_types: f.exclude_types,
            account_id: f.account_id,
        }
    }
}

/// Query of the listing.
#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(flatten)]
    filters: Filters,
    #[serde(flatten)]
    page: PageParams,
}

/// `GET /api/v1/notifications`
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Paged<NotificationEntity>, HttpError> {
    let reader = auth.person("read:notifications")?.id;
    let window = params.page.window(MAX_LIMIT);
    let page = notifications::list(&state, reader, params.filters.into(), window).await?;
    let items = page
        .items
        .iter()
        .map(|view| NotificationEntity::new(&state, view))
        .collect();
    Ok(Paged::new(&state, &uri, items, &page.cursors))
}

/// A notification id from the path; anything that is not one is missing.
fn notification_id(raw: &str) -> Result<i64, HttpError> {
    raw.parse()
        .map_err(|_| HttpError::not_found("Record not found"))
}

/// `GET /api/v1/notifications/:id`
async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<NotificationEntity>, HttpError> {
    let reader = auth.person("read:notifications")?.id;
    let view = notifications::get(&state, reader, notification_id(&id)?).await?;
    Ok(Json(NotificationEntity::new(&state, &view)))
}

/// `POST /api/v1/notifications/:id/dismiss`
async fn dismiss(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let reader = auth.person("write:notifications")?.id;
    notifications::dismiss(&state, reader, notification_id(&id)?).await?;
    Ok(Json(json!({})))
}

/// Body of the legacy dismiss.
#[derive(Debug, Deserialize)]
struct DismissBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    id: Option<String>,
}

/// `POST /api/v1/notifications/dismiss` with `id` (the form before 3.1).
async fn dismiss_legacy(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<DismissBody>,
) -> Result<Json<Value>, HttpError> {
    let reader = auth.person("write:notifications")?.id;
    let id = body.id.ok_or_else(|| {
        HttpError::from(trellis_domain::services::ServiceError::invalid(
            "id",
            "is missing",
        ))
    })?;
    notifications::dismiss(&state, reader, notification_id(id.trim())?).await?;
    Ok(Json(json!({})))
}

/// `POST /api/v1/notifications/clear`
async fn clear(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, HttpError> {
    let reader = auth.person("write:notifications")?.id;
    notifications::clear(&state, reader).await?;
    Ok(Json(json!({})))
}

/// Query of the unread count.
#[derive(Debug, Deserialize)]
struct CountParams {
    #[serde(flatten)]
    filters: Filters,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
}

/// `GET /api/v1/notifications/unread_count`
async fn unread_count(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<CountParams>,
) -> Result<Json<Value>, HttpError> {
    let reader = auth.person("read:notifications")?.id;
    let count =
        notifications::unread_count(&state, reader, params.filters.into(), params.limit).await?;
    Ok(Json(json!({ "count": count })))
}
