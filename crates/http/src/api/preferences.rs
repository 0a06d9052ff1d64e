//! GET /api/v1/preferences and /api/v1/custom_emojis.

use axum::Json;
use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use crate::api::auth::Auth;
use crate::error::HttpError;
use trellis_domain::state::AppState;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/preferences", get(preferences))
        .route("/api/v1/custom_emojis", get(custom_emojis))
}

/// GET /api/v1/preferences (read:accounts): posting and reading defaults.
pub(crate) async fn preferences(auth: Auth) -> Result<Json<Value>, HttpError> {
    auth.person("read:accounts")?;
    Ok(Json(json!({
        "posting:default:visibility": "public",
        "posting:default:sensitive": false,
        "posting:default:language": null,
        "reading:expand:media": "default",
        "reading:expand:spoilers": false
    })))
}

/// GET /api/v1/custom_emojis: Trellis has no custom emojis.
pub(crate) async fn custom_emojis() -> Json<Value> {
    Json(json!([]))
}
