//! Notes (local and remote) as activitypub_federation objects.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::verification::verify_domains_match;
use activitypub_federation::traits::Object;
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{Value, json};
use trellis_protocol::json::limits::{
    MAX_ATTACHMENT_TEXT_BYTES, MAX_ATTACHMENTS, MAX_CONTENT_BYTES, MAX_MENTIONS, MAX_NAME_BYTES,
    MAX_SUMMARY_BYTES, MAX_TAG_BYTES, MAX_TAGS,
};
use trellis_protocol::json::values::{truncate, web_url};
use trellis_protocol::{Object as Document, ObjectKind};
use url::Url;

use crate::error::FederationError;
use trellis_content::sanitize_remote_html;
use trellis_domain::outbound::audience::visibility_of;
use trellis_domain::state::AppState;
use trellis_storage::DbError;
use trellis_storage::models::post::Counter;
use trellis_storage::models::post::Visibility;
use trellis_storage::models::{NewPost, Post};
use trellis_storage::schema::accounts;

use trellis_domain::outbound::note::note_json;

use super::first_web_url;
use super::person::ActorObject;

/// True for the object kinds stored as posts.
fn is_stored_kind(kind: &ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Note
            | ObjectKind::Article
            | ObjectKind::Page
            | ObjectKind::Question
            | ObjectKind::ChatMessage
    )
}

/// A stored post with its parsed id.
#[derive(Clone, Debug)]
pub(crate) struct NoteObject {
    /// The row.
    pub post: Post,
    id: Url,
}

impl NoteObject {
    /// Wraps a post; fails only if its stored id is not a URL.
    pub(crate) fn new(post: Post) -> Result<Self, FederationError> {
        let id = Url::parse(&post.uri)
            .map_err(|e| FederationError::Invalid(format!("object id {}: {e}", post.uri)))?;
        Ok(Self { post, id })
    }
}

#[async_trait::async_trait]
impl Object for NoteObject {
    type DataType = AppState;
    type Kind = Document;
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
            .write(move |conn| {
                trellis_domain::changes::posts::remove_post(conn, state.ids(), &post)
            })
            .await?;
        Ok(())
    }

    async fn into_json(self, data: &Data<AppState>) -> Result<Document, FederationError> {
        let post = self.post;
        Ok(data.db().read(move |conn| note_json(conn, &post)).await?)
    }

    async fn verify(
        json: &Document,
        expected_domain: &Url,
        _data: &Data<AppState>,
    ) -> Result<(), FederationError> {
        verify_domains_match(&json.id, expected_domain)?;
        let author = json
            .author()
            .ok_or_else(|| FederationError::Invalid("object has no attributedTo".into()))?;
        verify_domains_match(author.url(), &json.id)?;
        if !is_stored_kind(&json.kind) {
            return Err(FederationError::Invalid(format!(
                "unsupported object type {}",
                json.kind.name()
            )));
        }
        Ok(())
    }

    async fn from_json(json: Document, data: &Data<AppState>) -> Result<Self, FederationError> {
        store_remote_note(json, data).await
    }
}

