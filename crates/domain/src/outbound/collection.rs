//! Collections as served (outboxes, followers, following): the collection and its pages.

use serde::Serialize;
use serde_json::json;

use trellis_protocol::json::context::{ACTIVITYSTREAMS, PUBLIC};
use trellis_protocol::{
    ActivityKind, ObjectKind, OrderedCollection, OrderedCollectionPage, Reference,
};
use trellis_storage::models::Post;
use trellis_storage::{DbConnection, DbError};

use super::activities::{ByReference, OfObject, announce, create, url};
use super::note::note_json;

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

/// The outbox items of `posts`, all by `actor` (whose followers collection is `followers`):
/// the Create of each post, the Announce of each boost whose original is still stored.
pub fn outbox_items(
    conn: &mut DbConnection,
    actor: &str,
    followers: &str,
    posts: &[Post],
) -> Result<Vec<OutboxItem>, DbError> {
    let boosted: Vec<i64> = posts.iter().filter_map(|p| p.reblog_of_id).collect();
    let originals = Post::uris_and_authors(conn, &boosted)?;
    let mut items = Vec::with_capacity(posts.len());
    for post in posts {
        match post.reblog_of_id {
            None => {
                let note = note_json(conn, post)?;
                items.push(OutboxItem::Create(Box::new(create::build(
                    &format!("{}/activity", post.uri),
                    ActivityKind::Create,
                    actor,
                    &note,
                ))));
            }
            Some(original) => {
                if let Some((uri, author)) = originals.get(&original) {
                    items.push(OutboxItem::Announce(Box::new(announce::build(
                        &post.uri,
                        actor,
                        uri,
                        &[PUBLIC.to_string()],
                        &[author.clone(), followers.to_string()],
                        post.created_at,
                    ))));
                }
            }
        }
    }
    Ok(items)
}
