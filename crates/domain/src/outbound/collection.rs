//! Collections as served (outboxes, followers, following): the collection and its pages.

use serde::Serialize;
use serde_json::json;

use trellis_protocol::json::context::ACTIVITYSTREAMS;
use trellis_protocol::{ObjectKind, OrderedCollection, OrderedCollectionPage, Reference};

use super::activities::{ByReference, OfObject, url};

/// An item of an outbox page: the Create of a post or the Announce of a boost.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum OutboxItem {
    /// A post.
    Create(Box<OfObject>),
    /// A boost.
    Announce(Box<ByReference>),
}

/// The collection `id` of `total` items, whose first page is `id?page=1`.
pub fn collection(id: &str, total: i64) -> OrderedCollection {
    OrderedCollection {
        context: Some(json!(ACTIVITYSTREAMS)),
        id: url(id),
        kind: ObjectKind::OrderedCollection,
        total_items: u64::try_from(total).unwrap_or(0),
        first: Some(url(&format!("{id}?page=1"))),
        ordered_items: None,
    }
}

/// The collection `id` with all its `items` (ids) inline, without pages.
pub fn inline(id: &str, items: Vec<Reference>) -> OrderedCollection {
    OrderedCollection {
        context: Some(json!(ACTIVITYSTREAMS)),
        id: url(id),
        kind: ObjectKind::OrderedCollection,
        total_items: items.len() as u64,
        first: None,
        ordered_items: Some(items),
    }
}

/// The page `page_id` of the collection `id`.
pub fn page<T>(
    id: &str,
    page_id: &str,
    items: Vec<T>,
    next: Option<String>,
) -> OrderedCollectionPage<T> {
    OrderedCollectionPage {
        context: Some(json!(ACTIVITYSTREAMS)),
        id: url(page_id),
        kind: ObjectKind::OrderedCollectionPage,
        part_of: url(id),
        ordered_items: items,
        next: next.as_deref().map(url),
    }
}

/// Stored ids as collection items (those that are not URLs are left out).
pub fn ids(uris: impl IntoIterator<Item = String>) -> Vec<Reference> {
    uris.into_iter()
        .filter_map(|uri| Reference::parse(&uri))
        .collect()
}
