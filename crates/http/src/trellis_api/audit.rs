//! `GET /api/trellis/v1/admin/audit`: the audit log for administrators, newest first, with
//! filters and Mastodon-style pages (`max_id`, `since_id`, `min_id`, `limit`, `Link`).

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::admin::auth::{AdminAuth, AdminScope};
use crate::api::entities::datetime;
use crate::api::pagination::{PageParams, Paged};
use crate::api::params::{ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::audit::{self, AuditView};
use trellis_domain::state::AppState;
use trellis_storage::models::audit::AuditFilter;

/// Largest page.
const MAX_LIMIT: i64 = 200;

/// `admin:read`: the audit log has no granular scope of its own.
pub(crate) struct ReadAudit;
impl AdminScope for ReadAudit {
    const SCOPE: &'static str = "admin:read";
}

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/trellis/v1/admin/audit", get(index))
}

/// The filters of a request.
#[derive(Debug, Default, Deserialize)]
struct AuditParams {
    /// An action, or a family of them (`account` for `account.suspend`...).
    #[serde(default, deserialize_with = "de::opt_string")]
    action: Option<String>,
    /// The acting person's account id.
    #[serde(default, deserialize_with = "de::opt_i64")]
    account_id: Option<i64>,
    /// The target, as recorded.
    #[serde(default, deserialize_with = "de::opt_string")]
    target: Option<String>,
    /// From this time (RFC 3339, or a date).
    #[serde(default, deserialize_with = "de::opt_string")]
    since: Option<String>,
    /// Before this time (RFC 3339, or a date).
    #[serde(default, deserialize_with = "de::opt_string")]
    until: Option<String>,
    #[serde(flatten)]
    page: PageParams,
}

/// One recorded action.
#[derive(Debug, Serialize)]
pub(crate) struct AuditEntity {
    id: String,
    created_at: String,
    actor: ActorEntity,
    action: String,
    target: Option<String>,
    reason: Option<String>,
    address: Option<String>,
    details: Value,
}

/// Who acted.
#[derive(Debug, Serialize)]
struct ActorEntity {
    kind: String,
    account_id: Option<String>,
    username: Option<String>,
}

impl From<AuditView> for AuditEntity {
    fn from(view: AuditView) -> Self {
        let row = view.row;
        Self {
            id: row.id.to_string(),
            created_at: datetime(row.created_at),
            actor: ActorEntity {
                kind: row.actor_kind,
                account_id: row.actor_account_id.map(|id| id.to_string()),
                username: view.actor_username,
            },
            action: row.action,
            target: row.target,
            reason: row.reason,
            address: row.address,
            details: serde_json::from_str(&row.details).unwrap_or(Value::Null),
        }
    }
}

/// A time given as RFC 3339 or as a date (its midnight, UTC).
fn time(field: &str, text: Option<&str>) -> Result<Option<NaiveDateTime>, HttpError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at.naive_utc()));
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0));
    }
    Err(HttpError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("{field} must be a date (2026-12-05) or an RFC 3339 time"),
    ))
}

/// `GET /api/trellis/v1/admin/audit`
async fn index(
    State(state): State<AppState>,
    _admin: AdminAuth<ReadAudit>,
    uri: Uri,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Paged<AuditEntity>, HttpError> {
    let filter = AuditFilter {
        action: params.action.filter(|a| !a.trim().is_empty()),
        actor_account_id: params.account_id,
        target: params.target.filter(|t| !t.trim().is_empty()),
        since: time("since", params.since.as_deref())?,
        until: time("until", params.until.as_deref())?,
    };
    let views = audit::page(&state, filter, params.page.window(MAX_LIMIT)).await?;
    let cursors: Vec<i64> = views.iter().map(|v| v.row.id).collect();
    let items = views.into_iter().map(AuditEntity::from).collect();
    Ok(Paged::new(&state, &uri, items, &cursors))
}
