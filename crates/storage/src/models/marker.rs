//! `markers`: reading positions (home, notifications) shared between a person's clients.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::markers;
use crate::{DbConnection, DbError, per_backend};

/// A reading position.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = markers)]
pub struct Marker {
    /// The reader.
    pub account_id: i64,
    /// `home` or `notifications`.
    pub timeline: String,
    /// Id of the last item read.
    pub last_read_id: String,
    /// Incremented on every change.
    pub version: i32,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

impl Marker {
    /// The markers of `account_id` for the named timelines (absent ones are left out).
    pub fn of(
        conn: &mut DbConnection,
        account_id: i64,
        timelines: &[&str],
    ) -> Result<Vec<Marker>, DbError> {
        Ok(markers::table
            .filter(markers::account_id.eq(account_id))
            .filter(markers::timeline.eq_any(timelines))
            .order(markers::timeline.asc())
            .select(Marker::as_select())
            .load(conn)?)
    }

    /// Sets a reading position: a new marker starts at version 0, a change increments it.
    pub fn save(
        conn: &mut DbConnection,
        account_id: i64,
        timeline: &str,
        last_read_id: &str,
        at: NaiveDateTime,
    ) -> Result<Marker, DbError> {
        let target = markers::table
            .filter(markers::account_id.eq(account_id))
            .filter(markers::timeline.eq(timeline));
        let changed = diesel::update(target)
            .set((
                markers::last_read_id.eq(last_read_id),
                markers::version.eq(markers::version + 1),
                markers::updated_at.eq(at),
            ))
            .execute(conn)?;
        if changed == 0 {
            let new = Marker {
                account_id,
                timeline: timeline.to_string(),
                last_read_id: last_read_id.to_string(),
                version: 0,
                updated_at: at,
            };
            per_backend!(conn, |c| diesel::insert_into(markers::table)
                .values(&new)
                .on_conflict_do_nothing()
                .execute(c))?;
        }
        Ok(target.select(Marker::as_select()).first(conn)?)
    }
}
