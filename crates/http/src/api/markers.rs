//! Markers: reading positions shared between clients.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::auth::Auth;
use super::entities::datetime;
use super::params::{ApiForm, ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::markers;
use trellis_domain::state::AppState;
use trellis_storage::models::marker::Marker;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/markers", get(show).post(save))
}

/// Query of `GET /api/v1/markers`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MarkerQuery {
    #[serde(default, deserialize_with = "de::strings")]
    timeline: Vec<String>,
}

fn render(list: &[Marker]) -> Json<Value> {
    let map: Map<String, Value> = list
        .iter()
        .map(|m| {
            (
                m.timeline.clone(),
                json!({
                    "last_read_id": m.last_read_id,
                    "version": m.version,
                    "updated_at": datetime(m.updated_at),
                }),
            )
        })
        .collect();
    Json(Value::Object(map))
}

/// `GET /api/v1/markers?timeline[]=home&timeline[]=notifications`.
pub(crate) async fn show(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<MarkerQuery>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person("read:statuses")?;
    let list = markers::get(&state, me.id, query.timeline).await?;
    Ok(render(&list))
}

/// `POST /api/v1/markers` with `home[last_read_id]=...` and/or
/// `notifications[last_read_id]=...` (form or JSON).
pub(crate) async fn save(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<Map<String, Value>>,
) -> Result<Json<Value>, HttpError> {
    let me = auth.person("write:statuses")?;
    let mut positions = Vec::new();
    for (timeline, value) in body {
        let Some(id) = value.get("last_read_id") else {
            continue;
        };
        let id = match id {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => {
                return Err(HttpError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Validation failed: last_read_id must be an id",
                ));
            }
        };
        positions.push((timeline, id));
    }
    if positions.is_empty() {
        return Err(HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Validation failed: no timeline given (home[last_read_id] or notifications[last_read_id])",
        ));
    }
    let list = markers::save(&state, me.id, positions).await?;
    Ok(render(&list))
}
