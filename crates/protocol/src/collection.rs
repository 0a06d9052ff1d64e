//! Ordered collections as Trellis serves them (outboxes, followers, following, replies): the
//! collection, which names its first page, and the pages.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::kinds::ObjectKind;
use crate::reference::Reference;

/// An `OrderedCollection`: how many items it has and where its first page is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection {
    /// JSON-LD context (top-level documents only).
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// The collection's id.
    pub id: Url,
    /// Always `OrderedCollection`.
    #[serde(rename = "type")]
    pub kind: ObjectKind,
    /// How many items it has.
    pub total_items: u64,
    /// Its first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Url>,
    /// Its items, when they are served with the collection rather than in pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered_items: Option<Vec<Reference>>,
}

/// An `OrderedCollectionPage` whose items are `T`s (activities, or ids).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollectionPage<T> {
    /// JSON-LD context (top-level documents only).
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// The page's id.
    pub id: Url,
    /// Always `OrderedCollectionPage`.
    #[serde(rename = "type")]
    pub kind: ObjectKind,
    /// The collection it is a page of.
    pub part_of: Url,
    /// The items, newest first.
    pub ordered_items: Vec<T>,
    /// The next page, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Url>,
}
