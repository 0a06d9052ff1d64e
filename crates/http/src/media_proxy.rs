//! `GET /media/proxy/{signature}/{encoded_url}`: another server's file served through the
//! instance (`trellis_domain::media_proxy` signs the URLs, `trellis_federation::remote_media`
//! fetches and caches the files). A signature this instance did not make is 404, an origin
//! that fails 502, a file too large 413, a file that is no media 422.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Extension, Path};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use trellis_domain::state::AppState;
use trellis_federation::remote_media::RemoteMediaCache;

use crate::error::HttpError;

/// How long clients and shared caches may keep a proxied file.
const CACHE_CONTROL: &str = "public, max-age=86400";

/// The proxy's route, with its cache.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/media/proxy/{signature}/{encoded_url}", get(proxied))
        .layer(Extension(Arc::new(RemoteMediaCache::new(state.clone()))))
}

async fn proxied(
    axum::extract::State(state): axum::extract::State<AppState>,
    Extension(cache): Extension<Arc<RemoteMediaCache>>,
    Path((signature, encoded_url)): Path<(String, String)>,
) -> Result<Response, HttpError> {
    let url = state
        .media_proxy_key()
        .and_then(|key| key.open(&signature, &encoded_url))
        .ok_or_else(|| HttpError::not_found("not found"))?;
    let media = cache.get(&url).await?;
    let bytes = tokio::fs::read(&media.path)
        .await
        .map_err(HttpError::internal)?;
    let inline = ["image/", "video/", "audio/"]
        .iter()
        .any(|kind| media.content_type.starts_with(kind));
    let disposition = if inline { "inline" } else { "attachment" };
    Ok((
        [
            (header::CONTENT_TYPE, media.content_type.clone()),
            (header::CACHE_CONTROL, CACHE_CONTROL.to_string()),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CONTENT_DISPOSITION, disposition.to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}
