//! Grouped notifications, as Mastodon 4.3 serves them under `/api/v2/notifications`: groups
//! with their sample accounts and statuses listed once, the unread count, the (accept-all)
//! notification policy, and a group's accounts, one group, and dismissing a group.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Auth;
use super::entities::report::AdminReportEntity;
use super::entities::{AccountEntity, StatusEntity, datetime};
use super::notifications::Filters;
use super::pagination::{PageParams, link_header};
use super::params::{ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::notification_groups::{self, GROUPED_BY_DEFAULT, Group};
use trellis_domain::services::notifications::Query;
use trellis_domain::state::AppState;
use trellis_storage::models::notification::NotificationKind;

/// Largest page of groups.
const MAX_GROUPS: i64 = 80;
/// Sample accounts per group.
const SAMPLE_ACCOUNTS: usize = 8;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/notifications", get(list))
        .route("/api/v2/notifications/unread_count", get(unread_count))
        .route(
            "/api/v2/notifications/policy",
            get(policy).patch(policy_change),
        )
        .route(
            "/api/v1/notifications/policy",
            get(policy).patch(policy_change),
        )
        .route("/api/v1/notifications/requests", get(no_requests))
        .route("/api/v2/notifications/{group_key}", get(show))
        .route("/api/v2/notifications/{group_key}/accounts", get(accounts))
        .route("/api/v2/notifications/{group_key}/dismiss", post(dismiss))
}

/// Query of a listing.
#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(flatten)]
    filters: Filters,
    #[serde(default, deserialize_with = "de::strings")]
    grouped_types: Vec<String>,
    #[serde(flatten)]
    page: PageParams,
}

/// The kinds to group: `grouped_types[]`, or likes, boosts and follows.
fn grouped(names: &[String]) -> Vec<NotificationKind> {
    if names.is_empty() {
        return GROUPED_BY_DEFAULT.to_vec();
    }
    GROUPED_BY_DEFAULT
        .iter()
        .copied()
        .filter(|k| names.iter().any(|n| n == k.as_str()))
        .collect()
}

/// The `NotificationGroup` entity (an `admin.report` group carries its Admin::Report).
fn group_entity(state: &AppState, group: &Group) -> Value {
    let newest = &group.members[0];
    let oldest = &group.members[group.members.len() - 1];
    let mut samples: Vec<String> = Vec::new();
    for member in &group.members {
        let id = member.account.account.id.to_string();
        if !samples.contains(&id) && samples.len() < SAMPLE_ACCOUNTS {
            samples.push(id);
        }
    }
    let mut entity = json!({
        "group_key": group.key,
        "notifications_count": group.members.len(),
        "type": newest.notification.kind.as_str(),
        "most_recent_notification_id": newest.notification.id.to_string(),
        "page_min_id": oldest.notification.id.to_string(),
        "page_max_id": newest.notification.id.to_string(),
        "latest_page_notification_at": datetime(newest.notification.created_at),
        "sample_account_ids": samples,
        "status_id": newest.status.as_ref().map(|s| s.post.id.to_string()),
    });
    if let Some(report) = &newest.report {
        entity["report"] = json!(AdminReportEntity::new(state, report));
    }
    entity
}

/// The grouped answer: groups, and each account and status they name, once.
fn grouped_body(state: &AppState, groups: &[Group]) -> Value {
    let mut accounts: BTreeMap<i64, AccountEntity> = BTreeMap::new();
    let mut statuses: BTreeMap<i64, StatusEntity> = BTreeMap::new();
    for member in groups.iter().flat_map(|g| g.members.iter()) {
        accounts
            .entry(member.account.account.id)
            .or_insert_with(|| AccountEntity::new(state, &member.account));
        if let Some(status) = &member.status {
            statuses
                .entry(status.post.id)
                .or_insert_with(|| StatusEntity::new(state, status));
        }
    }
    json!({
        "accounts": accounts.into_values().collect::<Vec<_>>(),
        "statuses": statuses.into_values().collect::<Vec<_>>(),
        "notification_groups": groups
            .iter()
            .map(|g| group_entity(state, g))
            .collect::<Vec<_>>(),
    })
}

