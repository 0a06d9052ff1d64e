//! Writing, editing and deleting local posts, and who sees what.

use std::collections::HashMap;
use trellis_protocol::ActivityKind;

use diesel::prelude::*;

use crate::outbound::activities::{create, delete};
use crate::outbound::audience::addressing;
use crate::outbound::delivery;
use crate::outbound::note::note_json;
use crate::state::AppState;
use crate::state::FedData;
use trellis_content::{ResolvedMention, extract_mentions, render_local_text};
use trellis_storage::models::post::{Counter, Visibility};
use trellis_storage::models::status_idempotency::StatusIdempotency;
use trellis_storage::models::{Account, Follow, NewPost, Post, Tombstone};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::outbox::publish;
use super::{ServiceError, resolve};

/// Longest accepted post, in characters.
pub const MAX_CHARACTERS: usize = 5000;

/// What a local author writes.
#[derive(Clone, Debug)]
pub struct Draft {
    /// Plain text with @mentions, #hashtags and links.
    pub text: String,
    /// Who may see it.
    pub visibility: Visibility,
    /// Id URL of the post this replies to.
    pub in_reply_to: Option<String>,
    /// Content warning.
    pub spoiler_text: String,
    /// Sensitive media.
    pub sensitive: bool,
    /// BCP 47 language.
    pub language: Option<String>,
    /// Department-only: for people of this instance only (a reply to such a post is too).
    pub local_only: bool,
    /// The client's `Idempotency-Key`: a retry with the same key within an hour returns the
    /// status the first request created instead of posting again.
    pub idempotency_key: Option<String>,
    /// A poll to attach (the post becomes a `Question`).
    pub poll: Option<super::poll_drafts::PollDraft>,
}

/// How long an `Idempotency-Key` is remembered, as Mastodon does.
const IDEMPOTENCY: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// The status `author` already created with `key` within the last hour.
async fn created_with(
    data: &FedData,
    author: i64,
    key: &str,
) -> Result<Option<Post>, ServiceError> {
    let key = key.to_string();
    let since = delivery::now() - IDEMPOTENCY;
    Ok(data
        .db()
        .read(
            move |conn| match StatusIdempotency::find(conn, author, &key, since)? {
                Some(id) => Post::find(conn, id),
                None => Ok(None),
            },
        )
        .await?)
}

/// Publishes a post and queues its delivery to followers, mentioned people and the thread.
pub async fn create(data: &FedData, author: &Account, draft: Draft) -> Result<Post, ServiceError> {
    create_titled(data, author, draft, None).await
}

