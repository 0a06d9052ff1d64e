//! `tombstones` and `received_activities`: memory of deletions and of processed activities.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{received_activities, tombstones};
use crate::{DbConnection, DbError};

/// A deleted local object.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = tombstones)]
pub struct Tombstone {
    /// The former object id.
    pub uri: String,
    /// Its former type (Note, Article).
    pub former_type: String,
    /// When it was deleted.
    pub deleted_at: NaiveDateTime,
}

impl Tombstone {
    /// Records a deletion (idempotent).
    pub fn insert(conn: &mut DbConnection, new: &Tombstone) -> Result<(), DbError> {
        if Self::find(conn, &new.uri)?.is_none() {
            diesel::insert_into(tombstones::table)
                .values(new)
                .execute(conn)?;
        }
        Ok(())
    }

    /// The tombstone of an id, if the object was deleted.
    pub fn find(conn: &mut DbConnection, uri: &str) -> Result<Option<Tombstone>, DbError> {
        Ok(tombstones::table
            .find(uri)
            .select(Tombstone::as_select())
            .first(conn)
            .optional()?)
    }
}

/// Processed inbound activity ids.
pub struct ReceivedActivity;

impl ReceivedActivity {
    /// True when the activity was already processed.
    pub fn seen(conn: &mut DbConnection, activity_id: &str) -> Result<bool, DbError> {
        use diesel::dsl::exists;
        Ok(diesel::select(exists(
            received_activities::table.filter(received_activities::activity_id.eq(activity_id)),
        ))
        .get_result(conn)?)
    }

    /// Records an activity as processed; false when it already was.
    pub fn record(
        conn: &mut DbConnection,
        activity_id: &str,
        now: NaiveDateTime,
    ) -> Result<bool, DbError> {
        if Self::seen(conn, activity_id)? {
            return Ok(false);
        }
        diesel::insert_into(received_activities::table)
            .values((
                received_activities::activity_id.eq(activity_id),
                received_activities::received_at.eq(now),
            ))
            .execute(conn)?;
        Ok(true)
    }

    /// Forgets at most `limit` activities recorded before `before`, oldest first (a range of
    /// the `received_activities_time` index); returns how many.
    pub fn prune(
        conn: &mut DbConnection,
        before: NaiveDateTime,
        limit: i64,
    ) -> Result<usize, DbError> {
        conn.transaction(|conn| {
            let oldest: Vec<String> = received_activities::table
                .filter(received_activities::received_at.lt(before))
                .order(received_activities::received_at.asc())
                .select(received_activities::activity_id)
                .limit(limit)
                .load(conn)?;
            if oldest.is_empty() {
                return Ok(0);
            }
            Ok(diesel::delete(
                received_activities::table.filter(received_activities::activity_id.eq_any(&oldest)),
            )
            .execute(conn)?)
        })
    }
}
