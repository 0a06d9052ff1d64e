//! Follow requests: list, authorize, reject.

use axum::extract::{OriginalUri, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};

use activitypub_federation::config::Data;

use super::accounts::{account_id, account_page};
use super::auth::Auth;
use super::entities::AccountEntity;
use super::entities::relationship::RelationshipEntity;
use super::pagination::{PageParams, Paged};
use super::params::ApiQuery;
use crate::error::HttpError;
use trellis_domain::services::relationships::{self, Side};
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/follow_requests", get(list))
        .route("/api/v1/follow_requests/{id}/authorize", post(authorize))
        .route("/api/v1/follow_requests/{id}/reject", post(reject))
}

/// `GET /api/v1/follow_requests`: accounts waiting for the reader's answer, newest first.
async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Paged<AccountEntity>, HttpError> {
    let reader = auth.person("read:follows")?;
    let rows =
        relationships::follow_page(&state, reader.id, Side::Requests, page.accounts_window())
            .await?;
    Ok(account_page(&state, &uri, rows))
}

async fn answer(
    data: &Data<AppState>,
    auth: &Auth,
    id: &str,
    accept: bool,
) -> Result<Json<RelationshipEntity>, HttpError> {
    let reader = auth.person("write:follows")?;
    let relationship = relationships::answer_request(data, reader, account_id(id)?, accept).await?;
    Ok(Json(RelationshipEntity::from(&relationship)))
}

/// `POST /api/v1/follow_requests/:account_id/authorize`
async fn authorize(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<RelationshipEntity>, HttpError> {
    answer(&data, &auth, &id, true).await
}

/// `POST /api/v1/follow_requests/:account_id/reject`
async fn reject(
    data: Data<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<RelationshipEntity>, HttpError> {
    answer(&data, &auth, &id, false).await
}