/// [`create`], with the title of a community thread it starts.
pub(crate) async fn create_titled(
    data: &FedData,
    author: &Account,
    draft: Draft,
    title: Option<String>,
) -> Result<Post, ServiceError> {
    if let Some(key) = &draft.idempotency_key
        && let Some(post) = created_with(data, author.id, key).await?
    {
        return Ok(post);
    }
    validate_text(&draft.text)?;
    if let Some(poll) = &draft.poll {
        super::poll_drafts::check_draft(&data.config().polls, poll)?;
    }
    let parent = match &draft.in_reply_to {
        Some(uri) => Some(resolve::visible_post(data, uri, author.id).await?),
        None => None,
    };
    let resolver = resolve_mentions(data, &draft.text).await;
    let rendered = render_local_text(&draft.text, &resolver, &data.urls().at("/tags"));
    let mut mention_uris: Vec<String> = rendered
        .mentions
        .iter()
        .map(|m| m.actor_id.clone())
        .collect();
    super::communities::posting::check_local(
        data,
        author.id,
        draft.visibility,
        parent.as_ref().map(|p| p.id),
        &mention_uris,
    )
    .await?;
    let id = data.ids().next_id();
    let uri = data.urls().post(&author.username, id);
    let now = delivery::now();
    let new = NewPost {
        id,
        url: Some(uri.clone()),
        uri,
        account_id: author.id,
        object_type: if draft.poll.is_some() {
            "Question".into()
        } else {
            "Note".into()
        },
        in_reply_to_id: parent.as_ref().map(|p| p.id),
        in_reply_to_uri: parent.as_ref().map(|p| p.uri.clone()),
        in_reply_to_account_id: parent.as_ref().map(|p| p.account_id),
        reblog_of_id: None,
        content: rendered.html,
        source_text: Some(draft.text.clone()),
        summary: draft.spoiler_text.trim().to_string(),
        sensitive: draft.sensitive || !draft.spoiler_text.trim().is_empty(),
        visibility: draft.visibility,
        language: draft.language.clone(),
        attachments: "[]".into(),
        local: true,
        created_at: now,
        edited_at: None,
        updated_at: now,
        local_only: draft.local_only || parent.as_ref().is_some_and(|p| p.local_only),
    };
    let hashtags = rendered.hashtags;
    let author = author.clone();
    let idempotency_key = draft.idempotency_key.clone();
    let poll = draft
        .poll
        .as_ref()
        .map(|p| super::poll_drafts::new_poll(id, p, now));
    let post = publish(data, move |conn, state| {
        // Replies reach everyone in the parent's conversation, as Mastodon's reply mentions do.
        if let Some(parent) = &parent {
            mention_uris.extend(thread_participants(conn, parent, author.id)?);
        }
        let mentioned: Vec<Account> = accounts::table
            .filter(accounts::uri.eq_any(&mention_uris))
            .select(Account::as_select())
            .load(conn)?;
        let mention_ids: Vec<i64> = mentioned.iter().map(|a| a.id).collect();
        let post =
            crate::changes::posts::store_post(conn, state.ids(), &new, &mention_ids, &hashtags)?;
        if let Some(poll) = &poll {
            trellis_storage::models::poll::Poll::insert(conn, poll)?;
        }
        if let Some(key) = &idempotency_key {
            // A concurrent request with the same key fails here (the key is taken) and posts
            // nothing.
            let row = StatusIdempotency {
                account_id: author.id,
                idempotency_key: key.clone(),
                post_id: post.id,
                created_at: now,
            };
            StatusIdempotency::record(conn, &row, now - IDEMPOTENCY)?;
        }
        if let Some(parent) = post.in_reply_to_id {
            Post::add_to_counter(conn, parent, Counter::Replies, 1)?;
        }
        let note = note_json(conn, &post)?;
        let activity = create::build(
            &format!("{}/activity", post.uri),
            ActivityKind::Create,
            &author.uri,
            &note,
        );
        let inboxes = audience_inboxes(conn, &author, post.visibility, &mentioned)?;
        delivery::enqueue(conn, state, author.id, &activity, inboxes)?;
        super::communities::posting::carry_local(conn, state, &post, &mention_ids, title)?;
        Ok(post)
    })
    .await?;
    Ok(post)
}

/// Replaces the text of a local post and sends an Update to its audience.
pub async fn edit(
    data: &FedData,
    author: &Account,
    post_id: i64,
    text: String,
    spoiler_text: Option<String>,
) -> Result<Post, ServiceError> {
    validate_text(&text)?;
    let post = own_post(data, author, post_id).await?;
    let resolver = resolve_mentions(data, &text).await;
    let rendered = render_local_text(&text, &resolver, &data.urls().at("/tags"));
    let author = author.clone();
    let post = publish(data, move |conn, state| {
        let mut mention_uris: Vec<String> = rendered
            .mentions
            .iter()
            .map(|m| m.actor_id.clone())
            .collect();
        let previous: Vec<i64> = Post::mentioned_account_ids(conn, post.id)?;
        let previous_uris: Vec<String> = accounts::table
            .filter(accounts::id.eq_any(&previous))
            .select(accounts::uri)
            .load(conn)?;
        mention_uris.extend(previous_uris);
        let mentioned: Vec<Account> = accounts::table
            .filter(accounts::uri.eq_any(&mention_uris))
            .select(Account::as_select())
            .load(conn)?;
        let ids: Vec<i64> = mentioned.iter().map(|a| a.id).collect();
        let summary = spoiler_text.unwrap_or(post.summary.clone());
        let sensitive = post.sensitive || !summary.is_empty();
        crate::changes::posts::edit_post(
            conn,
            state.ids(),
            post.id,
            &rendered.html,
            Some(&text),
            &summary,
            sensitive,
            delivery::now(),
        )?;
        Post::replace_mentions_and_tags(conn, post.id, &ids, &rendered.hashtags)?;
        let post =
            Post::find(conn, post.id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))?;
        let note = note_json(conn, &post)?;
        let activity_id = state.urls().new_activity();
        let activity = create::build(&activity_id, ActivityKind::Update, &author.uri, &note);
        let inboxes = audience_inboxes(conn, &author, post.visibility, &mentioned)?;
        delivery::enqueue(conn, state, author.id, &activity, inboxes)?;
        super::communities::relay::edited(conn, state, &post, &activity_id)?;
        Ok(post)
    })
    .await?;
    Ok(post)
}

