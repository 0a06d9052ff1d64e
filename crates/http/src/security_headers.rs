//! Headers that limit what a browser does with Trellis's responses: `nosniff` on every
//! response, and a strict Content-Security-Policy on every HTML page, so that markup which got
//! past the sanitizers still runs no script, loads nothing from elsewhere but images, and
//! cannot be framed.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of HTML pages. The templates use inline `<style>` blocks and `style`
/// attributes but no script; avatars and images in articles may come from other servers.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' https: data:; \
     style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'";

/// The policy of the OAuth consent page: the same without `form-action`, because browsers
/// apply it to the redirect that follows the form, to the application's own `redirect_uri`
/// (often a custom scheme of a native app).
pub(crate) const OAUTH_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' https: data:; \
     style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'";

/// Adds `X-Content-Type-Options: nosniff` to every response and the Content-Security-Policy
/// to every HTML response (error pages included).
pub(crate) async fn add(request: Request, next: Next) -> Response {
    let oauth = request.uri().path().starts_with("/oauth/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if html {
        let policy = if oauth {
            OAUTH_CONTENT_SECURITY_POLICY
        } else {
            CONTENT_SECURITY_POLICY
        };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    response
}
