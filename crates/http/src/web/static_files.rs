//! Static assets compiled into the binary.

use axum::http::header;
use axum::response::IntoResponse;

const DEFAULT_AVATAR: &[u8] = include_bytes!("../../../../static/avatar.png");
const DEFAULT_HEADER: &[u8] = include_bytes!("../../../../static/header.png");

fn png(bytes: &'static [u8]) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
}

/// GET /static/avatar.png: the avatar of accounts that have none.
pub(crate) async fn default_avatar() -> impl IntoResponse {
    png(DEFAULT_AVATAR)
}

/// GET /static/header.png: the header image of accounts that have none.
pub(crate) async fn default_header() -> impl IntoResponse {
    png(DEFAULT_HEADER)
}
