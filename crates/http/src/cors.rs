//! CORS as Mastodon answers it: any origin may call the API, the token endpoint and the
//! discovery documents and static images (loaded with `crossorigin` by web clients) from a
//! browser; `Link` is exposed for pagination.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Paths that browsers may call across origins.
fn is_cross_origin_path(path: &str) -> bool {
    [
        "/api/",
        "/oauth/token",
        "/oauth/revoke",
        "/.well-known/",
        "/nodeinfo/",
        "/static/",
        "/favicon.",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
}

/// Answers preflights and adds the CORS headers on cross-origin paths.
pub(crate) async fn cors(request: Request, next: Next) -> Response {
    if !is_cross_origin_path(request.uri().path()) {
        return next.run(request).await;
    }
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let requested_headers = request
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned();
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id",
        ),
    );
    if preflight {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST, PUT, DELETE, GET, PATCH, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            requested_headers
                .unwrap_or_else(|| HeaderValue::from_static("Authorization, Content-Type")),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("1728000"),
        );
    }
    response
}
