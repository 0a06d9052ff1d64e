//! Objects that Trellis shows as posts (Note, Article, Page, Question, ChatMessage...), their
//! tags and attachments, and the Tombstone a deleted one leaves.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::audience::Audience;
use crate::kinds::ObjectKind;
use crate::many::Many;
use crate::reference::Reference;

/// A post-like object as exchanged with other servers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Object {
    /// JSON-LD context (top-level documents only).
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// Object id.
    pub id: Url,
    /// Note, Article, Page...
    #[serde(rename = "type")]
    pub kind: ObjectKind,
    /// Author(s); the first is the one Trellis shows (Lemmy and PeerTube add the group).
    #[serde(default, skip_serializing_if = "Many::is_empty")]
    pub attributed_to: Many<Reference>,
    /// Title (Article, Page, Question) or, for a vote, the chosen option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Content warning (Note) or summary (Article).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// HTML body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The body per language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub content_map: BTreeMap<String, String>,
    /// Media type of `content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// What the author wrote (Markdown, for Lemmy and Trellis articles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Sensitive media or content warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    /// Parent object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<Reference>,
    /// Publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// Last edit time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    /// Recipients.
    #[serde(flatten)]
    pub addressed: Audience,
    /// The group it was posted in (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Reference>,
    /// Mentions, hashtags and custom emoji (written as an array).
    #[serde(
        default,
        skip_serializing_if = "Many::is_empty",
        serialize_with = "crate::many::as_array"
    )]
    pub tag: Many<Tag>,
    /// Attached media and links (written as an array).
    #[serde(
        default,
        skip_serializing_if = "Many::is_empty",
        serialize_with = "crate::many::as_array"
    )]
    pub attachment: Many<Attachment>,
    /// Web pages showing it (a URL, a Link, or several).
    #[serde(default, skip_serializing_if = "Many::is_empty")]
    pub url: Many<Reference>,
    /// Cover or preview image (Articles, Lemmy link posts).
    #[serde(default, skip_serializing_if = "Many::is_empty")]
    pub image: Many<Attachment>,
    /// Its replies collection (an id or an embedded collection; one without an id is
    /// taken as absent).
    #[serde(
        default,
        deserialize_with = "if_readable",
        skip_serializing_if = "Option::is_none"
    )]
    pub replies: Option<Reference>,
    /// FEP-b2b8: the Note that microblogging servers show instead of a long Article.
    #[serde(
        default,
        deserialize_with = "if_readable",
        skip_serializing_if = "Option::is_none"
    )]
    pub preview: Option<Preview>,
    /// Trellis extension: the Article's category (a name; PeerTube sends `{name}`).
    #[serde(
        default,
        deserialize_with = "name_or_named_object",
        skip_serializing_if = "Option::is_none"
    )]
    pub category: Option<String>,
    /// Trellis extension: an Article published as the organisation's word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official: Option<bool>,
    /// Trellis extension: readers are asked to acknowledge the Article (with `Read`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub must_read: Option<bool>,
    /// A single-choice poll's options.
    #[serde(default, skip_serializing_if = "Many::is_empty")]
    pub one_of: Many<PollOption>,
    /// A multiple-choice poll's options.
    #[serde(default, skip_serializing_if = "Many::is_empty")]
    pub any_of: Many<PollOption>,
    /// When a poll's voting ends.
    #[serde(
        default,
        deserialize_with = "if_readable",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<DateTime<Utc>>,
    /// When a poll was closed (Mastodon writes a time; some servers write `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Value>,
    /// How many people voted in a poll (Mastodon's `toot:votersCount`).
    #[serde(
        default,
        deserialize_with = "if_readable",
        skip_serializing_if = "Option::is_none"
    )]
    pub voters_count: Option<u64>,
}

impl Object {
    /// An object with an id and a kind and nothing else yet.
    pub fn new(id: Url, kind: ObjectKind) -> Self {
        Self {
            context: None,
            id,
            kind,
            attributed_to: Many::default(),
            name: None,
            summary: None,
            content: None,
            content_map: BTreeMap::new(),
            media_type: None,
            source: None,
            sensitive: None,
            in_reply_to: None,
            published: None,
            updated: None,
            addressed: Audience::default(),
            audience: None,
            tag: Many::default(),
            attachment: Many::default(),
            url: Many::default(),
            image: Many::default(),
            replies: None,
            preview: None,
            category: None,
            official: None,
            must_read: None,
            one_of: Many::default(),
            any_of: Many::default(),
            end_time: None,
            closed: None,
            voters_count: None,
        }
    }

    /// The author Trellis shows: the first `attributedTo` that is not the group the post
    /// was made in.
    pub fn author(&self) -> Option<&Reference> {
        let group = self.audience.as_ref();
        self.attributed_to
            .iter()
            .find(|a| Some(*a) != group)
            .or_else(|| self.attributed_to.first())
    }

