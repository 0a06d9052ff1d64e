//! `GET /media/{key}`: stored media files, streamed from the store with their type,
//! `nosniff`, a year of immutable caching, CORS `*`, and as downloads unless they are images,
//! video or audio.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use trellis_domain::state::AppState;
use trellis_media::keys;

use crate::error::HttpError;

/// `GET /media/{key}`.
pub(crate) async fn serve(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Response, HttpError> {
    if !keys::is_valid(&key) {
        return Err(HttpError::not_found("not found"));
    }
    let object = state
        .media()
        .get(&key)
        .await
        .map_err(HttpError::internal)?
        .ok_or_else(|| HttpError::not_found("not found"))?;
    let inline = keys::file_type_of(&key).is_some_and(|t| t.is_inline());
    let mut response = (StatusCode::OK, Body::from_stream(object.body)).into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&object.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Some(length) = object.length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if !inline {
        let name = key.rsplit('/').next().unwrap_or("file");
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}
