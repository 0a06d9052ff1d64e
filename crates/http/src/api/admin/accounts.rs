//! `/api/v1/admin/accounts`: Mastodon's account moderation for moderators and admins: the
//! list with its filters, one account, an action (none, disable, silence, suspend; answering
//! a report resolves it) and the reversals (enable, unsilence, unsuspend).

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::auth::{ModeratorAuth, ReadAccounts, WriteAccounts};
use super::{by_id, invalid, record_not_found};
use crate::api::entities::report::AdminAccountEntity;
use crate::api::pagination::{ACCOUNTS_MAX, PageParams, Paged};
use crate::api::params::{ApiForm, ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::moderation::{self, AccountAction};
use trellis_domain::services::reports;
use trellis_domain::state::AppState;
use trellis_storage::models::account_moderation::AccountFilter;

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/accounts", get(list))
        .route("/api/v1/admin/accounts/{id}", get(show))
        .route("/api/v1/admin/accounts/{id}/action", post(action))
        .route("/api/v1/admin/accounts/{id}/enable", post(enable))
        .route("/api/v1/admin/accounts/{id}/unsilence", post(unsilence))
        .route("/api/v1/admin/accounts/{id}/unsuspend", post(unsuspend))
}

/// The filters of the list. `ip` is accepted and ignored (addresses are not kept per
/// account); `pending` lists nothing (accounts need no approval).
#[derive(Debug, Default, Deserialize)]
struct ListParams {
    #[serde(default, deserialize_with = "de::opt_bool")]
    local: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    remote: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    active: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pending: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    disabled: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    silenced: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    suspended: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    username: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    by_domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    email: Option<String>,
    #[serde(flatten)]
    page: PageParams,
}

/// A non-blank filter text.
fn text(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// `GET /api/v1/admin/accounts`
async fn list(
    State(state): State<AppState>,
    _moderator: ModeratorAuth<ReadAccounts>,
    uri: Uri,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Paged<AdminAccountEntity>, HttpError> {
    if params.pending == Some(true) {
        return Ok(Paged::new(&state, &uri, Vec::new(), &[]));
    }
    let local = match (params.local, params.remote) {
        (Some(true), Some(true)) => None,
        (Some(true), _) => Some(true),
        (_, Some(true)) => Some(false),
        _ => None,
    };
    let filter = AccountFilter {
        local,
        active: params.active == Some(true),
        disabled: params.disabled == Some(true),
        silenced: params.silenced == Some(true),
        suspended: params.suspended == Some(true),
        username: text(params.username),
        display_name: text(params.display_name),
        by_domain: text(params.by_domain),
        email: text(params.email),
    };
    let accounts = moderation::list(&state, filter, params.page.window(ACCOUNTS_MAX)).await?;
    let cursors: Vec<i64> = accounts.iter().map(|a| a.account.id).collect();
    let items = accounts
        .iter()
        .map(|a| AdminAccountEntity::new(&state, a))
        .collect();
    Ok(Paged::new(&state, &uri, items, &cursors))
}

/// An account id from the path; one that is no number names nothing.
fn account_id(text: &str) -> Result<i64, HttpError> {
    text.parse().map_err(|_| record_not_found())
}

/// `GET /api/v1/admin/accounts/:id`
async fn show(
    State(state): State<AppState>,
    _moderator: ModeratorAuth<ReadAccounts>,
    Path(id): Path<String>,
) -> Result<Json<AdminAccountEntity>, HttpError> {
    let account = reports::moderated_account(&state, account_id(&id)?)
        .await
        .map_err(by_id)?;
    Ok(Json(AdminAccountEntity::new(&state, &account)))
}

/// Body of `POST /api/v1/admin/accounts/:id/action`. `send_email_notification` and
/// `warning_preset_id` are accepted and ignored.
#[derive(Debug, Deserialize)]
struct ActionBody {
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    report_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    text: Option<String>,
}

/// `POST /api/v1/admin/accounts/:id/action`: `type` none, disable, silence or suspend;
/// with `report_id` the report is resolved. Answers `{}` as Mastodon does.
async fn action(
    State(state): State<AppState>,
    moderator: ModeratorAuth<WriteAccounts>,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<ActionBody>,
) -> Result<Json<serde_json::Value>, HttpError> {
    let kind = body.kind.as_deref().unwrap_or("none");
    let action = AccountAction::parse(kind)
        .ok_or_else(|| invalid("type", "type must be none, disable, silence or suspend"))?;
    let report_id = match text(body.report_id) {
        Some(r) => Some(
            r.trim()
                .parse::<i64>()
                .map_err(|_| invalid("report_id", "report_id must be a report id"))?,
        ),
        None => None,
    };
    moderation::act(
        &state,
        &moderator.acting,
        Some(moderator.account.id),
        account_id(&id)?,
        action,
        text(body.text),
        report_id,
    )
    .await?;
    Ok(Json(serde_json::json!({})))
}

/// Applies a reversal to the account in the path and answers its entity.
async fn reverse(
    state: &AppState,
    moderator: &ModeratorAuth<WriteAccounts>,
    id: &str,
    action: AccountAction,
) -> Result<Json<AdminAccountEntity>, HttpError> {
    let account = moderation::act(
        state,
        &moderator.acting,
        Some(moderator.account.id),
        account_id(id)?,
        action,
        None,
        None,
    )
    .await
    .map_err(by_id)?;
    Ok(Json(AdminAccountEntity::new(state, &account)))
}

/// `POST /api/v1/admin/accounts/:id/enable`
async fn enable(
    State(state): State<AppState>,
    moderator: ModeratorAuth<WriteAccounts>,
    Path(id): Path<String>,
) -> Result<Json<AdminAccountEntity>, HttpError> {
    reverse(&state, &moderator, &id, AccountAction::Enable).await
}

/// `POST /api/v1/admin/accounts/:id/unsilence`
async fn unsilence(
    State(state): State<AppState>,
    moderator: ModeratorAuth<WriteAccounts>,
    Path(id): Path<String>,
) -> Result<Json<AdminAccountEntity>, HttpError> {
    reverse(&state, &moderator, &id, AccountAction::Unsilence).await
}

/// `POST /api/v1/admin/accounts/:id/unsuspend`
async fn unsuspend(
    State(state): State<AppState>,
    moderator: ModeratorAuth<WriteAccounts>,
    Path(id): Path<String>,
) -> Result<Json<AdminAccountEntity>, HttpError> {
    reverse(&state, &moderator, &id, AccountAction::Unsuspend).await
}
