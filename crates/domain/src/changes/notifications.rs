//! Notifications: who is told of what.

use trellis_storage::ids::IdGenerator;
use trellis_storage::models::notification::{Notification, NotificationKind};
use trellis_storage::models::stream_event::{StreamEvent, StreamKind};
use trellis_storage::{DbConnection, DbError};

/// Whether `recipient` is told of what `from` did: a local account other than `from` that has
/// not muted `from`'s notifications.
pub(crate) fn may_notify(
    conn: &mut DbConnection,
    recipient: i64,
    from: i64,
) -> Result<bool, DbError> {
    Ok(recipient != from
        && Notification::is_local_account(conn, recipient)?
        && !Notification::mutes_notifications_of(conn, recipient, from)?)
}

/// Notifies `recipient` when it is a local account other than `from` that has not muted
/// `from`'s notifications; also records the stream event. Returns the new row's id.
pub(crate) fn notify(
    conn: &mut DbConnection,
    ids: &IdGenerator,
    recipient: i64,
    from: i64,
    kind: NotificationKind,
    post_id: Option<i64>,
) -> Result<Option<i64>, DbError> {
    if !may_notify(conn, recipient, from)? {
        return Ok(None);
    }
    let row = Notification {
        id: ids.next_id(),
        account_id: recipient,
        from_account_id: from,
        kind,
        post_id,
        created_at: chrono::Utc::now().naive_utc(),
    };
    Notification::insert(conn, &row)?;
    StreamEvent::record(
        conn,
        ids,
        StreamKind::Notification,
        post_id,
        Some(recipient),
        Some(row.id),
    )?;
    Ok(Some(row.id))
}
