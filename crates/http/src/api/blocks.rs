//! Blocks and mutes: block, unblock, mute, unmute, the lists of blocked and muted accounts;
//! and the lists Trellis keeps empty that clients read at launch (domain blocks).

use axum::extract::{OriginalUri, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::accounts::{account_id, account_page};
use super::auth::Auth;
use super::entities::AccountEntity;
use super::entities::relationship::RelationshipEntity;
use super::pagination::{PageParams, Paged};
use super::params::{ApiForm, ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::blocks;
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/accounts/{id}/block", post(block))
        .route("/api/v1/accounts/{id}/unblock", post(unblock))
        .route("/api/v1/accounts/{id}/mute", post(mute))
        .route("/api/v1/accounts/{id}/unmute", post(unmute))
        .route("/api/v1/blocks", get(blocked))
        .route("/api/v1/mutes", get(muted))
        .route("/api/v1/domain_blocks", get(domain_blocks))
}

type RelationshipResult = Result<Json<RelationshipEntity>, HttpError>;

/// `POST /api/v1/accounts/:id/block`
async fn block(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> RelationshipResult {
    let reader = auth.person("write:blocks")?;
    let relationship = blocks::block(&state, reader, account_id(&id)?).await?;
    Ok(Json(RelationshipEntity::from(&relationship)))
}

/// `POST /api/v1/accounts/:id/unblock`
async fn unblock(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> RelationshipResult {
    let reader = auth.person("write:blocks")?;
    let relationship = blocks::unblock(&state, reader, account_id(&id)?).await?;
    Ok(Json(RelationshipEntity::from(&relationship)))
}

/// Body of `POST /api/v1/accounts/:id/mute`.
#[derive(Debug, Deserialize)]
struct MuteBody {
    /// Mute notifications too (default true).
    #[serde(default, deserialize_with = "de::opt_bool")]
    notifications: Option<bool>,
    /// Seconds until the mute ends; 0 or absent for ever.
    #[serde(default, deserialize_with = "de::opt_i64")]
    duration: Option<i64>,
}

/// `POST /api/v1/accounts/:id/mute`
async fn mute(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<MuteBody>,
) -> RelationshipResult {
    let reader = auth.person("write:mutes")?;
    let notifications = body.notifications.unwrap_or(true);
    let relationship = blocks::mute(
        &state,
        reader,
        account_id(&id)?,
        notifications,
        body.duration,
    )
    .await?;
    Ok(Json(RelationshipEntity::from(&relationship)))
}

/// `POST /api/v1/accounts/:id/unmute`
async fn unmute(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> RelationshipResult {
    let reader = auth.person("write:mutes")?;
    let relationship = blocks::unmute(&state, reader, account_id(&id)?).await?;
    Ok(Json(RelationshipEntity::from(&relationship)))
}

/// `GET /api/v1/blocks`
async fn blocked(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Paged<AccountEntity>, HttpError> {
    let reader = auth.person("read:blocks")?;
    let rows = blocks::blocked(&state, reader, page.accounts_window()).await?;
    Ok(account_page(&state, &uri, rows))
}

/// `GET /api/v1/mutes`
async fn muted(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Paged<AccountEntity>, HttpError> {
    let reader = auth.person("read:mutes")?;
    let rows = blocks::muted(&state, reader, page.accounts_window()).await?;
    Ok(account_page(&state, &uri, rows))
}

/// `GET /api/v1/domain_blocks`: domains cannot be blocked yet.
async fn domain_blocks(auth: Auth) -> Result<Json<Vec<Value>>, HttpError> {
    auth.person("read:blocks")?;
    Ok(Json(Vec::new()))
}
