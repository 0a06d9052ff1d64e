//! Likes.

use trellis_storage::ids::IdGenerator;
use trellis_storage::models::notification::NotificationKind;
use trellis_storage::models::{Favourite, Post};
use trellis_storage::{DbConnection, DbError};

use super::notifications::notify;

/// Stores a like and notifies the post's author; returns false when the account already
/// liked the post.
pub fn store_favourite(
    conn: &mut DbConnection,
    ids: &IdGenerator,
    new: &Favourite,
) -> Result<bool, DbError> {
    if !Favourite::insert(conn, new)? {
        return Ok(false);
    }
    if let Some(author) = Post::find(conn, new.post_id)?.map(|p| p.account_id) {
        let kind = NotificationKind::Favourite;
        notify(conn, ids, author, new.account_id, kind, Some(new.post_id))?;
    }
    Ok(true)
}
