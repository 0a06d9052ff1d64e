//! `direct_threads` and `account_conversations`: direct messages gathered into conversations.

use diesel::prelude::*;

use super::Post;
use crate::page::{Window, paged};
use crate::schema::{account_conversations, direct_threads, posts};
use crate::{DbConnection, DbError, per_backend};

/// A local participant's view of a conversation.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = account_conversations)]
pub struct AccountConversation {
    /// Identifier (the API's conversation id).
    pub id: i64,
    /// The participant.
    pub account_id: i64,
    /// The first direct post of the thread.
    pub root_id: i64,
    /// The latest post.
    pub last_post_id: i64,
    /// The other participants' account ids, comma separated.
    pub participant_ids: String,
    /// The participant has not read the latest post.
    pub unread: bool,
}

impl AccountConversation {
    /// The other participants' ids.
    pub fn participants(&self) -> Vec<i64> {
        self.participant_ids
            .split(',')
            .filter_map(|id| id.parse().ok())
            .collect()
    }

    /// Records `row` as the latest state of its participant's conversation: a new row, or the
    /// existing one (same account and root) moved to the new post.
    pub fn upsert(conn: &mut DbConnection, row: &AccountConversation) -> Result<(), DbError> {
        per_backend!(conn, |c| diesel::insert_into(account_conversations::table)
            .values(row)
            .on_conflict((
                account_conversations::account_id,
                account_conversations::root_id,
            ))
            .do_update()
            .set((
                account_conversations::last_post_id.eq(row.last_post_id),
                account_conversations::participant_ids.eq(&row.participant_ids),
                account_conversations::unread.eq(row.unread),
            ))
            .execute(c))?;
        Ok(())
    }

    /// A page of `account_id`'s conversations with their latest posts, latest first (the
    /// cursor is the latest post's id).
    pub fn page(
        conn: &mut DbConnection,
        account_id: i64,
        window: Window,
    ) -> Result<Vec<(AccountConversation, Post)>, DbError> {
        let query = account_conversations::table
            .inner_join(posts::table)
            .filter(account_conversations::account_id.eq(account_id))
            .select((AccountConversation::as_select(), Post::as_select()));
        let rows = paged!(query, account_conversations::last_post_id, window).load(conn)?;
        Ok(window.finish(rows))
    }

    /// The conversation `id` if it is `account_id`'s.
    pub fn find_owned(
        conn: &mut DbConnection,
        id: i64,
        account_id: i64,
    ) -> Result<Option<(AccountConversation, Post)>, DbError> {
        Ok(account_conversations::table
            .inner_join(posts::table)
            .filter(account_conversations::id.eq(id))
            .filter(account_conversations::account_id.eq(account_id))
            .select((AccountConversation::as_select(), Post::as_select()))
            .first(conn)
            .optional()?)
    }

    /// Marks a conversation read.
    pub fn mark_read(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
        diesel::update(account_conversations::table.find(id))
            .set(account_conversations::unread.eq(false))
            .execute(conn)?;
        Ok(())
    }

    /// Removes a conversation from its participant's list (a later post brings it back).
    pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
        diesel::delete(account_conversations::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// After `post_id` is deleted: the conversations it was the latest post of move to the
    /// latest remaining post of their thread, or go when none is left.
    pub fn forget_post(conn: &mut DbConnection, post_id: i64) -> Result<(), DbError> {
        let affected: Vec<AccountConversation> = account_conversations::table
            .filter(account_conversations::last_post_id.eq(post_id))
            .select(AccountConversation::as_select())
            .load(conn)?;
        diesel::delete(direct_threads::table.find(post_id)).execute(conn)?;
        for row in affected {
            let latest: Option<i64> = direct_threads::table
                .inner_join(posts::table.on(posts::id.eq(direct_threads::post_id)))
                .filter(direct_threads::root_id.eq(row.root_id))
                .select(diesel::dsl::max(direct_threads::post_id))
                .first(conn)?;
            match latest {
                Some(latest) => {
                    diesel::update(account_conversations::table.find(row.id))
                        .set(account_conversations::last_post_id.eq(latest))
                        .execute(conn)?;
                }
                None => AccountConversation::delete(conn, row.id)?,
            }
        }
        Ok(())
    }
}

/// Records that direct post `post_id` belongs to the thread that `parent_id` (a direct post
/// itself, or any post) is in; returns the thread's root.
pub fn join_thread(
    conn: &mut DbConnection,
    post_id: i64,
    parent_id: Option<i64>,
) -> Result<i64, DbError> {
    let root = match parent_id {
        Some(parent) => direct_threads::table
            .find(parent)
            .select(direct_threads::root_id)
            .first::<i64>(conn)
            .optional()?
            .unwrap_or(parent),
        None => post_id,
    };
    per_backend!(conn, |c| diesel::insert_into(direct_threads::table)
        .values((
            direct_threads::post_id.eq(post_id),
            direct_threads::root_id.eq(root),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(root)
}
