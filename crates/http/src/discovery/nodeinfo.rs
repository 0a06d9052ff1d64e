//! NodeInfo discovery and documents 2.0 and 2.1, linking the instance actor (FEP-2677).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::HttpError;
use trellis_config::RegistrationMode;
use trellis_domain::services::accounts;
use trellis_domain::state::AppState;
use trellis_storage::models::Post;

/// Software name announced in NodeInfo.
pub(crate) const SOFTWARE_NAME: &str = "trellis";
/// Version of this build.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// GET /.well-known/nodeinfo
pub(crate) async fn discovery(State(state): State<AppState>) -> Json<Value> {
    let urls = state.urls();
    Json(json!({
        "links": [
            { "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": urls.at("/nodeinfo/2.0") },
            { "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": urls.at("/nodeinfo/2.1") },
            { "rel": "https://www.w3.org/ns/activitystreams#Application", "href": urls.instance_actor() }
        ]
    }))
}

/// GET /nodeinfo/2.0
pub(crate) async fn nodeinfo_2_0(State(state): State<AppState>) -> Result<Response, HttpError> {
    document(&state, "2.0").await
}

/// GET /nodeinfo/2.1
pub(crate) async fn nodeinfo_2_1(State(state): State<AppState>) -> Result<Response, HttpError> {
    document(&state, "2.1").await
}

async fn document(state: &AppState, version: &str) -> Result<Response, HttpError> {
    let usage = accounts::usage(state).await?;
    let local_posts = state.db().read(Post::count_local).await?;
    let instance = &state.config().instance;
    let software = json!({ "name": SOFTWARE_NAME, "version": VERSION });
    let body = json!({
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": { "inbound": [], "outbound": [] },
        "openRegistrations": instance.registrations == RegistrationMode::Open,
        "usage": {
            "users": {
                "total": usage.total,
                "activeMonth": usage.active_month,
                "activeHalfyear": usage.active_half_year
            },
            "localPosts": local_posts
        },
        "metadata": {
            "nodeName": instance.name,
            "nodeDescription": instance.description,
            "registrations": instance.registrations.as_str(),
            "upstream": { "name": "mastodon", "version": "4.3.0" }
        }
    });
    let content_type = format!(
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/{version}#\""
    );
    Ok(([(header::CONTENT_TYPE, content_type)], body.to_string()).into_response())
}
