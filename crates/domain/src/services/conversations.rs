//! Conversations: a person's direct-message threads, latest first, with the other
//! participants and the latest post; marking one read and removing one from the list.

use std::collections::HashMap;

use trellis_storage::models::Post;
use trellis_storage::models::conversation::AccountConversation;
use trellis_storage::page::Window;
use trellis_storage::{DbConnection, DbError};

use super::ServiceError;
use super::hydrate::{self, AccountView, StatusView};
use super::visibility;
use crate::state::AppState;

/// A conversation as its participant sees it.
#[derive(Clone, Debug)]
pub struct ConversationView {
    /// The row.
    pub conversation: AccountConversation,
    /// The other participants (known accounts only).
    pub accounts: Vec<AccountView>,
    /// The latest post the reader may still see.
    pub last_status: Option<StatusView>,
}

/// A page of conversations with the cursors of the rows read (their latest posts' ids).
#[derive(Clone, Debug, Default)]
pub struct ConversationPage {
    /// Latest first.
    pub items: Vec<ConversationView>,
    /// Cursor ids, in the same order.
    pub cursors: Vec<i64>,
}

fn missing() -> ServiceError {
    ServiceError::NotFound("Record not found".into())
}

/// Views of `rows` for `reader`, in a fixed number of queries.
fn views(
    conn: &mut DbConnection,
    reader: i64,
    rows: Vec<(AccountConversation, Post)>,
) -> Result<Vec<ConversationView>, DbError> {
    let participant_ids: Vec<i64> = rows.iter().flat_map(|(c, _)| c.participants()).collect();
    let accounts = hydrate::accounts_by_id(conn, &participant_ids)?;
    let posts: Vec<Post> = rows.iter().map(|(_, p)| p.clone()).collect();
    let visible = visibility::visible_posts(conn, posts, Some(reader))?;
    let statuses: HashMap<i64, StatusView> = hydrate::statuses(conn, visible, Some(reader))?
        .into_iter()
        .map(|v| (v.post.id, v))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(conversation, post)| ConversationView {
            accounts: conversation
                .participants()
                .iter()
                .filter_map(|id| accounts.get(id).cloned())
                .collect(),
            last_status: statuses.get(&post.id).cloned(),
            conversation,
        })
        .collect())
}

/// A page of `reader`'s conversations, latest first.
pub async fn page(
    state: &AppState,
    reader: i64,
    window: Window,
) -> Result<ConversationPage, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let rows = AccountConversation::page(conn, reader, window)?;
            let cursors = rows.iter().map(|(c, _)| c.last_post_id).collect();
            Ok(ConversationPage {
                items: views(conn, reader, rows)?,
                cursors,
            })
        })
        .await?)
}

/// Marks `reader`'s conversation `id` read and returns it.
pub async fn mark_read(
    state: &AppState,
    reader: i64,
    id: i64,
) -> Result<ConversationView, ServiceError> {
    state
        .db()
        .write(move |conn| {
            let Some((mut conversation, post)) = AccountConversation::find_owned(conn, id, reader)?
            else {
                return Ok(None);
            };
            AccountConversation::mark_read(conn, id)?;
            conversation.unread = false;
            Ok(views(conn, reader, vec![(conversation, post)])?.pop())
        })
        .await?
        .ok_or_else(missing)
}

/// Removes `reader`'s conversation `id` from their list.
pub async fn remove(state: &AppState, reader: i64, id: i64) -> Result<(), ServiceError> {
    let removed = state
        .db()
        .write(move |conn| {
            let found = AccountConversation::find_owned(conn, id, reader)?.is_some();
            if found {
                AccountConversation::delete(conn, id)?;
            }
            Ok(found)
        })
        .await?;
    removed.then_some(()).ok_or_else(missing)
}
