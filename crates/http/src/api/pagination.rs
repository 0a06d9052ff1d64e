//! Mastodon pagination: `max_id`, `since_id`, `min_id` and `limit` in, a `Link` header out;
//! ranked results (article search) are paged by `offset` instead, with the same header.

use axum::Json;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::params::de;
use trellis_domain::state::AppState;
pub(crate) use trellis_storage::page::Window;

/// Default page size.
pub(crate) const DEFAULT_LIMIT: i64 = 20;
/// Largest page size for statuses and notifications.
pub(crate) const MAX_LIMIT: i64 = 40;
/// Default page size of account lists (followers, blocks, list members, ...).
pub(crate) const ACCOUNTS_LIMIT: i64 = 40;
/// Largest page size of account lists.
pub(crate) const ACCOUNTS_MAX: i64 = 80;

/// The paging parameters of a list request.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct PageParams {
    /// Items strictly older than this id.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_id: Option<i64>,
    /// Items strictly newer than this id (newest first).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub since_id: Option<i64>,
    /// Items strictly newer than this id, the page immediately after it.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub min_id: Option<i64>,
    /// Page size.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub limit: Option<i64>,
}

impl PageParams {
    /// The window, with the limit clamped to 1..=`max` (default [`DEFAULT_LIMIT`]).
    pub(crate) fn window(&self, max: i64) -> Window {
        self.window_from(DEFAULT_LIMIT, max)
    }

    /// The window of an account list: default [`ACCOUNTS_LIMIT`], at most [`ACCOUNTS_MAX`].
    pub(crate) fn accounts_window(&self) -> Window {
        self.window_from(ACCOUNTS_LIMIT, ACCOUNTS_MAX)
    }

    fn window_from(&self, default: i64, max: i64) -> Window {
        Window {
            max_id: self.max_id,
            since_id: self.since_id,
            min_id: self.min_id,
            limit: self.limit.unwrap_or(default).clamp(1, max),
        }
    }
}

/// A JSON list with its `Link` header.
pub(crate) struct Paged<T> {
    items: Vec<T>,
    link: Option<String>,
}

impl<T: Serialize> Paged<T> {
    /// A page whose items have the given cursor ids (same order as `items`, newest first).
    pub(crate) fn new(state: &AppState, uri: &Uri, items: Vec<T>, cursors: &[i64]) -> Self {
        let link = link_header(state, uri, cursors);
        Self { items, link }
    }

    /// A page of ranked results chosen by position: `offset` results were skipped and
    /// `limit` asked for.
    pub(crate) fn by_offset(
        state: &AppState,
        uri: &Uri,
        items: Vec<T>,
        offset: i64,
        limit: i64,
    ) -> Self {
        let link = offset_link_header(state, uri, offset, limit, items.len());
        Self { items, link }
    }
}

impl<T: Serialize> IntoResponse for Paged<T> {
    fn into_response(self) -> Response {
        let mut response = Json(self.items).into_response();
        if let Some(link) = self.link.and_then(|l| HeaderValue::from_str(&l).ok()) {
            response.headers_mut().insert(header::LINK, link);
        }
        response
    }
}

/// `<...max_id=LAST>; rel="next", <...min_id=FIRST>; rel="prev"`, keeping other parameters.
/// An empty page still gets `prev`, from the cursor the client sent.
pub(crate) fn link_header(state: &AppState, uri: &Uri, cursors: &[i64]) -> Option<String> {
    let with =
        |key: &str, id: i64| page_url(state, uri, &["max_id", "min_id", "since_id"], key, id);
    let mut links = Vec::new();
    if let (Some(first), Some(last)) = (cursors.first(), cursors.last()) {
        links.push(format!("<{}>; rel=\"next\"", with("max_id", *last)));
        links.push(format!("<{}>; rel=\"prev\"", with("min_id", *first)));
    } else {
        let sent: Vec<i64> = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .filter(|(k, _)| matches!(k.as_ref(), "max_id" | "min_id" | "since_id"))
            .filter_map(|(_, v)| v.parse().ok())
            .collect();
        if let Some(cursor) = sent.first() {
            links.push(format!("<{}>; rel=\"prev\"", with("min_id", *cursor)));
        }
    }
    (!links.is_empty()).then(|| links.join(", "))
}

/// `<...offset=NEXT>; rel="next"` when the page is full (`count` = `limit`) and
/// `<...offset=PREVIOUS>; rel="prev"` after the first page, keeping other parameters.
pub(crate) fn offset_link_header(
    state: &AppState,
    uri: &Uri,
    offset: i64,
    limit: i64,
    count: usize,
) -> Option<String> {
    let with = |value: i64| page_url(state, uri, &["offset"], "offset", value);
    let mut links = Vec::new();
    if i64::try_from(count).is_ok_and(|count| count >= limit) {
        links.push(format!("<{}>; rel=\"next\"", with(offset + limit)));
    }
    if offset > 0 {
        links.push(format!("<{}>; rel=\"prev\"", with((offset - limit).max(0))));
    }
    (!links.is_empty()).then(|| links.join(", "))
}

/// The request's URL with the parameters `dropped` removed and `key=value` added.
fn page_url(state: &AppState, uri: &Uri, dropped: &[&str], key: &str, value: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if !dropped.contains(&k.as_ref()) {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair(key, &value.to_string());
    format!("{}?{}", state.urls().at(uri.path()), query.finish())
}
