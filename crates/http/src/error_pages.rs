//! Writes the body of every error response in one place: JSON `{"error": ...}` for APIs and
//! servers, an HTML page for browsers. Covers handler errors, extractor rejections, the body
//! limit, unknown routes and wrong methods alike.

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::error::HttpError;
use super::negotiate::Representation;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    reason: &'a str,
    message: &'a str,
}

/// Middleware: renders error bodies according to who is asking.
pub(crate) async fn render_errors(request: Request, next: Next) -> Response {
    let wants_html = wants_html(&request);
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = response.extensions().get::<HttpError>().cloned();
    if error.is_none() && has_rendered_body(&response) {
        return response;
    }
    let (mut parts, old_body) = response.into_parts();
    let message = match &error {
        Some(e) => e.message.clone(),
        None => plain_text(old_body)
            .await
            .unwrap_or_else(|| default_message(status)),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = if wants_html {
        let page = ErrorPage {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("Error"),
            message: &message,
        };
        match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(_) => message.into_response(),
        }
    } else {
        let mut body = json!({ "error": message });
        if let Some(field) = error.and_then(|e| e.field) {
            body["details"] = json!({ field: [message] });
        }
        axum::Json(body).into_response()
    };
    let (body_parts, body) = body.into_parts();
    if let Some(content_type) = body_parts.headers.get(header::CONTENT_TYPE) {
        parts
            .headers
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    Response::from_parts(parts, Body::new(body))
}

/// Browsers get pages, except on machine paths (APIs, discovery, inboxes).
fn wants_html(request: &Request) -> bool {
    let path = request.uri().path();
    let machine_path = [
        "/api/",
        "/oauth/token",
        "/.well-known/",
        "/nodeinfo/",
        "/inbox",
        "/health",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
        || path.ends_with("/inbox");
    !machine_path && Representation::from_headers(request.headers()) == Representation::Html
}

/// The text of a plain-text rejection body (extractors explain what was wrong), if short.
async fn plain_text(body: Body) -> Option<String> {
    let bytes = axum::body::to_bytes(body, 4096).await.ok()?;
    let text = String::from_utf8(bytes.to_vec()).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn has_rendered_body(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v: &HeaderValue| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json") || ct.contains("html") || ct.contains("xml"))
}

fn default_message(status: StatusCode) -> String {
    match status {
        StatusCode::NOT_FOUND => "not found".into(),
        StatusCode::METHOD_NOT_ALLOWED => "method not allowed".into(),
        StatusCode::PAYLOAD_TOO_LARGE => "request body too large".into(),
        StatusCode::REQUEST_TIMEOUT => "request timed out".into(),
        other => other
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase(),
    }
}
