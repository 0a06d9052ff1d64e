//! Static assets compiled into the binary.

use axum::http::header;
use axum::response::IntoResponse;

const DEFAULT_AVATAR: &[u8] = include_bytes!("../../../../static/avatar.png");
const DEFAULT_HEADER: &[u8] = include_bytes!("../../../../static/header.png");
const FAVICON_SVG: &[u8] = include_bytes!("../../../../static/favicon.svg");

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

/// GET /favicon.svg: the instance's icon (pages link it).
pub(crate) async fn favicon_svg() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON_SVG,
    )
}

/// GET /favicon.ico: what browsers and apps ask for without a link; the default avatar, as PNG.
pub(crate) async fn favicon_ico() -> impl IntoResponse {
    png(DEFAULT_AVATAR)
}
