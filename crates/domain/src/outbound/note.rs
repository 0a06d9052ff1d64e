//! The JSON of a stored note (or Article status), as Trellis serves and sends it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};
use url::Url;

use trellis_protocol::json::context::ACTIVITYSTREAMS;
use trellis_protocol::json::note::NoteJson;
use trellis_protocol::json::values::items;
use trellis_storage::models::{Account, Post};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::audience::addressing;

/// Builds the JSON of a stored (non-boost) post.
pub fn note_json(conn: &mut DbConnection, post: &Post) -> Result<NoteJson, DbError> {
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
    let mut tag_items: Vec<Value> = mentioned
        .iter()
        .map(|a| {
            let host = a
                .domain
                .clone()
                .or_else(|| base.as_ref().and_then(crate::urls::Urls::authority));
            json!({
                "type": "Mention",
                "href": a.uri,
                "name": format!("@{}@{}", a.username, host.unwrap_or_default()),
            })
        })
        .collect();
    if let Some(base) = &base {
        for tag in &tags {
            let href = base
                .join(&format!("/tags/{tag}"))
                .map(|u| u.to_string())
                .unwrap_or_default();
            tag_items.push(json!({ "type": "Hashtag", "href": href, "name": format!("#{tag}") }));
        }
    }
    let attachments: Value = serde_json::from_str(&post.attachments).unwrap_or_else(|_| json!([]));
    let attachment: Vec<Value> = items(&attachments)
        .into_iter()
        .map(|a| {
            json!({
                "type": "Document",
                "url": a.get("url").cloned().unwrap_or(Value::Null),
                "mediaType": a.get("media_type").cloned().unwrap_or(Value::Null),
                "name": a.get("name").cloned().unwrap_or(Value::Null),
            })
        })
        .collect();
    let id = Url::parse(&post.uri).map_err(|_| DbError::Query(diesel::result::Error::NotFound))?;
    let mut note = NoteJson {
        context: json!([ACTIVITYSTREAMS, {
            "sensitive": "as:sensitive",
            "Hashtag": "as:Hashtag"
        }]),
        replies: json!(format!("{}/replies", post.uri)),
        id,
        kind: post.object_type.clone(),
        attributed_to: json!(author.uri),
        content: Some(post.content.clone()),
        name: None,
        summary: Some(post.summary.clone()).filter(|s| !s.is_empty()),
        sensitive: Some(post.sensitive),
        in_reply_to: parent_uri.map_or(Value::Null, Value::String),
        published: Some(DateTime::<Utc>::from_naive_utc_and_offset(
            post.created_at,
            Utc,
        )),
        updated: post
            .edited_at
            .map(|t| DateTime::<Utc>::from_naive_utc_and_offset(t, Utc)),
        to: json!(to),
        cc: json!(cc),
        tag: json!(tag_items),
        attachment: json!(attachment),
        url: post.url.clone().map_or(Value::Null, Value::String),
        content_map: Value::Null,
        media_type: Value::Null,
        preview: Value::Null,
        category: Value::Null,
        official: None,
        must_read: None,
    };
    if post.local && post.object_type == "Article" {
        super::article::decorate(conn, &mut note, post)?;
    }
    Ok(note)
}
