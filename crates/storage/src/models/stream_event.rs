//! `stream_events`: recent changes that streaming clients are told about. Written in the
//! transaction of the change; every process tails the table and fans events out to its own
//! connections, so several processes sharing one PostgreSQL database all stream everything.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::ids::IdGenerator;
use crate::schema::stream_events;
use crate::{DbConnection, DbError};

crate::stored_enum::stored_enum! {
    /// What changed (the stored name is also the streaming event name).
    pub enum StreamKind {
        /// A new post or boost (`update`).
        Update => "update",
        /// A post was edited (`status.update`).
        StatusUpdate => "status.update",
        /// A post was deleted (`delete`).
        Delete => "delete",
        /// A notification for `account_id` (`notification`).
        Notification => "notification",
        /// Access was withdrawn (`revoke`): a token of `account_id` was revoked, or that
        /// person was disabled or deleted; without `account_id`, an app-only token was
        /// revoked. Streams of that person check their token again and close when it no
        /// longer holds. Never sent to clients.
        Revoke => "revoke",
    }
}

/// A stored stream event.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = stream_events)]
pub struct StreamEvent {
    /// Time-sortable id.
    pub id: i64,
    /// What changed.
    pub kind: StreamKind,
    /// The post concerned.
    pub post_id: Option<i64>,
    /// For notifications: the recipient.
    pub account_id: Option<i64>,
    /// For notifications: the notification.
    pub notification_id: Option<i64>,
    /// When.
    pub created_at: NaiveDateTime,
}

impl StreamEvent {
    /// Records an event; call inside the transaction of the change.
    pub fn record(
        conn: &mut DbConnection,
        ids: &IdGenerator,
        kind: StreamKind,
        post_id: Option<i64>,
        account_id: Option<i64>,
        notification_id: Option<i64>,
    ) -> Result<(), DbError> {
        diesel::insert_into(stream_events::table)
            .values(&StreamEvent {
                id: ids.next_id(),
                kind,
                post_id,
                account_id,
                notification_id,
                created_at: chrono::Utc::now().naive_utc(),
            })
            .execute(conn)?;
        Ok(())
    }

    /// Records that `account_id`'s access (or an app-only token's, for `None`) was withdrawn;
    /// call inside the transaction of the change.
    pub fn record_revoke(
        conn: &mut DbConnection,
        ids: &IdGenerator,
        account_id: Option<i64>,
    ) -> Result<(), DbError> {
        Self::record(conn, ids, StreamKind::Revoke, None, account_id, None)
    }

    /// Events with an id above `after`, oldest first, at most `limit`.
    pub fn after(conn: &mut DbConnection, after: i64, limit: i64) -> Result<Vec<Self>, DbError> {
        Ok(stream_events::table
            .filter(stream_events::id.gt(after))
            .order(stream_events::id.asc())
            .limit(limit)
            .select(StreamEvent::as_select())
            .load(conn)?)
    }

    /// The newest event id (0 when there is none).
    pub fn latest_id(conn: &mut DbConnection) -> Result<i64, DbError> {
        Ok(stream_events::table
            .select(diesel::dsl::max(stream_events::id))
            .first::<Option<i64>>(conn)?
            .unwrap_or(0))
    }

    /// Deletes events older than `before`.
    pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, DbError> {
        Ok(
            diesel::delete(stream_events::table.filter(stream_events::created_at.lt(before)))
                .execute(conn)?,
        )
    }
}

/// Reading what streaming connections need, in one query per batch of events.
impl StreamEvent {
    /// For each post, the local accounts whose home feed holds it.
    pub fn home_readers(
        conn: &mut DbConnection,
        post_ids: &[i64],
    ) -> Result<Vec<(i64, i64)>, DbError> {
        use crate::schema::home_feed;
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(home_feed::table
            .filter(home_feed::post_id.eq_any(post_ids))
            .select((home_feed::post_id, home_feed::account_id))
            .load(conn)?)
    }

    /// The members of list `list_id` when `owner` owns it (`None` otherwise).
    pub fn list_members(
        conn: &mut DbConnection,
        list_id: i64,
        owner: i64,
    ) -> Result<Option<Vec<i64>>, DbError> {
        use crate::schema::{list_accounts, lists};
        let owned: i64 = lists::table
            .filter(lists::id.eq(list_id))
            .filter(lists::account_id.eq(owner))
            .count()
            .get_result(conn)?;
        if owned == 0 {
            return Ok(None);
        }
        Ok(Some(
            list_accounts::table
                .filter(list_accounts::list_id.eq(list_id))
                .select(list_accounts::account_id)
                .load(conn)?,
        ))
    }

    /// Accounts that `reader` blocks or mutes, mutes that have expired aside (left out of the
    /// public streams it reads).
    pub fn silenced_by(conn: &mut DbConnection, reader: i64) -> Result<Vec<i64>, DbError> {
        use crate::schema::{blocks, mutes};
        let mut ids: Vec<i64> = blocks::table
            .filter(blocks::account_id.eq(reader))
            .select(blocks::target_account_id)
            .load(conn)?;
        ids.extend(
            mutes::table
                .filter(mutes::account_id.eq(reader))
                .filter(
                    mutes::expires_at
                        .is_null()
                        .or(mutes::expires_at.gt(chrono::Utc::now().naive_utc())),
                )
                .select(mutes::target_account_id)
                .load::<i64>(conn)?,
        );
        Ok(ids)
    }
}
