//! Direct messages gathered into conversations: each local participant of a direct post
//! (its author and the local people it mentions) sees the post's thread as one conversation,
//! unread for everyone but the author.

use diesel::prelude::*;

use trellis_storage::ids::IdGenerator;
use trellis_storage::models::Post;
use trellis_storage::models::conversation::{AccountConversation, join_thread};
use trellis_storage::models::post::Visibility;
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

/// Records a newly stored direct post in its participants' conversations; other posts are
/// left alone.
pub(crate) fn record_direct(
    conn: &mut DbConnection,
    ids: &IdGenerator,
    post: &Post,
    mentioned: &[i64],
) -> Result<(), DbError> {
    if post.visibility != Visibility::Direct || post.reblog_of_id.is_some() {
        return Ok(());
    }
    let root = join_thread(conn, post.id, post.in_reply_to_id)?;
    let mut everyone: Vec<i64> = std::iter::once(post.account_id)
        .chain(mentioned.iter().copied())
        .collect();
    everyone.sort_unstable();
    everyone.dedup();
    let local: Vec<i64> = accounts::table
        .filter(accounts::id.eq_any(&everyone))
        .filter(accounts::domain.is_null())
        .select(accounts::id)
        .load(conn)?;
    for account_id in local {
        let others: Vec<String> = everyone
            .iter()
            .filter(|id| **id != account_id)
            .map(i64::to_string)
            .collect();
        AccountConversation::upsert(
            conn,
            &AccountConversation {
                id: ids.next_id(),
                account_id,
                root_id: root,
                last_post_id: post.id,
                participant_ids: others.join(","),
                unread: account_id != post.account_id,
            },
        )?;
    }
    Ok(())
}
