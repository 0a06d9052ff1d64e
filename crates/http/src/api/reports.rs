//! `POST /api/v1/reports`: a person reports an account (and some of its posts) to the
//! moderators, and optionally to the account's own server.

use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::routing::post;
use serde::Deserialize;

use super::auth::Auth;
use super::entities::report::ReportEntity;
use super::params::{ApiForm, de};
use crate::audit_context::acting;
use crate::error::HttpError;
use trellis_domain::services::audit::Acting;
use trellis_domain::services::reports::{self, NewReport};
use trellis_domain::state::AppState;
use trellis_storage::models::Account;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/reports", post(create))
}

/// A person whose token grants `write:reports`, with the `Acting` the audit log records.
struct Reporter {
    account: Account,
    acting: Acting,
}

impl FromRequestParts<AppState> for Reporter {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let auth = Auth::from_request_parts(parts, state).await?;
        let account = auth.person("write:reports")?.clone();
        Ok(Reporter {
            acting: acting(state, parts, &account),
            account,
        })
    }
}

/// Body of `POST /api/v1/reports`. `rule_ids` are accepted and ignored (Trellis has no
/// instance rules).
#[derive(Debug, Deserialize)]
struct ReportBody {
    #[serde(default, deserialize_with = "de::opt_i64")]
    account_id: Option<i64>,
    #[serde(default, deserialize_with = "de::strings")]
    status_ids: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    category: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    forward: Option<bool>,
}

/// `POST /api/v1/reports`
async fn create(
    State(state): State<AppState>,
    reporter: Reporter,
    ApiForm(body): ApiForm<ReportBody>,
) -> Result<Json<ReportEntity>, HttpError> {
    let Some(target) = body.account_id else {
        return Err(HttpError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "account_id is missing",
        ));
    };
    let status_ids = body
        .status_ids
        .iter()
        .map(|id| id.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            HttpError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "status_ids must be status ids",
            )
        })?;
    let view = reports::create(
        &state,
        &reporter.acting,
        &reporter.account,
        NewReport {
            target_account_id: target,
            status_ids,
            comment: body.comment.unwrap_or_default(),
            category: body.category,
            forward: body.forward.unwrap_or(false),
        },
    )
    .await?;
    Ok(Json(ReportEntity::new(&state, &view)))
}
