//! Notes (local and remote) as activitypub_federation objects.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::verification::verify_domains_match;
use activitypub_federation::traits::Object;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};
use url::Url;

use crate::content::sanitize_remote_html;
use crate::db::models::post::Counter;
use crate::db::models::{Account, NewPost, Post};
use crate::db::schema::accounts;
use crate::db::{DbConnection, DbError};
use crate::federation::audience::{addressing, visibility_of};
use crate::federation::error::FederationError;
use crate::federation::protocol::context::ACTIVITYSTREAMS;
use crate::federation::protocol::limits::{
    MAX_ATTACHMENT_TEXT_BYTES, MAX_ATTACHMENTS, MAX_CONTENT_BYTES, MAX_MENTIONS, MAX_NAME_BYTES,
    MAX_SUMMARY_BYTES, MAX_TAG_BYTES, MAX_TAGS,
};
use crate::federation::protocol::note::NoteJson;
use crate::federation::protocol::values::{
    first_id, first_web_url, ids, items, string, truncate, type_of, web_url,
};
use crate::state::AppState;

use super::person::ActorObject;

/// Object types stored as posts.
const POST_TYPES: &[&str] = &["Note", "Article", "Page", "Question"];

/// A stored post with its parsed id.
#[derive(Clone, Debug)]
pub struct NoteObject {
    /// The row.
    pub post: Post,
    id: Url,
}

impl NoteObject {
    /// Wraps a post; fails only if its stored id is not a URL.
    pub fn new(post: Post) -> Result<Self, FederationError> {
        let id = Url::parse(&post.uri)
            .map_err(|e| FederationError::Invalid(format!("object id {}: {e}", post.uri)))?;
        Ok(Self { post, id })
    }
}

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
    let (to, cc) = addressing(post.visibility(), &followers, &mention_uris);
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

#[async_trait::async_trait]
impl Object for NoteObject {
    type DataType = AppState;
    type Kind = NoteJson;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(
        object_id: Url,
        data: &Data<AppState>,
    ) -> Result<Option<Self>, FederationError> {
        let uri = object_id.to_string();
        let post = data
            .db()
            .read(move |conn| Post::find_by_uri(conn, &uri))
            .await?;
        post.map(Self::new).transpose()
    }

    async fn delete(&self, data: &Data<AppState>) -> Result<(), FederationError> {
        let post = self.post.clone();
        let state = (**data).clone();
        data.db()
            .write(move |conn| Post::delete(conn, state.ids(), &post))
            .await?;
        Ok(())
    }

    async fn into_json(self, data: &Data<AppState>) -> Result<NoteJson, FederationError> {
        let post = self.post;
        Ok(data.db().read(move |conn| note_json(conn, &post)).await?)
    }

    async fn verify(
        json: &NoteJson,
        expected_domain: &Url,
        _data: &Data<AppState>,
    ) -> Result<(), FederationError> {
        verify_domains_match(&json.id, expected_domain)?;
        let author = first_id(&json.attributed_to)
            .and_then(|a| Url::parse(&a).ok())
            .ok_or_else(|| FederationError::Invalid("object has no attributedTo".into()))?;
        verify_domains_match(&author, &json.id)?;
        if !POST_TYPES.contains(&json.kind.as_str()) {
            return Err(FederationError::Invalid(format!(
                "unsupported object type {}",
                json.kind
            )));
        }
        Ok(())
    }

    async fn from_json(json: NoteJson, data: &Data<AppState>) -> Result<Self, FederationError> {
        store_remote_note(json, data).await
    }
}

