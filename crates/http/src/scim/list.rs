//! Listing Users (RFC 7644 §3.4.2): `filter`, `startIndex` and `count` paging, and the
//! `attributes` and `excludedAttributes` projections, from the query string (GET) or a
//! SearchRequest body (POST `/Users/.search`).

use serde_json::{Map, Value, json};

use super::error::ScimError;
use super::filter;
use super::resource::{project, representation};
use super::schema::get;
use trellis_domain::services::scim;
use trellis_domain::state::AppState;

/// The ListResponse message schema.
pub(crate) const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// The most resources one page holds.
pub(crate) const MAX_RESULTS: i64 = 200;

/// The default page size.
const DEFAULT_COUNT: i64 = 100;

/// What a listing asks for.
#[derive(Debug, Default)]
pub(crate) struct ListRequest {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    /// `attributes`, comma-separated.
    pub attributes: Option<String>,
    /// `excludedAttributes`, comma-separated.
    pub excluded: Option<String>,
}

fn number(name: &str, raw: &str) -> Result<i64, ScimError> {
    raw.trim()
        .parse()
        .map_err(|_| ScimError::invalid_value(format!("{name} must be an integer")))
}

impl ListRequest {
    /// From a query string's pairs (names without case).
    pub(crate) fn from_query(query: Option<&str>) -> Result<Self, ScimError> {
        let mut request = Self::default();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match name.to_ascii_lowercase().as_str() {
                "filter" => request.filter = Some(value.into_owned()),
                "startindex" => request.start_index = Some(number("startIndex", &value)?),
                "count" => request.count = Some(number("count", &value)?),
                "attributes" => request.attributes = Some(value.into_owned()),
                "excludedattributes" => request.excluded = Some(value.into_owned()),
                _ => {}
            }
        }
        Ok(request)
    }

    /// From a SearchRequest body.
    pub(crate) fn from_search(body: &Map<String, Value>) -> Result<Self, ScimError> {
        let text = |name: &str| -> Result<Option<String>, ScimError> {
            match get(body, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Array(items)) => Ok(Some(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","),
                )),
                Some(_) => Err(ScimError::invalid_value(format!("{name} must be a string"))),
            }
        };
        let integer = |name: &str| -> Result<Option<i64>, ScimError> {
            match get(body, name) {
                None | Some(Value::Null) => Ok(None),
                Some(value) => value
                    .as_i64()
                    .map(Some)
                    .ok_or_else(|| ScimError::invalid_value(format!("{name} must be an integer"))),
            }
        };
        Ok(Self {
            filter: text("filter")?,
            start_index: integer("startIndex")?,
            count: integer("count")?,
            attributes: text("attributes")?,
            excluded: text("excludedAttributes")?,
        })
    }
}

/// Runs a listing and builds its ListResponse.
pub(crate) async fn respond(
    state: &AppState,
    base: &str,
    request: ListRequest,
) -> Result<Value, ScimError> {
    let query = filter::parse(request.filter.as_deref())?;
    let start_index = request.start_index.unwrap_or(1).max(1);
    let count = request.count.unwrap_or(DEFAULT_COUNT).clamp(0, MAX_RESULTS);
    let (total, records) = scim::search(state, query, start_index - 1, count).await?;
    let resources: Vec<Value> = records
        .iter()
        .map(|record| {
            Value::Object(project(
                representation(record, base),
                request.attributes.as_deref(),
                request.excluded.as_deref(),
            ))
        })
        .collect();
    Ok(json!({
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    }))
}
