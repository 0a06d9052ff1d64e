//! Static assets compiled into the binary.

use axum::http::header;
use axum::response::IntoResponse;

const DEFAULT_AVATAR: &[u8] = include_bytes!("../../../static/avatar.png");

/// GET /static/avatar.png: the avatar of accounts that have none.
pub async fn default_avatar() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        DEFAULT_AVATAR,
    )
}