/// Stores (or updates) a remote note: resolves its author and thread parent, maps mentions and
/// hashtags, and sanitizes its HTML.
pub(crate) async fn store_remote_note(
    json: Document,
    data: &Data<AppState>,
) -> Result<NoteObject, FederationError> {
    let author_id = json
        .author()
        .map(|author| author.url().clone())
        .ok_or_else(|| FederationError::Invalid("object has no attributedTo".into()))?;
    let author = ObjectId::<ActorObject>::from(author_id)
        .dereference(data)
        .await?;

    let parent_uri = json
        .in_reply_to
        .as_ref()
        .and_then(|parent| web_url(parent.as_str()));
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

    let to = json.addressed.to_ids();
    let cc = json.addressed.cc_ids();
    // A private message (Lemmy's ChatMessage) is direct whatever its addressing.
    let visibility = match json.kind {
        ObjectKind::ChatMessage => Visibility::Direct,
        _ => visibility_of(&to, &cc, author.account.followers_url.as_deref()),
    };
    // The people a direct message is addressed to are mentioned by it, tagged or not.
    let addressed = to
        .iter()
        .chain(&cc)
        .filter(|_| visibility == Visibility::Direct)
        .filter_map(|id| web_url(id));
    let mention_uris: Vec<String> = json
        .tag
        .iter()
        .filter(|t| t.kind == "Mention")
        .filter_map(|t| t.href.as_ref().and_then(|href| web_url(href.as_str())))
        .chain(addressed)
        .take(MAX_MENTIONS)
        .collect();
    let mut hashtags: Vec<String> = Vec::new();
    for name in json
        .tag
        .iter()
        .filter(|t| t.kind == "Hashtag")
        .filter_map(|t| t.name.as_deref())
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
    let content = render_remote_content(&json);
    let remote_article =
        (json.kind == ObjectKind::Article).then(|| super::article::remote_fields(&json));
    let attachments: Vec<Value> = json
        .attachment
        .iter()
        // A Page's link is shown in its content.
        .filter(|a| !(json.kind == ObjectKind::Page && a.kind == "Link"))
        .filter_map(|a| {
            let url = first_web_url(&a.url)
                .or_else(|| a.href.as_ref().and_then(|href| web_url(href.as_str())))?;
            let text = |text: &Option<String>| {
                text.as_deref()
                    .map(|s| truncate(s, MAX_ATTACHMENT_TEXT_BYTES).to_string())
            };
            Some(json!({
                "url": url,
                "media_type": text(&a.media_type),
                "name": text(&a.name),
            }))
        })
        .take(MAX_ATTACHMENTS)
        .collect();
    let now = Utc::now().naive_utc();
    let remote_poll = super::poll::remote_poll(&json, now);
    let new = NewPost {
        id: data.ids().next_id(),
        uri: json.id.to_string(),
        url: first_web_url(&json.url),
        account_id: author.account.id,
        object_type: json.kind.name().to_string(),
        in_reply_to_id: parent.as_ref().map(|p| p.id),
        in_reply_to_uri: parent_uri,
        in_reply_to_account_id: parent.as_ref().map(|p| p.account_id),
        reblog_of_id: None,
        content,
        source_text: None,
        summary: json
            .summary
            .as_deref()
            .filter(|_| json.kind == ObjectKind::Note)
            .map(|s| trellis_content::html_to_plain_text(truncate(s, MAX_SUMMARY_BYTES)))
            .unwrap_or_default(),
        sensitive: json.sensitive.unwrap_or(false),
        visibility,
        language: None,
        attachments: serde_json::to_string(&attachments).unwrap_or_else(|_| "[]".into()),
        local: false,
        created_at: json.published.map(|p| p.naive_utc()).unwrap_or(now),
        edited_at: json.updated.map(|u| u.naive_utc()),
        updated_at: now,
        local_only: false,
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
                    let unchanged = existing.content == new.content
                        && existing.summary == new.summary
                        && existing.sensitive == new.sensitive;
                    if existing.account_id != new.account_id || unchanged {
                        return Ok(existing);
                    }
                    // An Update that only carries new poll counts is no edit.
                    if existing.content != new.content
                        || existing.summary != new.summary
                        || existing.sensitive != new.sensitive
                    {
                        trellis_domain::changes::posts::edit_post(
                            conn,
                            state.ids(),
                            existing.id,
                            &new.content,
                            None,
                            &new.summary,
                            new.sensitive,
                            new.edited_at.unwrap_or(now),
                        )?;
                    }
                    Post::replace_mentions_and_tags(conn, existing.id, &mentioned, &hashtags)?;
                    return Post::find(conn, existing.id)?
                        .ok_or(DbError::Query(diesel::result::Error::NotFound));
                }
                let post = trellis_domain::changes::posts::store_post(
                    conn,
                    state.ids(),
                    &new,
                    &mentioned,
                    &hashtags,
                )?;
                if let Some(parent) = post.in_reply_to_id {
                    Post::add_to_counter(conn, parent, Counter::Replies, 1)?;
                }
                Post::adopt_orphans(conn, &post)?;
                Post::find(conn, post.id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
            })
        })
        .await?;
    if let Some(poll) = remote_poll.filter(|_| post.account_id == author.account.id) {
        super::poll::store(data, poll, post.id).await?;
    }
    if let Some(remote) = remote_article.filter(|_| post.account_id == author.account.id) {
        super::article::store_remote(data, remote, &post).await?;
    }
    NoteObject::new(post)
}

/// Sanitized HTML of a remote object (within the content limit). Long-form objects (Article,
/// Page) are shown the way Mastodon shows them: title, summary and a link, never the title as
/// a content warning. A Page with a body (a Lemmy post) shows its title, its body and the
/// link it shares, if any.
pub(super) fn render_remote_content(json: &Document) -> String {
    let body = json.html().unwrap_or("");
    if matches!(
        json.kind,
        ObjectKind::Note | ObjectKind::Question | ObjectKind::ChatMessage
    ) {
        return sanitize_remote_html(truncate(body, MAX_CONTENT_BYTES));
    }
    if json.kind == ObjectKind::Page && !body.trim().is_empty() {
        return render_page(json, body);
    }
    let escape = trellis_content::text::escape_html;
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

/// A Page with a body: the title as a bold first paragraph, the sanitized body, then the
/// link a link post shares (its `Link` attachment, else its `url`).
fn render_page(json: &Document, body: &str) -> String {
    let escape = trellis_content::text::escape_html;
    let mut html = String::new();
    if let Some(name) = &json.name {
        html.push_str(&format!(
            "<p><strong>{}</strong></p>",
            escape(truncate(name, MAX_NAME_BYTES))
        ));
    }
    html.push_str(truncate(body, MAX_CONTENT_BYTES));
    let shared = json
        .attachment
        .iter()
        .filter(|a| a.kind == "Link")
        .find_map(|a| a.location().and_then(|l| web_url(l.as_str())))
        .or_else(|| first_web_url(&json.url));
    if let Some(link) = shared {
        html.push_str(&format!("<p><a href=\"{0}\">{0}</a></p>", escape(&link)));
    }
    sanitize_remote_html(&html)
}
