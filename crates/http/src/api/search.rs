//! `GET /api/v2/search` (accounts, resolving remote handles through WebFinger; statuses by
//! URL; hashtags) and `GET /api/v1/accounts/search` (accounts only).

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use activitypub_federation::config::Data;

use super::accounts::reader;
use super::auth::{Auth, MaybeAuth};
use super::entities::{AccountEntity, StatusEntity};
use super::params::{ApiQuery, de};
use crate::error::HttpError;
use trellis_domain::services::search::{self, Kind, Query};
use trellis_domain::state::AppState;

/// Default number of results per kind.
const DEFAULT_LIMIT: i64 = 20;
/// Largest number of results per kind.
const MAX_LIMIT: i64 = 40;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/search", get(search_v2))
        .route("/api/v1/accounts/search", get(search_accounts))
}

/// Query of both search endpoints.
#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    resolve: bool,
    #[serde(default, deserialize_with = "de::opt_i64")]
    limit: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    offset: Option<i64>,
}

fn invalid(message: &str) -> HttpError {
    HttpError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("Validation failed: {message}"),
    )
}

impl SearchQuery {
    /// The service query, with `kind` forced when given; 422 for a missing `q`, an unknown
    /// `type` or a negative offset.
    fn into_query(self, forced: Option<Kind>) -> Result<Query, HttpError> {
        let q = self.q.ok_or_else(|| invalid("q is missing"))?;
        let kind = match (forced, self.kind.as_deref().filter(|k| !k.is_empty())) {
            (Some(kind), _) => Some(kind),
            (None, Some(name)) => Some(
                Kind::parse(name)
                    .ok_or_else(|| invalid("type must be accounts, statuses or hashtags"))?,
            ),
            (None, None) => None,
        };
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(invalid("offset must not be negative"));
        }
        Ok(Query {
            q,
            kind,
            resolve: self.resolve,
            limit: self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
            offset,
        })
    }
}

/// The response of `GET /api/v2/search`.
#[derive(Serialize)]
struct SearchResults {
    accounts: Vec<AccountEntity>,
    statuses: Vec<StatusEntity>,
    hashtags: Vec<Value>,
}

/// `GET /api/v2/search`
async fn search_v2(
    data: Data<AppState>,
    auth: MaybeAuth,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResults>, HttpError> {
    let viewer = reader(&auth, "read:search")?;
    let found = search::search(&data, viewer, query.into_query(None)?).await?;
    Ok(Json(SearchResults {
        accounts: found
            .accounts
            .iter()
            .map(|v| AccountEntity::new(&data, v))
            .collect(),
        statuses: found
            .statuses
            .iter()
            .map(|v| StatusEntity::new(&data, v))
            .collect(),
        hashtags: found
            .hashtags
            .iter()
            .map(|name| {
                json!({
                    "name": name,
                    "url": data.urls().tag(name),
                    "history": [],
                    "following": false,
                })
            })
            .collect(),
    }))
}

/// `GET /api/v1/accounts/search`
async fn search_accounts(
    data: Data<AppState>,
    auth: Auth,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<AccountEntity>>, HttpError> {
    let viewer = auth.person("read:accounts")?;
    let found =
        search::search(&data, Some(viewer), query.into_query(Some(Kind::Accounts))?).await?;
    Ok(Json(
        found
            .accounts
            .iter()
            .map(|v| AccountEntity::new(&data, v))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: Option<&str>, kind: Option<&str>) -> SearchQuery {
        SearchQuery {
            q: q.map(str::to_string),
            kind: kind.map(str::to_string),
            resolve: false,
            limit: Some(500),
            offset: None,
        }
    }

    #[test]
    fn parameters_are_validated() {
        assert!(query(None, None).into_query(None).is_err());
        assert!(query(Some("a"), Some("people")).into_query(None).is_err());
        let q = query(Some("a"), Some("hashtags")).into_query(None).unwrap();
        assert_eq!(q.kind, Some(Kind::Hashtags));
        assert_eq!(q.limit, MAX_LIMIT);
        let q = query(Some("a"), Some("hashtags"))
            .into_query(Some(Kind::Accounts))
            .unwrap();
        assert_eq!(q.kind, Some(Kind::Accounts));
    }
}