/// Deletes a local post, leaves a Tombstone and sends a Delete to its audience.
pub async fn delete(data: &FedData, author: &Account, post_id: i64) -> Result<(), ServiceError> {
    let post = own_post(data, author, post_id).await?;
    let author = author.clone();
    publish(data, move |conn, state| {
        let mention_ids = Post::mentioned_account_ids(conn, post.id)?;
        let mentioned: Vec<Account> = accounts::table
            .filter(accounts::id.eq_any(&mention_ids))
            .select(Account::as_select())
            .load(conn)?;
        let inboxes = audience_inboxes(conn, &author, post.visibility, &mentioned)?;
        let uris: Vec<String> = mentioned.iter().map(|a| a.uri.clone()).collect();
        let (to, cc) = addressing(
            post.visibility,
            author.followers_url.as_deref().unwrap_or(""),
            &uris,
        );
        let activity = delete::build(
            &state.urls().new_activity(),
            &author.uri,
            &post.uri,
            &to,
            &cc,
        );
        // Queued while the post still exists, so the queue knows a department-only post.
        delivery::enqueue(conn, state, author.id, &activity, inboxes)?;
        super::communities::relay::withdrawn(conn, state, &post)?;
        crate::changes::posts::remove_post(conn, state.ids(), &post)?;
        if !post.local_only {
            Tombstone::insert(
                conn,
                &Tombstone {
                    uri: post.uri.clone(),
                    former_type: post.object_type.clone(),
                    deleted_at: delivery::now(),
                },
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(())
}

async fn own_post(state: &AppState, author: &Account, post_id: i64) -> Result<Post, ServiceError> {
    let post = state
        .db()
        .read(move |conn| Post::find(conn, post_id))
        .await?
        .filter(|p| p.account_id == author.id && p.reblog_of_id.is_none())
        .ok_or_else(|| {
            ServiceError::NotFound(format!("no post {post_id} by {}", author.username))
        })?;
    if post.object_type == "Article" {
        return Err(ServiceError::invalid(
            "status",
            "is an article: edit or delete it through the articles API",
        ));
    }
    Ok(post)
}

fn validate_text(text: &str) -> Result<(), ServiceError> {
    if text.trim().is_empty() {
        return Err(ServiceError::invalid("status", "can't be blank"));
    }
    if text.chars().count() > MAX_CHARACTERS {
        return Err(ServiceError::invalid(
            "status",
            format!("is longer than {MAX_CHARACTERS} characters"),
        ));
    }
    Ok(())
}

/// Resolves the @mentions of a text (fetching remote accounts through webfinger).
async fn resolve_mentions(
    data: &FedData,
    text: &str,
) -> HashMap<(String, Option<String>), ResolvedMention> {
    let mut resolved = HashMap::new();
    for mention in extract_mentions(text) {
        let query = match &mention.domain {
            Some(domain) => format!("{}@{domain}", mention.username),
            None => mention.username.clone(),
        };
        match resolve::actor(data, &query).await {
            Ok(account) => {
                let domain = account
                    .domain
                    .clone()
                    .unwrap_or_else(|| data.urls().domain().to_string());
                resolved.insert(
                    mention.key(),
                    ResolvedMention {
                        profile_url: account.url.clone().unwrap_or_else(|| account.uri.clone()),
                        acct: format!("{}@{domain}", account.username),
                        actor_id: account.uri,
                    },
                );
            }
            Err(e) => tracing::debug!(mention = %query, error = %e, "mention not resolved"),
        }
    }
    resolved
}

/// The parent's author and the people it mentions (minus the replier).
fn thread_participants(
    conn: &mut DbConnection,
    parent: &Post,
    replier: i64,
) -> Result<Vec<String>, DbError> {
    let mut ids = Post::mentioned_account_ids(conn, parent.id)?;
    ids.push(parent.account_id);
    ids.retain(|id| *id != replier);
    Ok(accounts::table
        .filter(accounts::id.eq_any(&ids))
        .select(accounts::uri)
        .load(conn)?)
}

/// Inboxes that must receive a post: remote followers (unless direct) and remote mentions.
pub(crate) fn audience_inboxes(
    conn: &mut DbConnection,
    author: &Account,
    visibility: Visibility,
    mentioned: &[Account],
) -> Result<Vec<String>, DbError> {
    let mut inboxes = if visibility == Visibility::Direct {
        Vec::new()
    } else {
        Follow::remote_follower_inboxes(conn, author.id)?
    };
    inboxes.extend(mentioned.iter().filter(|a| !a.is_local()).map(|a| {
        a.shared_inbox_url
            .clone()
            .unwrap_or_else(|| a.inbox_url.clone())
    }));
    Ok(inboxes)
}