/// `GET /api/v2/notifications`
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, HttpError> {
    let reader = auth.person("read:notifications")?.id;
    let query = Query::from(params.filters);
    let window = params.page.window(MAX_GROUPS);
    let page = notification_groups::page(
        &state,
        reader,
        query,
        grouped(&params.grouped_types),
        window,
    )
    .await?;
    let mut response = Json(grouped_body(&state, &page.groups)).into_response();
    if let Some(link) = link_header(&state, &uri, &page.cursors)
        && let Ok(value) = HeaderValue::from_str(&link)
    {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// `GET /api/v2/notifications/:group_key`
async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(key): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let reader = auth.person("read:notifications")?.id;
    let group =
        notification_groups::find(&state, reader, &key, GROUPED_BY_DEFAULT.to_vec()).await?;
    Ok(Json(grouped_body(&state, &[group])))
}

/// `GET /api/v2/notifications/:group_key/accounts`
async fn accounts(
    State(state): State<AppState>,
    auth: Auth,
    Path(key): Path<String>,
) -> Result<Json<Vec<AccountEntity>>, HttpError> {
    let reader = auth.person("read:notifications")?.id;
    let group =
        notification_groups::find(&state, reader, &key, GROUPED_BY_DEFAULT.to_vec()).await?;
    let mut seen = Vec::new();
    let mut entities = Vec::new();
    for member in &group.members {
        if !seen.contains(&member.account.account.id) {
            seen.push(member.account.account.id);
            entities.push(AccountEntity::new(&state, &member.account));
        }
    }
    Ok(Json(entities))
}

/// `POST /api/v2/notifications/:group_key/dismiss`
async fn dismiss(
    State(state): State<AppState>,
    auth: Auth,
    Path(key): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let reader = auth.person("write:notifications")?.id;
    notification_groups::dismiss(&state, reader, &key, GROUPED_BY_DEFAULT.to_vec()).await?;
    Ok(Json(json!({})))
}

/// Query of the unread count.
#[derive(Debug, Deserialize)]
struct CountParams {
    #[serde(flatten)]
    filters: Filters,
    #[serde(default, deserialize_with = "de::strings")]
    grouped_types: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
}

/// `GET /api/v2/notifications/unread_count`: the notification groups after the reader's
/// marker.
async fn unread_count(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<CountParams>,
) -> Result<Json<Value>, HttpError> {
    let reader = auth.person("read:notifications")?.id;
    let count = notification_groups::unread_count(
        &state,
        reader,
        params.filters.into(),
        grouped(&params.grouped_types),
        params.limit,
    )
    .await?;
    Ok(Json(json!({ "count": count })))
}

/// The notification policy: Trellis filters no notifications, so everything is accepted and
/// nothing waits as a request.
fn accept_all() -> Value {
    json!({
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "accept",
        "for_limited_accounts": "accept",
        "filter_not_following": false,
        "filter_not_followers": false,
        "filter_new_accounts": false,
        "filter_private_mentions": false,
        "summary": { "pending_requests_count": 0, "pending_notifications_count": 0 },
    })
}

/// `GET /api/v2/notifications/policy` (and v1)
async fn policy(auth: Auth) -> Result<Json<Value>, HttpError> {
    auth.person("read:notifications")?;
    Ok(Json(accept_all()))
}

/// `PATCH /api/v2/notifications/policy`: filtering notifications is not supported.
async fn policy_change(auth: Auth) -> Result<Json<Value>, HttpError> {
    auth.person("write:notifications")?;
    Err(HttpError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Notifications are never filtered on this server; the policy accepts everything",
    ))
}

/// `GET /api/v1/notifications/requests`: none, since nothing is filtered.
async fn no_requests(auth: Auth) -> Result<Json<Value>, HttpError> {
    auth.person("read:notifications")?;
    Ok(Json(json!([])))
}
