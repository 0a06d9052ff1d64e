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
        report_id: None,
    };
    insert(conn, ids, &row)?;
    Ok(Some(row.id))
}

/// Tells the moderator `recipient` of the report `report_id` by `from` (an `admin.report`
/// notification, whoever the reporter is, muted or not); also records the stream event.
pub(crate) fn notify_report(
    conn: &mut DbConnection,
    ids: &IdGenerator,
    recipient: i64,
    from: i64,
    report_id: i64,
) -> Result<(), DbError> {
    let row = Notification {
        id: ids.next_id(),
        account_id: recipient,
        from_account_id: from,
        kind: NotificationKind::AdminReport,
        post_id: None,
        created_at: chrono::Utc::now().naive_utc(),
        report_id: Some(report_id),
    };
    insert(conn, ids, &row)
}

/// Tells `recipient` that the poll of `post_id` by `author` has ended (a `poll`
/// notification; the author is told too, as Mastodon does).
pub(crate) fn notify_poll_ended(
    conn: &mut DbConnection,
    ids: &IdGenerator,
    recipient: i64,
    author: i64,
    post_id: i64,
) -> Result<(), DbError> {
    if !Notification::is_local_account(conn, recipient)? {
        return Ok(());
    }
    let row = Notification {
        id: ids.next_id(),
        account_id: recipient,
        from_account_id: author,
        kind: NotificationKind::Poll,
        post_id: Some(post_id),
        created_at: chrono::Utc::now().naive_utc(),
        report_id: None,
    };
    insert(conn, ids, &row)
}

/// Stores `row` and the stream event that carries it to the recipient's streams.
fn insert(conn: &mut DbConnection, ids: &IdGenerator, row: &Notification) -> Result<(), DbError> {
    Notification::insert(conn, row)?;
    StreamEvent::record(
        conn,
        ids,
        StreamKind::Notification,
        row.post_id,
        Some(row.account_id),
        Some(row.id),
    )?;
    Ok(())
}
