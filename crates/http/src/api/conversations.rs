//! Conversations: direct-message threads (`GET /api/v1/conversations`), marking one read and
//! removing one from the list.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Value, json};

use super::auth::Auth;
use super::entities::{AccountEntity, StatusEntity};
use super::pagination::{MAX_LIMIT, PageParams, Paged};
use super::params::ApiQuery;
use super::statuses::parse_id;
use crate::error::HttpError;
use trellis_domain::services::conversations::{self, ConversationView};
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/conversations", get(index))
        .route("/api/v1/conversations/{id}", delete(remove))
        .route("/api/v1/conversations/{id}/read", post(read))
}

/// `Conversation`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ConversationEntity {
    id: String,
    unread: bool,
    accounts: Vec<AccountEntity>,
    last_status: Option<StatusEntity>,
}

impl ConversationEntity {
    fn new(state: &AppState, view: &ConversationView) -> Self {
        Self {
            id: view.conversation.id.to_string(),
            unread: view.conversation.unread,
            accounts: view
                .accounts
                .iter()
                .map(|a| AccountEntity::new(state, a))
                .collect(),
            last_status: view
                .last_status
                .as_ref()
                .map(|s| StatusEntity::new(state, s)),
        }
    }
}

/// `GET /api/v1/conversations`: the reader's conversations, latest post first.
async fn index(
    State(state): State<AppState>,
    auth: Auth,
    uri: Uri,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Paged<ConversationEntity>, HttpError> {
    let me = auth.person("read:statuses")?;
    let page = conversations::page(&state, me.id, params.window(MAX_LIMIT)).await?;
    let items = page
        .items
        .iter()
        .map(|view| ConversationEntity::new(&state, view))
        .collect();
    Ok(Paged::new(&state, &uri, items, &page.cursors))
}

/// `POST /api/v1/conversations/:id/read`.
async fn read(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ConversationEntity>, HttpError> {
    let me = auth.person("write:conversations")?;
    let view = conversations::mark_read(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(ConversationEntity::new(&state, &view)))
}

/// `DELETE /api/v1/conversations/:id`: removes it from the list (a new message brings it back).
async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person("write:conversations")?;
    conversations::remove(&state, me.id, parse_id(&id)?).await?;
    Ok(Json(json!({})))
}
