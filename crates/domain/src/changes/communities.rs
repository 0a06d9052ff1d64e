//! What a follow of a community causes beyond the follow itself: a request to join an
//! `approval` community is the business of its moderators, so each local moderator is told
//! (a `follow_request` notification) and the notices go once the request is answered.

use trellis_storage::ids::IdGenerator;
use trellis_storage::models::community::CommunityModerator;
use trellis_storage::models::notification::{Notification, NotificationKind};
use trellis_storage::{DbConnection, DbError};

use super::notifications::notify;

/// Tells the local moderators of the community `target` (if it is one) that `follower`
/// asks to join.
pub(crate) fn request_received(
    conn: &mut DbConnection,
    ids: &IdGenerator,
    target: i64,
    follower: i64,
) -> Result<(), DbError> {
    for moderator in CommunityModerator::of(conn, target)? {
        notify(
            conn,
            ids,
            moderator.id,
            follower,
            NotificationKind::FollowRequest,
            None,
        )?;
    }
    Ok(())
}

/// Withdraws the moderators' notices of `follower`'s request once it is answered or gone.
pub(crate) fn request_settled(
    conn: &mut DbConnection,
    target: i64,
    follower: i64,
) -> Result<(), DbError> {
    for moderator in CommunityModerator::of(conn, target)? {
        Notification::withdraw(
            conn,
            moderator.id,
            follower,
            NotificationKind::FollowRequest,
        )?;
    }
    Ok(())
}
