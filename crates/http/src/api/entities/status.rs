//! The Status entity. Articles (local or remote) appear as title, summary and a link, never
//! with the title as a content warning.

use serde::Serialize;
use serde_json::{Value, json};

use super::account::AccountEntity;
use super::datetime;
use super::filter::FilterResultEntity;
use trellis_domain::services::hydrate::StatusView;
use trellis_domain::state::AppState;

/// `Status`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct StatusEntity {
    pub id: String,
    pub uri: String,
    pub url: Option<String>,
    pub account: AccountEntity,
    pub content: String,
    pub text: Option<String>,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub in_reply_to_id: Option<String>,
    pub in_reply_to_account_id: Option<String>,
    pub reblog: Option<Box<StatusEntity>>,
    pub visibility: String,
    /// Department-only (glitch-soc's field); `visibility` stays a standard one.
    pub local_only: bool,
    pub sensitive: bool,
    pub spoiler_text: String,
    pub media_attachments: Vec<Value>,
    pub mentions: Vec<Value>,
    pub tags: Vec<Value>,
    pub emojis: Vec<Value>,
    pub reblogs_count: i64,
    pub favourites_count: i64,
    pub replies_count: i64,
    pub poll: Option<Value>,
    pub card: Option<Value>,
    pub application: Option<Value>,
    pub language: Option<String>,
    pub favourited: bool,
    pub reblogged: bool,
    pub bookmarked: bool,
    pub muted: bool,
    pub pinned: bool,
    pub filtered: Vec<FilterResultEntity>,
}

impl StatusEntity {
    /// The entity of a status view.
    pub(crate) fn new(state: &AppState, view: &StatusView) -> Self {
        let post = &view.post;
        let mentions = view
            .mentions
            .iter()
            .map(|m| {
                let acct = match &m.domain {
                    Some(domain) => format!("{}@{}", m.username, domain),
                    None => m.username.clone(),
                };
                json!({
                    "id": m.id.to_string(),
                    "username": m.username,
                    "acct": acct,
                    "url": m.url.clone().unwrap_or_else(|| m.uri.clone()),
                })
            })
            .collect();
        let tags = view
            .tags
            .iter()
            .map(|name| json!({ "name": name, "url": state.urls().tag(name) }))
            .collect();
        let media_attachments = super::media::remote_entities(state, post.id, &post.attachments);
        Self {
            id: post.id.to_string(),
            uri: post.uri.clone(),
            url: post.url.clone().or_else(|| Some(post.uri.clone())),
            account: AccountEntity::new(state, &view.account),
            content: if view.reblog.is_some() {
                String::new()
            } else {
                post.content.clone()
            },
            text: post.source_text.clone(),
            created_at: datetime(post.created_at),
            edited_at: post.edited_at.map(datetime),
            in_reply_to_id: post.in_reply_to_id.map(|id| id.to_string()),
            in_reply_to_account_id: post.in_reply_to_account_id.map(|id| id.to_string()),
            reblog: view
                .reblog
                .as_ref()
                .map(|inner| Box::new(StatusEntity::new(state, inner))),
            visibility: post.visibility.as_str().into(),
            local_only: post.local_only,
            sensitive: post.sensitive,
            spoiler_text: if post.object_type == "Article" {
                String::new()
            } else {
                post.summary.clone()
            },
            media_attachments,
            mentions,
            tags,
            emojis: Vec::new(),
            reblogs_count: post.reblogs_count,
            favourites_count: post.favourites_count,
            replies_count: post.replies_count,
            poll: view.poll.as_ref().map(super::poll::poll_entity),
            card: None,
            application: None,
            language: post.language.clone(),
            favourited: view.favourited,
            reblogged: view.reblogged,
            bookmarked: view.bookmarked,
            muted: false,
            pinned: view.pinned,
            filtered: view.filtered.iter().map(FilterResultEntity::new).collect(),
        }
    }
}
