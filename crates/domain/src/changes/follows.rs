//! Follows and follow requests.

use trellis_storage::ids::IdGenerator;
use trellis_storage::models::block::Block;
use trellis_storage::models::notification::{Notification, NotificationKind};
use trellis_storage::models::{Follow, account_counters, feed};
use trellis_storage::{DbConnection, DbError};

use super::notifications::notify;

/// Whether `follower` may follow `target`: never across a block, whichever side made it. Local
/// follows (`services::follows`, `services::relationships`) and inbound `Follow` activities
/// all ask this one rule.
pub fn may_follow(conn: &mut DbConnection, follower: i64, target: i64) -> Result<bool, DbError> {
    Ok(!Block::exists_between(conn, follower, target)?)
}

/// Stores a follow, or returns the existing one for the same pair. The target is notified
/// (`follow`, or `follow_request` while pending); an accepted follow counts on both accounts
/// and fills the follower's home feed.
pub fn store_follow(
    conn: &mut DbConnection,
    ids: &IdGenerator,
    new: &Follow,
) -> Result<Follow, DbError> {
    let (follow, inserted) = Follow::insert_or_get(conn, new)?;
    if !inserted {
        return Ok(follow);
    }
    let kind = if follow.accepted {
        account_counters::follow_accepted(conn, follow.account_id, follow.target_account_id)?;
        crate::services::visibility::backfill(conn, follow.account_id, follow.target_account_id)?;
        NotificationKind::Follow
    } else {
        super::communities::request_received(
            conn,
            ids,
            follow.target_account_id,
            follow.account_id,
        )?;
        NotificationKind::FollowRequest
    };
    notify(
        conn,
        ids,
        follow.target_account_id,
        follow.account_id,
        kind,
        None,
    )?;
    Ok(follow)
}

/// Accepts a pending follow: it counts on both accounts, fills the follower's home feed, and
/// the answered request's notification becomes a `follow` one. Does nothing for a follow that
/// is unknown or already accepted.
pub fn accept_follow(conn: &mut DbConnection, ids: &IdGenerator, id: i64) -> Result<(), DbError> {
    let Some(follow) = Follow::accept(conn, id)? else {
        return Ok(());
    };
    account_counters::follow_accepted(conn, follow.account_id, follow.target_account_id)?;
    crate::services::visibility::backfill(conn, follow.account_id, follow.target_account_id)?;
    let (target, follower) = (follow.target_account_id, follow.account_id);
    Notification::withdraw(conn, target, follower, NotificationKind::FollowRequest)?;
    super::communities::request_settled(conn, target, follower)?;
    notify(conn, ids, target, follower, NotificationKind::Follow, None)?;
    Ok(())
}

/// Removes a follow or request, the follower's feed entries from the target, and an
/// unanswered request's notification; an accepted follow stops counting.
pub fn remove_follow(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
    if let Some(follow) = Follow::delete(conn, id)? {
        if follow.accepted {
            account_counters::follow_ended(conn, follow.account_id, follow.target_account_id)?;
        }
        feed::remove_origin(conn, follow.account_id, follow.target_account_id)?;
        let (target, follower) = (follow.target_account_id, follow.account_id);
        Notification::withdraw(conn, target, follower, NotificationKind::FollowRequest)?;
        if !follow.accepted {
            super::communities::request_settled(conn, target, follower)?;
        }
    }
    Ok(())
}
