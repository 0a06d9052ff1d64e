//! Markers: reading positions (home, notifications) shared between a person's clients.

use diesel::Connection;

use crate::outbound::delivery;
use crate::state::AppState;
use trellis_storage::models::marker::Marker;

use super::ServiceError;

/// The timelines that have markers.
pub const TIMELINES: [&str; 2] = ["home", "notifications"];

/// The reader's markers for `timelines` (unknown names are ignored; absent markers left out).
pub async fn get(
    state: &AppState,
    reader: i64,
    timelines: Vec<String>,
) -> Result<Vec<Marker>, ServiceError> {
    let names: Vec<&'static str> = TIMELINES
        .into_iter()
        .filter(|t| timelines.iter().any(|asked| asked == t))
        .collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    Ok(state
        .db()
        .read(move |conn| Marker::of(conn, reader, &names))
        .await?)
}

/// Saves positions given as `(timeline, last_read_id)`; an unknown timeline or an empty id
/// is invalid and nothing is saved.
pub async fn save(
    state: &AppState,
    reader: i64,
    positions: Vec<(String, String)>,
) -> Result<Vec<Marker>, ServiceError> {
    for (timeline, last_read_id) in &positions {
        if !TIMELINES.contains(&timeline.as_str()) {
            return Err(ServiceError::invalid(
                "timeline",
                format!("{timeline:?} is not home or notifications"),
            ));
        }
        if last_read_id.trim().is_empty() {
            return Err(ServiceError::invalid("last_read_id", "can't be blank"));
        }
    }
    let now = delivery::now();
    Ok(state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                positions
                    .iter()
                    .map(|(timeline, id)| Marker::save(conn, reader, timeline, id.trim(), now))
                    .collect()
            })
        })
        .await?)
}
