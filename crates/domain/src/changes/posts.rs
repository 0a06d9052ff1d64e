//! Posts and boosts: storing, editing and deleting them.

use chrono::NaiveDateTime;

use trellis_storage::ids::IdGenerator;
use trellis_storage::models::conversation::AccountConversation;
use trellis_storage::models::notification::NotificationKind;
use trellis_storage::models::post::Counter;
use trellis_storage::models::stream_event::{StreamEvent, StreamKind};
use trellis_storage::models::{NewPost, Post, account_counters};
use trellis_storage::{DbConnection, DbError};

use super::notifications::notify;

/// Stores a post with its mentions and tags; returns the stored row. It counts in its
/// author's (or booster's) `statuses_count`, and its readers' home feeds, the notifications
/// it causes (mention, reblog) and its stream event are written in the same transaction.
pub fn store_post(
    conn: &mut DbConnection,
    ids: &IdGenerator,
    new: &NewPost,
    mentioned_account_ids: &[i64],
    tags: &[String],
) -> Result<Post, DbError> {
    let post = Post::insert(conn, new, mentioned_account_ids, tags)?;
    account_counters::status_added(conn, new.account_id, new.created_at)?;
    crate::services::visibility::fan_out(conn, &post)?;
    super::conversations::record_direct(conn, ids, &post, mentioned_account_ids)?;
    match post.reblog_of_id {
        Some(original) => {
            if let Some(author) = Post::find(conn, original)?.map(|p| p.account_id) {
                let kind = NotificationKind::Reblog;
                notify(conn, ids, author, post.account_id, kind, Some(original))?;
            }
        }
        None => {
            for recipient in Post::mentioned_account_ids(conn, post.id)? {
                let kind = NotificationKind::Mention;
                notify(conn, ids, recipient, post.account_id, kind, Some(post.id))?;
            }
        }
    }
    StreamEvent::record(conn, ids, StreamKind::Update, Some(post.id), None, None)?;
    Ok(post)
}

/// Replaces the editable fields of a post; those who boosted or liked it are notified
/// (`update`) and streaming clients told (`status.update`).
#[allow(clippy::too_many_arguments)]
pub fn edit_post(
    conn: &mut DbConnection,
    ids: &IdGenerator,
    post_id: i64,
    content: &str,
    source_text: Option<&str>,
    summary: &str,
    sensitive: bool,
    edited_at: NaiveDateTime,
) -> Result<(), DbError> {
    Post::update_content(
        conn,
        post_id,
        content,
        source_text,
        summary,
        sensitive,
        edited_at,
    )?;
    let Some(author) = Post::find(conn, post_id)?.map(|p| p.account_id) else {
        return Ok(());
    };
    for recipient in Post::boosters_and_likers(conn, post_id)? {
        notify(
            conn,
            ids,
            recipient,
            author,
            NotificationKind::Update,
            Some(post_id),
        )?;
    }
    StreamEvent::record(
        conn,
        ids,
        StreamKind::StatusUpdate,
        Some(post_id),
        None,
        None,
    )?;
    Ok(())
}

/// Deletes a post (its boosts, mentions, tags and likes go with it) and fixes the parent's
/// reply count or the boosted post's boost count; the post and its boosts leave their
/// authors' `statuses_count`.
pub fn remove_post(conn: &mut DbConnection, ids: &IdGenerator, post: &Post) -> Result<(), DbError> {
    AccountConversation::forget_post(conn, post.id)?;
    let (mut removed, deleted) = Post::delete(conn, post)?;
    StreamEvent::record(conn, ids, StreamKind::Delete, Some(post.id), None, None)?;
    if let Some(parent) = post.in_reply_to_id {
        Post::add_to_counter(conn, parent, Counter::Replies, -1)?;
    }
    if let Some(boosted) = post.reblog_of_id {
        Post::add_to_counter(conn, boosted, Counter::Reblogs, -1)?;
    }
    if deleted {
        removed.push((post.account_id, post.created_at));
        account_counters::statuses_removed(conn, &removed)?;
    }
    Ok(())
}
