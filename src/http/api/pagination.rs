//! Mastodon pagination: `max_id`, `since_id`, `min_id` and `limit` in, a `Link` header out.

use axum::Json;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::params::de;
pub use crate::db::page::Window;
use crate::state::AppState;

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 20;
/// Largest page size for statuses and notifications.
pub const MAX_LIMIT: i64 = 40;
/// Default page size of account lists (followers, blocks, list members, ...).
pub const ACCOUNTS_LIMIT: i64 = 40;
/// Largest page size of account lists.
pub const ACCOUNTS_MAX: i64 = 80;

/// The paging parameters of a list request.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PageParams {
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
    pub fn window(&self, max: i64) -> Window {
        self.window_from(DEFAULT_LIMIT, max)
    }

    /// The window of an account list: default [`ACCOUNTS_LIMIT`], at most [`ACCOUNTS_MAX`].
    pub fn accounts_window(&self) -> Window {
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
pub struct Paged<T> {
    items: Vec<T>,
    link: Option<String>,
}

impl<T: Serialize> Paged<T> {
    /// A page whose items have the given cursor ids (same order as `items`, newest first).
    pub fn new(state: &AppState, uri: &Uri, items: Vec<T>, cursors: &[i64]) -> Self {
        let link = link_header(state, uri, cursors);
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
pub fn link_header(state: &AppState, uri: &Uri, cursors: &[i64]) -> Option<String> {
    let kept: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .filter(|(k, _)| !matches!(k.as_ref(), "max_id" | "min_id" | "since_id"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let base = state.urls().at(uri.path());
    let with = |key: &str, id: i64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        query.append_pair(key, &id.to_string());
        format!("{base}?{}", query.finish())
    };
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
