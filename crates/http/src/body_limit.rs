//! Request size bounds. A body whose declared length exceeds the limit is refused with 413
//! before any handler runs; bodies without a declared length are cut off at the same limit
//! by the extractors (`DefaultBodyLimit`).

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::HttpError;

/// Middleware: 413 when `Content-Length` is above `max_body` bytes (`max_upload` bytes on
/// the media upload routes).
pub(crate) async fn reject_declared_oversize(
    State((max_body, max_upload)): State<(usize, usize)>,
    request: Request,
    next: Next,
) -> Response {
    let max_body = if super::api::media::is_upload_path(request.uri().path()) {
        max_upload
    } else {
        max_body
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > max_body as u64 => HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body of {length} bytes exceeds the limit of {max_body} bytes"),
        )
        .into_response(),
        _ => next.run(request).await,
    }
}
