//! The JSON of a stored note (or Article status), as Trellis serves and sends it.

use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use trellis_protocol::json::context::ACTIVITYSTREAMS;
use trellis_protocol::object::{Attachment, Tag};
use trellis_protocol::{Many, Object, ObjectKind, Reference};
use trellis_storage::models::{Account, Post};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::audience::addressing;

/// Builds the JSON of a stored (non-boost) post.
pub fn note_json(conn: &mut DbConnection, post: &Post) -> Result<Object, DbError> {
    let author: Account = accounts::table
        .find(post.account_id)
        .select(Account::as_select())
        .first(conn)?;
    let mention_ids = Post::mentioned_account_ids(conn, post.id)?;
    let mentioned: Vec<Account> = accounts::table
        .filter(accounts::id.eq_any(&mention_ids))
        .select(Account::as_select())
        .load(conn)?;
    let tags = Post::tags(conn, post.id)?;
    let parent_uri = match (post.in_reply_to_id, &post.in_reply_to_uri) {
        (Some(parent), _) => Post::find(conn, parent)?.map(|p| p.uri),
        (None, uri) => uri.clone(),
    };
    let followers = author.followers_url.clone().unwrap_or_default();
    let mention_uris: Vec<String> = mentioned.iter().map(|a| a.uri.clone()).collect();
    let (to, cc) = addressing(post.visibility, &followers, &mention_uris);
    let base = Url::parse(&author.uri).ok();
    let mut tag_items: Vec<Tag> = mentioned
        .iter()
        .map(|a| {
            let host = a
                .domain
                .clone()
                .or_else(|| base.as_ref().and_then(crate::urls::Urls::authority));
            Tag {
                kind: "Mention".into(),
                href: Url::parse(&a.uri).ok(),
                name: Some(format!("@{}@{}", a.username, host.unwrap_or_default())),
            }
        })
        .collect();
    if let Some(base) = &base {
        for tag in &tags {
            tag_items.push(Tag {
                kind: "Hashtag".into(),
                href: base.join(&format!("/tags/{tag}")).ok(),
                name: Some(format!("#{tag}")),
            });
        }
    }
    let stored: Vec<StoredAttachment> = serde_json::from_str(&post.attachments).unwrap_or_default();
    let attachment: Vec<Attachment> = stored
        .into_iter()
        .map(|a| Attachment {
            kind: "Document".into(),
            url: Many(
                a.url
                    .as_deref()
                    .and_then(Reference::parse)
                    .into_iter()
                    .collect(),
            ),
            href: None,
            media_type: a.media_type,
            name: a.name,
            width: None,
            height: None,
            blurhash: None,
        })
        .collect();
    let id = Url::parse(&post.uri).map_err(|_| DbError::Query(diesel::result::Error::NotFound))?;
    let mut note = Object::new(id, ObjectKind::from_name(&post.object_type));
    note.context = Some(json!([ACTIVITYSTREAMS, {
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag"
    }]));
    note.replies = Reference::parse(&format!("{}/replies", post.uri));
    note.attributed_to = Many(Reference::parse(&author.uri).into_iter().collect());
    note.content = Some(post.content.clone());
    note.summary = Some(post.summary.clone()).filter(|s| !s.is_empty());
    note.sensitive = Some(post.sensitive);
    note.in_reply_to = parent_uri.as_deref().and_then(Reference::parse);
    note.published = Some(post.created_at.and_utc());
    note.updated = post.edited_at.map(|t| t.and_utc());
    note.addressed = super::audience::references(&to, &cc);
    note.tag = Many(tag_items);
    note.attachment = Many(attachment);
    note.url = Many(
        post.url
            .as_deref()
            .and_then(Reference::parse)
            .into_iter()
            .collect(),
    );
    if post.local && post.object_type == "Article" {
        super::article::decorate(conn, &mut note, post)?;
    }
    if post.object_type == "Question" {
        super::question::decorate(conn, &mut note, post)?;
    }
    Ok(note)
}

/// An attachment as a post stores it.
#[derive(Deserialize)]
struct StoredAttachment {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    name: Option<String>,
}
