//! The directory the instance serves to its peers: an `OrderedCollection` whose pages hold
//! the full actor documents of the discoverable local people.

use serde_json::{Value, json};

use crate::urls::Urls;
use trellis_protocol::json::context::ACTIVITYSTREAMS;
use trellis_storage::models::Account;

use super::actor::to_document;

/// The path of the directory collection.
pub const DIRECTORY_PATH: &str = "/federation/directory";

/// The id of the directory collection, or of its page `page` (from 1).
pub(crate) fn directory_url(urls: &Urls, page: Option<u64>) -> String {
    match page {
        Some(page) => urls.at(&format!("{DIRECTORY_PATH}?page={page}")),
        None => urls.at(DIRECTORY_PATH),
    }
}

/// The collection: its size and its first page.
pub fn collection(urls: &Urls, total: i64) -> Value {
    json!({
        "@context": ACTIVITYSTREAMS,
        "id": directory_url(urls, None),
        "type": "OrderedCollection",
        "totalItems": total,
        "first": directory_url(urls, Some(1)),
    })
}

/// Page `page` (from 1) with `people`; `more` tells whether a next page exists.
pub fn page(urls: &Urls, page: u64, people: &[Account], more: bool) -> Value {
    let items: Vec<Value> = people
        .iter()
        .map(|account| serde_json::to_value(to_document(account, urls)).unwrap_or_default())
        .collect();
    let mut document = json!({
        "@context": trellis_protocol::json::context::actor_context(),
        "id": directory_url(urls, Some(page)),
        "type": "OrderedCollectionPage",
        "partOf": directory_url(urls, None),
        "orderedItems": items,
    });
    if more {
        document["next"] = json!(directory_url(urls, Some(page + 1)));
    }
    if page > 1 {
        document["prev"] = json!(directory_url(urls, Some(page - 1)));
    }
    document
}
