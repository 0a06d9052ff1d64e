//! Media uploads: `POST /api/v1/media` and `/api/v2/media` (multipart `file`, `description`,
//! `focus`; processed at once, so both answer 200 with the entity), and
//! `GET`/`PUT`/`DELETE /api/v1/media/{id}` for the uploader.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;

use super::auth::Auth;
use super::entities::media::upload_entity;
use super::params::ApiForm;
use crate::error::HttpError;
use trellis_domain::services::media::{self, MediaDetails};
use trellis_domain::state::AppState;

/// Room for the multipart framing and the text fields around the file.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// The largest request body an upload route accepts.
pub(crate) fn upload_body_limit(state: &AppState) -> usize {
    state.config().media.max_upload_bytes() + MULTIPART_OVERHEAD
}

/// Whether a request goes to an upload route (which has its own body limit).
pub(crate) fn is_upload_path(path: &str) -> bool {
    matches!(path, "/api/v1/media" | "/api/v2/media")
}

/// The routes of this module.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let limit = DefaultBodyLimit::max(upload_body_limit(state));
    Router::new()
        .route("/api/v1/media", post(upload).layer(limit))
        .route("/api/v2/media", post(upload).layer(limit))
        .route("/api/v1/media/{id}", get(show).put(describe).delete(remove))
}

fn parse_id(id: &str) -> Result<i64, HttpError> {
    id.parse()
        .map_err(|_| HttpError::not_found("Record not found"))
}

fn scope_of(auth: &Auth) -> Result<i64, HttpError> {
    Ok(auth.person("write:media")?.id)
}

/// `POST /api/v{1,2}/media`.
async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    mut multipart: Multipart,
) -> Result<Json<Value>, HttpError> {
    let account_id = scope_of(&auth)?;
    let bad = |e: axum::extract::multipart::MultipartError| HttpError::bad_request(e.body_text());
    let mut file = None;
    let mut details = MediaDetails::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().map(str::to_string);
                file = Some((field.bytes().await.map_err(bad)?.to_vec(), name));
            }
            "description" => details.description = Some(field.text().await.map_err(bad)?),
            "focus" => details.focus = Some(field.text().await.map_err(bad)?),
            _ => {}
        }
    }
    let Some((bytes, name)) = file else {
        return Err(HttpError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: File can't be blank",
        ));
    };
    let created = media::upload(&state, account_id, bytes, name, details).await?;
    Ok(Json(upload_entity(&state, &created)))
}

/// `GET /api/v1/media/{id}`.
async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let account_id = scope_of(&auth)?;
    let found = media::own(&state, account_id, parse_id(&id)?).await?;
    Ok(Json(upload_entity(&state, &found)))
}

/// Body of `PUT /api/v1/media/{id}`.
#[derive(Debug, Default, Deserialize)]
struct DescribeForm {
    description: Option<String>,
    focus: Option<String>,
}

/// `PUT /api/v1/media/{id}`.
async fn describe(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(form): ApiForm<DescribeForm>,
) -> Result<Json<Value>, HttpError> {
    let account_id = scope_of(&auth)?;
    let details = MediaDetails {
        description: form.description,
        focus: form.focus,
    };
    let updated = media::describe(&state, account_id, parse_id(&id)?, details).await?;
    Ok(Json(upload_entity(&state, &updated)))
}

/// `DELETE /api/v1/media/{id}`: only an upload not attached to a status.
async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    let account_id = scope_of(&auth)?;
    let id = parse_id(&id)?;
    let found = media::own(&state, account_id, id).await?;
    media::delete(&state, account_id, id).await?;
    Ok(Json(upload_entity(&state, &found)))
}
