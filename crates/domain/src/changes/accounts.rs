//! Accounts that go away.

use trellis_storage::models::{Account, Post, account_counters};
use trellis_storage::{DbConnection, DbError};

/// Deletes a remote account and everything of theirs, in the caller's transaction: their
/// likes, boosts and replies stop counting on other posts, and they leave the other accounts'
/// counters, before the row (and by cascade their posts and follows) goes.
pub fn remove_remote_account(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
    Post::withdraw_interactions_of(conn, id)?;
    account_counters::withdraw_account(conn, id)?;
    Account::delete_row(conn, id)
}
