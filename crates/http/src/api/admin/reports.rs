//! `/api/v1/admin/reports`: Mastodon's report handling for moderators and admins: the list
//! (open ones unless `resolved`), one report, resolve, reopen, assign and unassign.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::auth::{ModeratorAuth, ReadReports, WriteReports};
use super::{by_id, record_not_found};
use crate::api::entities::report::AdminReportEntity;
use crate::api::pagination::{MAX_LIMIT, PageParams, Paged};
use crate::api::params::{ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::reports::{self, ReportChange};
use trellis_domain::state::AppState;
use trellis_storage::models::report::ReportFilter;

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/reports", get(list))
        .route("/api/v1/admin/reports/{id}", get(show))
        .route("/api/v1/admin/reports/{id}/resolve", post(resolve))
        .route("/api/v1/admin/reports/{id}/reopen", post(reopen))
        .route("/api/v1/admin/reports/{id}/assign_to_self", post(assign))
        .route("/api/v1/admin/reports/{id}/unassign", post(unassign))
}

/// The filters of the list.
#[derive(Debug, Default, Deserialize)]
struct ListParams {
    #[serde(default, deserialize_with = "de::opt_bool")]
    resolved: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    account_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    target_account_id: Option<i64>,
    #[serde(flatten)]
    page: PageParams,
}

/// `GET /api/v1/admin/reports`: open reports (resolved ones with `resolved=true`).
async fn list(
    State(state): State<AppState>,
    _moderator: ModeratorAuth<ReadReports>,
    uri: Uri,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Paged<AdminReportEntity>, HttpError> {
    let filter = ReportFilter {
        resolved: Some(params.resolved.unwrap_or(false)),
        account_id: params.account_id,
        target_account_id: params.target_account_id,
    };
    let views = reports::list(&state, filter, params.page.window(MAX_LIMIT)).await?;
    let cursors: Vec<i64> = views.iter().map(|v| v.report.id).collect();
    let items = views
        .iter()
        .map(|v| AdminReportEntity::new(&state, v))
        .collect();
    Ok(Paged::new(&state, &uri, items, &cursors))
}

/// A report id from the path; one that is no number names nothing.
fn report_id(text: &str) -> Result<i64, HttpError> {
    text.parse().map_err(|_| record_not_found())
}

/// `GET /api/v1/admin/reports/:id`
async fn show(
    State(state): State<AppState>,
    _moderator: ModeratorAuth<ReadReports>,
    Path(id): Path<String>,
) -> Result<Json<AdminReportEntity>, HttpError> {
    let view = reports::find(&state, report_id(&id)?)
        .await
        .map_err(by_id)?;
    Ok(Json(AdminReportEntity::new(&state, &view)))
}

/// Applies `change` to the report in the path.
async fn apply(
    state: &AppState,
    moderator: &ModeratorAuth<WriteReports>,
    id: &str,
    change: ReportChange,
) -> Result<Json<AdminReportEntity>, HttpError> {
    let view = reports::change(
        state,
        &moderator.acting,
        Some(moderator.account.id),
        report_id(id)?,
        change,
        None,
    )
    .await
    .map_err(by_id)?;
    Ok(Json(AdminReportEntity::new(state, &view)))
}

/// `POST /api/v1/admin/reports/:id/resolve`
async fn resolve(
    State(state): State<AppState>,
    moderator: ModeratorAuth<WriteReports>,
    Path(id): Path<String>,
) -> Result<Json<AdminReportEntity>, HttpError> {
    apply(&state, &moderator, &id, ReportChange::Resolve).await
}

/// `POST /api/v1/admin/reports/:id/reopen`
async fn reopen(
    State(state): State<AppState>,
    moderator: ModeratorAuth<WriteReports>,
    Path(id): Path<String>,
) -> Result<Json<AdminReportEntity>, HttpError> {
    apply(&state, &moderator, &id, ReportChange::Reopen).await
}

/// `POST /api/v1/admin/reports/:id/assign_to_self`
async fn assign(
    State(state): State<AppState>,
    moderator: ModeratorAuth<WriteReports>,
    Path(id): Path<String>,
) -> Result<Json<AdminReportEntity>, HttpError> {
    apply(&state, &moderator, &id, ReportChange::AssignToSelf).await
}

/// `POST /api/v1/admin/reports/:id/unassign`
async fn unassign(
    State(state): State<AppState>,
    moderator: ModeratorAuth<WriteReports>,
    Path(id): Path<String>,
) -> Result<Json<AdminReportEntity>, HttpError> {
    apply(&state, &moderator, &id, ReportChange::Unassign).await
}
