//! Polls: `GET /api/v1/polls/:id` and `POST /api/v1/polls/:id/votes` (the `poll[...]`
//! parameters of a new status are read in `poll_params.rs`).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::auth::{Auth, MaybeAuth};
use super::entities::poll::poll_entity;
use super::params::{ApiForm, de};
use super::statuses::parse_id;
use crate::error::HttpError;
use trellis_domain::services::polls;
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/polls/{id}", get(show))
        .route("/api/v1/polls/{id}/votes", post(vote))
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