    /// Whether a poll says it is closed: a time of closing, or `true`.
    pub fn is_closed(&self) -> bool {
        match &self.closed {
            Some(Value::Bool(closed)) => *closed,
            Some(Value::String(_)) => true,
            _ => false,
        }
    }

    /// When a poll was closed, if it names the time.
    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        match &self.closed {
            Some(Value::String(at)) => DateTime::parse_from_rfc3339(at)
                .ok()
                .map(|t| t.with_timezone(&Utc)),
            _ => None,
        }
    }

    /// A poll's options with their vote counts (from `replies.totalItems`), and whether
    /// several may be chosen; `None` when the object is no poll.
    pub fn poll_options(&self) -> Option<(Vec<(String, u64)>, bool)> {
        let (options, multiple) = if !self.one_of.is_empty() {
            (&self.one_of, false)
        } else if !self.any_of.is_empty() {
            (&self.any_of, true)
        } else {
            return None;
        };
        let counted = options
            .iter()
            .map(|option| {
                let count = option
                    .replies
                    .as_ref()
                    .and_then(|r| r.get("totalItems"))
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                (option.name.clone(), count)
            })
            .collect();
        Some((counted, multiple))
    }

    /// The HTML body: `content`, else the first of `contentMap`.
    pub fn html(&self) -> Option<&str> {
        self.content
            .as_deref()
            .or_else(|| self.content_map.values().next().map(String::as_str))
    }
}

/// A value that is read when it has the expected shape and is otherwise taken as absent
/// (PeerTube's `preview` is a list of image links, not FEP-b2b8's Note).
fn if_readable<'de, D: serde::Deserializer<'de>, T: serde::de::DeserializeOwned>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Ok(serde_json::from_value(Value::deserialize(deserializer)?).ok())
}

/// A name given as a string or as an object with a `name`; anything else is no name.
fn name_or_named_object<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(name) => Some(name),
        Value::Object(map) => map.get("name").and_then(Value::as_str).map(str::to_string),
        _ => None,
    })
}

/// FEP-b2b8's preview of a long-form object: a Note without an id of its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// Usually `Note`.
    #[serde(rename = "type")]
    pub kind: ObjectKind,
    /// Author(s), as the previewed object's.
    #[serde(default, skip_serializing_if = "Many::is_empty")]
    pub attributed_to: Many<Reference>,
    /// HTML body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Media type of `content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// Recipients, as the previewed object's.
    #[serde(flatten)]
    pub addressed: Audience,
    /// Attached media.
    #[serde(default, skip_serializing_if = "Many::is_empty")]
    pub attachment: Many<Attachment>,
}

/// What the author wrote, before rendering: `{content, mediaType}`, or (Pleroma) the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "SourceShapes")]
pub struct Source {
    /// The text.
    pub content: String,
    /// Its media type (`text/markdown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// The shapes `source` comes in.
#[derive(Deserialize)]
#[serde(untagged)]
enum SourceShapes {
    Text(String),
    #[serde(rename_all = "camelCase")]
    Object {
        content: String,
        #[serde(default)]
        media_type: Option<String>,
    },
}

impl From<SourceShapes> for Source {
    fn from(shape: SourceShapes) -> Self {
        match shape {
            SourceShapes::Text(content) => Self {
                content,
                media_type: None,
            },
            SourceShapes::Object {
                content,
                media_type,
            } => Self {
                content,
                media_type,
            },
        }
    }
}

/// A tag: `Mention`, `Hashtag` or `Emoji`, or a kind Trellis does not read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The tag's type.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The mentioned actor, the tag's page, or the emoji's image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<Url>,
    /// `@name@host`, `#tag` or `:emoji:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An attached file or link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// Image, Document, Video, Link...
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Where it is (a URL or Link objects).
    #[serde(default, skip_serializing_if = "Many::is_empty")]
    pub url: Many<Reference>,
    /// A Link's target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<Url>,
    /// Its media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Its description (alt text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// A BlurHash placeholder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blurhash: Option<String>,
}

impl Attachment {
    /// The file's address: `url` (the first), else `href`.
    pub fn location(&self) -> Option<&Url> {
        self.url.first().map(Reference::url).or(self.href.as_ref())
    }
}

/// A poll option with its vote count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollOption {
    /// The option's text.
    pub name: String,
    /// `{"type": "Collection", "totalItems": N}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<Value>,
}

impl Tombstone {
    /// The Tombstone of `id`, without a context.
    pub fn new(id: Url, former_type: Option<String>, deleted: Option<DateTime<Utc>>) -> Self {
        Self {
            context: None,
            id,
            kind: ObjectKind::Tombstone,
            former_type,
            deleted,
        }
    }
}

/// What a deleted object's id answers with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    /// JSON-LD context (top-level documents only).
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// The deleted object's id.
    pub id: Url,
    /// Always `Tombstone`.
    #[serde(rename = "type")]
    pub kind: ObjectKind,
    /// What it was (Note, Article...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub former_type: Option<String>,
    /// When it was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<DateTime<Utc>>,
}
