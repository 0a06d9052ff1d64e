//! `GET /api/v1/directory`: the people of the organisation, as Mastodon's profile directory
//! (`local`, `order` = `active` | `new`, `offset`, `limit` up to 80). Without `local=true` it
//! also lists the peers' people known from the directory exchange.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::accounts::reader;
use super::auth::MaybeAuth;
use super::entities::AccountEntity;
use super::params::{ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::directory::{self, DirectoryOrder, DirectoryQuery, MAX_LIMIT};
use trellis_domain::state::AppState;

/// People per page unless `limit` says otherwise.
const DEFAULT_LIMIT: i64 = 40;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/directory", get(list))
}

/// Query of `GET /api/v1/directory`.
#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(default, deserialize_with = "de::bool")]
    local: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    order: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
}

fn invalid(message: &str) -> HttpError {
    HttpError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("Validation failed: {message}"),
    )
}

/// `GET /api/v1/directory`
async fn list(
    State(state): State<AppState>,
    auth: MaybeAuth,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Vec<AccountEntity>>, HttpError> {
    reader(&auth, "read:accounts")?;
    let order = match query.order.as_deref().unwrap_or("active") {
        "active" => DirectoryOrder::Active,
        "new" => DirectoryOrder::New,
        _ => return Err(invalid("order must be active or new")),
    };
    let offset = query.offset.unwrap_or(0);
    if offset < 0 {
        return Err(invalid("offset must not be negative"));
    }
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let people = directory::list(
        &state,
        DirectoryQuery {
            local_only: query.local,
            department: None,
            instance: None,
            order,
            offset,
            limit,
        },
    )
    .await?;
    Ok(Json(
        people
            .iter()
            .map(|view| AccountEntity::new(&state, view))
            .collect(),
    ))
}