/// Stores (or updates) a remote note: resolves its author and thread parent, maps mentions and
/// hashtags, and sanitizes its HTML.
pub async fn store_remote_note(
    json: NoteJson,
    data: &Data<AppState>,
) -> Result<NoteObject, FederationError> {
    let author_id = first_id(&json.attributed_to)
        .and_then(|a| Url::parse(&a).ok())
        .ok_or_else(|| FederationError::Invalid("object has no attributedTo".into()))?;
    let author = ObjectId::<ActorObject>::from(author_id)
        .dereference(data)
        .await?;

    let parent_uri = first_web_url(&json.in_reply_to);
    let parent = match parent_uri.as_deref().and_then(|u| Url::parse(u).ok()) {
        Some(uri) => match Box::pin(ObjectId::<NoteObject>::from(uri).dereference(data)).await {
            Ok(parent) => Some(parent.post),
            Err(e) => {
                tracing::debug!(error = %e, "thread parent unavailable; stored as orphan");
                None
            }
        },
        None => None,
    };

    let tags = items(&json.tag);
    let mention_uris: Vec<String> = tags
        .iter()
        .filter(|t| type_of(t) == Some("Mention"))
        .filter_map(|t| string(t, "href").and_then(|href| web_url(&href)))
        .take(MAX_MENTIONS)
        .collect();
    let mut hashtags: Vec<String> = Vec::new();
    for name in tags
        .iter()
        .filter(|t| type_of(t) == Some("Hashtag"))
        .filter_map(|t| t.get("name").and_then(Value::as_str))
    {
        if hashtags.len() == MAX_TAGS {
            break;
        }
        let name = name.trim_start_matches('#');
        if name.is_empty() || name.len() > MAX_TAG_BYTES {
            continue;
        }
        let name = name.to_lowercase();
        if !hashtags.contains(&name) {
            hashtags.push(name);
        }
    }
    let to = ids(&json.to);
    let cc = ids(&json.cc);
    let visibility = visibility_of(&to, &cc, author.account.followers_url.as_deref());
    let content = render_remote_content(&json);
    let remote_article = (json.kind == "Article").then(|| super::article::remote_fields(&json));
    let attachments: Vec<Value> = items(&json.attachment)
        .into_iter()
        .filter_map(|a| {
            let url = first_web_url(a.get("url").unwrap_or(&Value::Null))
                .or_else(|| string(a, "href").and_then(|href| web_url(&href)))?;
            let text = |key| {
                a.get(key)
                    .and_then(Value::as_str)
                    .map(|s| truncate(s, MAX_ATTACHMENT_TEXT_BYTES).to_string())
            };
            Some(json!({
                "url": url,
                "media_type": text("mediaType"),
                "name": text("name"),
            }))
        })
        .take(MAX_ATTACHMENTS)
        .collect();
    let now = Utc::now().naive_utc();
    let new = NewPost {
        id: data.ids().next_id(),
        uri: json.id.to_string(),
        url: first_web_url(&json.url),
        account_id: author.account.id,
        object_type: json.kind.clone(),
        in_reply_to_id: parent.as_ref().map(|p| p.id),
        in_reply_to_uri: parent_uri,
        in_reply_to_account_id: parent.as_ref().map(|p| p.account_id),
        reblog_of_id: None,
        content,
        source_text: None,
        summary: json
            .summary
            .as_deref()
            .filter(|_| json.kind == "Note")
            .map(|s| crate::content::html_to_plain_text(truncate(s, MAX_SUMMARY_BYTES)))
            .unwrap_or_default(),
        sensitive: json.sensitive.unwrap_or(false),
        visibility: visibility.as_str().into(),
        language: None,
        attachments: serde_json::to_string(&attachments).unwrap_or_else(|_| "[]".into()),
        local: false,
        created_at: json.published.map(|p| p.naive_utc()).unwrap_or(now),
        edited_at: json.updated.map(|u| u.naive_utc()),
        updated_at: now,
    };
    let state = (**data).clone();
    let post = data
        .db()
        .write_or_find(move |conn| {
            conn.transaction(|conn| {
                let mentioned: Vec<i64> = accounts::table
                    .filter(accounts::uri.eq_any(&mention_uris))
                    .select(accounts::id)
                    .load(conn)?;
                if let Some(existing) = Post::find_by_uri(conn, &new.uri)? {
                    if existing.account_id != new.account_id {
                        return Ok(existing);
                    }
                    Post::update_content(
                        conn,
                        state.ids(),
                        existing.id,
                        &new.content,
                        None,
                        &new.summary,
                        new.sensitive,
                        new.edited_at.unwrap_or(now),
                    )?;
                    Post::replace_mentions_and_tags(conn, existing.id, &mentioned, &hashtags)?;
                    return Post::find(conn, existing.id)?
                        .ok_or(DbError::Query(diesel::result::Error::NotFound));
                }
                let post = Post::insert(conn, state.ids(), &new, &mentioned, &hashtags)?;
                if let Some(parent) = post.in_reply_to_id {
                    Post::add_to_counter(conn, parent, Counter::Replies, 1)?;
                }
                Post::adopt_orphans(conn, &post)?;
                Post::find(conn, post.id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
            })
        })
        .await?;
    if let Some(remote) = remote_article.filter(|_| post.account_id == author.account.id) {
        super::article::store_remote(data, remote, &post).await?;
    }
    NoteObject::new(post)
}

/// Sanitized HTML of a remote object (within the content limit). Long-form objects (Article,
/// Page) are shown the way Mastodon shows them: title, summary and a link, never the title as
/// a content warning.
pub(super) fn render_remote_content(json: &NoteJson) -> String {
    let body = json
        .content
        .as_deref()
        .or_else(|| {
            json.content_map
                .as_object()
                .and_then(|m| m.values().find_map(Value::as_str))
        })
        .unwrap_or("");
    if json.kind == "Note" || json.kind == "Question" {
        return sanitize_remote_html(truncate(body, MAX_CONTENT_BYTES));
    }
    let escape = crate::text::escape_html;
    let mut html = String::new();
    if let Some(name) = &json.name {
        html.push_str(&format!(
            "<p><strong>{}</strong></p>",
            escape(truncate(name, MAX_NAME_BYTES))
        ));
    }
    if let Some(summary) = &json.summary {
        html.push_str(&sanitize_remote_html(truncate(summary, MAX_SUMMARY_BYTES)));
    }
    let link = first_web_url(&json.url).unwrap_or_else(|| json.id.to_string());
    html.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>", escape(&link)));
    sanitize_remote_html(&html)
}
