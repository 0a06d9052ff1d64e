//! `POST /internal/v1/directory/refresh`: fetch every peer's directory now (operators and tests
//! use it instead of waiting for the background refresh).

use axum::Json;
use serde_json::{Value, json};

use super::Fed;
use trellis_federation::directory::refresh_all;

/// Refreshes the peers' directories and answers what each refresh did.
pub(super) async fn refresh(data: Fed) -> Json<Value> {
    let outcomes = refresh_all(&data).await;
    Json(json!({
        "peers": outcomes
            .iter()
            .map(|o| json!({
                "peer": o.peer,
                "listed": o.listed,
                "unlisted": o.unlisted,
                "problems": o.problems,
            }))
            .collect::<Vec<_>>(),
    }))
}
