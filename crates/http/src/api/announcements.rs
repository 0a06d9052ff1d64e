//! Must-read articles as Mastodon announcements: `GET /api/v1/announcements` lists the
//! must-reads the person has not acknowledged, so apps show them in the banner they already
//! have; dismissing one acknowledges the article (the acknowledgement that federates).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Value, json};

use super::auth::Auth;
use super::entities::datetime;
use crate::error::HttpError;
use trellis_content::text::escape_html;
use trellis_domain::services::articles::acknowledgements;
use trellis_domain::state::AppState;
use trellis_storage::models::article::Article;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/announcements", get(list))
        .route("/api/v1/announcements/{id}/dismiss", post(dismiss))
}

/// Mastodon's Announcement entity.
#[derive(Debug, Serialize)]
pub(crate) struct AnnouncementEntity {
    id: String,
    content: String,
    starts_at: Option<String>,
    ends_at: Option<String>,
    all_day: bool,
    published: bool,
    published_at: String,
    updated_at: String,
    read: bool,
    mentions: Vec<Value>,
    statuses: Vec<Value>,
    tags: Vec<Value>,
    emojis: Vec<Value>,
    reactions: Vec<Value>,
}

impl AnnouncementEntity {
    fn new(state: &AppState, article: &Article) -> Self {
        let link = state.urls().article_page(&article.slug);
        let mut content = format!(
            "<p><strong>Must read:</strong> <a href=\"{}\">{}</a></p>",
            escape_html(&link),
            escape_html(&article.title)
        );
        if !article.summary.trim().is_empty() {
            content.push_str(&format!("<p>{}</p>", escape_html(&article.summary)));
        }
        Self {
            id: article.id.to_string(),
            content,
            starts_at: None,
            ends_at: None,
            all_day: false,
            published: true,
            published_at: datetime(article.published_at.unwrap_or(article.created_at)),
            updated_at: datetime(article.updated_at),
            read: false,
            mentions: Vec::new(),
            statuses: Vec::new(),
            tags: Vec::new(),
            emojis: Vec::new(),
            reactions: Vec::new(),
        }
    }
}

/// `GET /api/v1/announcements`: the pending must-reads, newest first.
async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<AnnouncementEntity>>, HttpError> {
    let me = auth.person("read:accounts")?;
    let pending = acknowledgements::pending(&state, me).await?;
    Ok(Json(
        pending
            .iter()
            .map(|article| AnnouncementEntity::new(&state, article))
            .collect(),
    ))
}

/// `POST /api/v1/announcements/:id/dismiss`: acknowledges the must-read article.
async fn dismiss(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person("write:accounts")?;
    let id = id
        .parse::<i64>()
        .map_err(|_| HttpError::not_found("Record not found"))?;
    acknowledgements::acknowledge(&state, me, id).await?;
    Ok(Json(json!({})))
}
