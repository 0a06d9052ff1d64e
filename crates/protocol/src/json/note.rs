//! The Note object (and the fields Trellis reads from other object types).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// A note as exchanged with other servers. Lenient on input: most properties are kept as
/// raw JSON values and read with [`super::values`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteJson {
    /// JSON-LD context.
    #[serde(rename = "@context", default, skip_serializing_if = "Value::is_null")]
    pub context: Value,
    /// Object id.
    pub id: Url,
    /// Note, Article, Page, Question...
    #[serde(rename = "type")]
    pub kind: String,
    /// Author: a URL, an object or an array.
    pub attributed_to: Value,
    /// HTML body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Title of an Article or Page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Content warning (Note) or summary (Article).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Sensitive media or content warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    /// Parent object.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub in_reply_to: Value,
    /// Publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<chrono::DateTime<chrono::Utc>>,
    /// Last edit time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<chrono::DateTime<chrono::Utc>>,
    /// Primary audience.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub to: Value,
    /// Secondary audience.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub cc: Value,
    /// Mentions and hashtags.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub tag: Value,
    /// Attachments.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub attachment: Value,
    /// Web page.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub url: Value,
    /// Replies collection.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub replies: Value,
    /// Language-tagged content.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub content_map: Value,
    /// Media type of `content` (Articles: `text/html`).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub media_type: Value,
    /// FEP-b2b8: a short Note shown by microblogging servers instead of a long Article.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub preview: Value,
    /// Trellis extension: the name of an Article's category.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub category: Value,
    /// Trellis extension: an Article published as the organisation's word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official: Option<bool>,
    /// Trellis extension: readers are asked to acknowledge the Article (with `Read`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub must_read: Option<bool>,
}
