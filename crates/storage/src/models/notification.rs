//! `notifications`: what happened to a local person (follow, follow_request, mention, reblog,
//! favourite, update). Who is notified of what is the domain's (`trellis_domain::changes`);
//! these are the rows and queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{accounts, mutes, notifications};
use crate::{DbConnection, DbError};

crate::stored_enum::stored_enum! {
    /// The notification types Trellis produces (Mastodon's names).
    pub enum NotificationKind {
        /// Someone followed you.
        Follow => "follow",
        /// Someone asked to follow you.
        FollowRequest => "follow_request",
        /// Someone mentioned you.
        Mention => "mention",
        /// Someone boosted your post.
        Reblog => "reblog",
        /// Someone liked your post.
        Favourite => "favourite",
        /// A post you interacted with was edited.
        Update => "update",
        /// A poll one wrote or voted in has ended.
        Poll => "poll",
        /// Someone reported an account (told to moderators and admins).
        AdminReport => "admin.report",
    }
}

/// A stored notification.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    /// Time-sortable id.
    pub id: i64,
    /// The local person notified.
    pub account_id: i64,
    /// Who caused it.
    pub from_account_id: i64,
    /// What happened.
    pub kind: NotificationKind,
    /// The post concerned, if any.
    pub post_id: Option<i64>,
    /// When.
    pub created_at: NaiveDateTime,
    /// The report concerned (`admin.report`), if any.
    pub report_id: Option<i64>,
}

impl Notification {
    /// Whether `account` is an account of this instance.
    pub fn is_local_account(conn: &mut DbConnection, account: i64) -> Result<bool, DbError> {
        let local: i64 = accounts::table
            .filter(accounts::id.eq(account))
            .filter(accounts::domain.is_null())
            .count()
            .get_result(conn)?;
        Ok(local > 0)
    }

    /// Whether `recipient` has an unexpired mute of `from` that covers notifications.
    pub fn mutes_notifications_of(
        conn: &mut DbConnection,
        recipient: i64,
        from: i64,
    ) -> Result<bool, DbError> {
        let muted: i64 = mutes::table
            .filter(mutes::account_id.eq(recipient))
            .filter(mutes::target_account_id.eq(from))
            .filter(mutes::notifications.eq(true))
            .filter(
                mutes::expires_at
                    .is_null()
                    .or(mutes::expires_at.gt(chrono::Utc::now().naive_utc())),
            )
            .count()
            .get_result(conn)?;
        Ok(muted > 0)
    }

    /// Inserts a notification row.
    pub fn insert(conn: &mut DbConnection, row: &Notification) -> Result<(), DbError> {
        diesel::insert_into(notifications::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// Removes the `kind` notifications of `recipient` caused by `from` (a withdrawn request).
    pub fn withdraw(
        conn: &mut DbConnection,
        recipient: i64,
        from: i64,
        kind: NotificationKind,
    ) -> Result<(), DbError> {
        diesel::delete(
            notifications::table
                .filter(notifications::account_id.eq(recipient))
                .filter(notifications::from_account_id.eq(from))
                .filter(notifications::kind.eq(kind)),
        )
        .execute(conn)?;
        Ok(())
    }
}

/// Which notifications a listing keeps.
#[derive(Clone, Debug, Default)]
pub struct NotificationFilter {
    /// Kind names to keep (`None`: every kind).
    pub kinds: Option<Vec<NotificationKind>>,
    /// Only those caused by this account.
    pub from_account_id: Option<i64>,
}

impl Notification {
    /// A page of `recipient`'s notifications, newest first.
    pub fn page(
        conn: &mut DbConnection,
        recipient: i64,
        filter: &NotificationFilter,
        window: crate::page::Window,
    ) -> Result<Vec<Notification>, DbError> {
        let mut query = crate::page::paged!(
            notifications::table
                .filter(notifications::account_id.eq(recipient))
                .select(Notification::as_select()),
            notifications::id,
            window
        );
        if let Some(kinds) = &filter.kinds {
            query = query.filter(notifications::kind.eq_any(kinds.clone()));
        }
        if let Some(from) = filter.from_account_id {
            query = query.filter(notifications::from_account_id.eq(from));
        }
        let rows = query.load(conn)?;
        Ok(window.finish(rows))
    }

    /// One notification of `recipient` (`None` when it is missing or someone else's).
    pub fn find_for(
        conn: &mut DbConnection,
        recipient: i64,
        id: i64,
    ) -> Result<Option<Notification>, DbError> {
        Ok(notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::account_id.eq(recipient))
            .select(Notification::as_select())
            .first(conn)
            .optional()?)
    }

    /// The notifications with these ids (any recipient), in no particular order.
    pub fn find_many(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<Notification>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(notifications::table
            .filter(notifications::id.eq_any(ids))
            .select(Notification::as_select())
            .load(conn)?)
    }

    /// Deletes one notification of `recipient`; returns whether it existed.
    pub fn dismiss(conn: &mut DbConnection, recipient: i64, id: i64) -> Result<bool, DbError> {
        let deleted = diesel::delete(
            notifications::table
                .filter(notifications::id.eq(id))
                .filter(notifications::account_id.eq(recipient)),
        )
        .execute(conn)?;
        Ok(deleted > 0)
    }

    /// Deletes those of `ids` that are `recipient`'s; returns how many.
    pub fn dismiss_many(
        conn: &mut DbConnection,
        recipient: i64,
        ids: &[i64],
    ) -> Result<usize, DbError> {
        Ok(diesel::delete(
            notifications::table
                .filter(notifications::id.eq_any(ids))
                .filter(notifications::account_id.eq(recipient)),
        )
        .execute(conn)?)
    }

    /// Deletes every notification of `recipient`; returns how many there were.
    pub fn clear(conn: &mut DbConnection, recipient: i64) -> Result<usize, DbError> {
        Ok(
            diesel::delete(notifications::table.filter(notifications::account_id.eq(recipient)))
                .execute(conn)?,
        )
    }

    /// The newest `cap` notifications of `recipient` newer than the `notifications` reading
    /// marker (all of them without a marker), newest first.
    pub fn unread(
        conn: &mut DbConnection,
        recipient: i64,
        filter: &NotificationFilter,
        cap: i64,
    ) -> Result<Vec<Notification>, DbError> {
        use crate::schema::markers;
        let last_read: Option<String> = markers::table
            .filter(markers::account_id.eq(recipient))
            .filter(markers::timeline.eq("notifications"))
            .select(markers::last_read_id)
            .first(conn)
            .optional()?;
        let after = last_read
            .and_then(|id| id.trim().parse::<i64>().ok())
            .unwrap_or(0);
        let mut query = notifications::table
            .filter(notifications::account_id.eq(recipient))
            .filter(notifications::id.gt(after))
            .order(notifications::id.desc())
            .select(Notification::as_select())
            .into_boxed();
        if let Some(kinds) = &filter.kinds {
            query = query.filter(notifications::kind.eq_any(kinds.clone()));
        }
        if let Some(from) = filter.from_account_id {
            query = query.filter(notifications::from_account_id.eq(from));
        }
        Ok(query.limit(cap).load(conn)?)
    }
}
