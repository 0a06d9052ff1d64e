//! `/.well-known/host-meta` (XRD) and `/.well-known/host-meta.json` (JRD).

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use trellis_content::text::escape_html;
use trellis_domain::state::AppState;

/// GET /.well-known/host-meta: XRD, or JRD when the client asks for JSON.
pub(crate) async fn host_meta(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("json"));
    if wants_json {
        return host_meta_json(State(state)).await;
    }
    let template = escape_html(&lrdd_template(&state));
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" type=\"application/xrd+xml\" template=\"{template}\"/>\n\
         </XRD>\n"
    );
    (
        [(header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// GET /.well-known/host-meta.json
pub(crate) async fn host_meta_json(State(state): State<AppState>) -> Response {
    let body = json!({
        "links": [{ "rel": "lrdd", "type": "application/jrd+json", "template": lrdd_template(&state) }]
    });
    (
        [(header::CONTENT_TYPE, "application/jrd+json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn lrdd_template(state: &AppState) -> String {
    format!(
        "{}.well-known/webfinger?resource={{uri}}",
        state.urls().base()
    )
}
