//! Polls: `GET /api/v1/polls/:id` and `POST /api/v1/polls/:id/votes`, and reading the
//! `poll[...]` parameters of a new status.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::auth::{Auth, MaybeAuth};
use super::entities::poll::poll_entity;
use super::params::{ApiForm, de, from_value};
use super::statuses::parse_id;
use crate::error::HttpError;
use trellis_domain::services::polls::{self, PollDraft};
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/polls/{id}", get(show))
        .route("/api/v1/polls/{id}/votes", post(vote))
}

/// `poll[...]` of `POST /api/v1/statuses`.
#[derive(Debug, Deserialize)]
struct PollParams {
    #[serde(default, deserialize_with = "de::strings")]
    options: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    multiple: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    hide_totals: Option<bool>,
}

/// The poll of a new status (none when `poll` is absent or null); 422 when malformed.
pub(crate) fn draft_of(poll: Option<Value>) -> Result<Option<PollDraft>, HttpError> {
    let Some(value) = poll.filter(|p| !p.is_null()) else {
        return Ok(None);
    };
    let params: PollParams = from_value(value)?;
    let expires_in = params.expires_in.unwrap_or(86_400);
    Ok(Some(PollDraft {
        options: params.options,
        expires_in: u64::try_from(expires_in).unwrap_or(0),
        multiple: params.multiple.unwrap_or(false),
        hide_totals: params.hide_totals.unwrap_or(false),
    }))
}

/// `GET /api/v1/polls/:id`: a poll on a status the reader may see.
async fn show(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let viewer = auth.viewer("read:statuses").map(|a| a.id);
    let view = polls::show(&state, parse_id(&id)?, viewer).await?;
    Ok(Json(poll_entity(&view)))
}

/// Body of `POST /api/v1/polls/:id/votes`.
#[derive(Debug, Deserialize)]
struct VoteBody {
    #[serde(default, deserialize_with = "de::strings")]
    choices: Vec<String>,
}

/// `POST /api/v1/polls/:id/votes`: votes; answers the poll.
async fn vote(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<VoteBody>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person("write:statuses")?.clone();
    let choices = body
        .choices
        .iter()
        .map(|c| c.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            HttpError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "Validation failed: choices must be option numbers",
            )
        })?;
    let view = polls::vote(&state, &me, parse_id(&id)?, choices).await?;
    Ok(Json(poll_entity(&view)))
}
