//! `status_pins`: the statuses people pin to their profiles.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{posts, status_pins};
use crate::{DbConnection, DbError, per_backend};

/// A pinned status.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = status_pins)]
pub struct StatusPin {
    /// Who pinned it (its author).
    pub account_id: i64,
    /// The status.
    pub post_id: i64,
    /// When it was pinned.
    pub created_at: NaiveDateTime,
}

impl StatusPin {
    /// Pins a status; pinning it again keeps the first pin.
    pub fn insert(conn: &mut DbConnection, pin: &StatusPin) -> Result<(), DbError> {
        per_backend!(conn, |c| diesel::insert_into(status_pins::table)
            .values(pin)
            .on_conflict_do_nothing()
            .execute(c))?;
        Ok(())
    }

    /// Unpins a status, if it was pinned.
    pub fn delete(conn: &mut DbConnection, account_id: i64, post_id: i64) -> Result<(), DbError> {
        diesel::delete(status_pins::table.find((account_id, post_id))).execute(conn)?;
        Ok(())
    }

    /// The ids of the statuses `account_id` pinned that still exist, latest pin first.
    pub fn post_ids_of(conn: &mut DbConnection, account_id: i64) -> Result<Vec<i64>, DbError> {
        Ok(status_pins::table
            .inner_join(posts::table.on(posts::id.eq(status_pins::post_id)))
            .filter(status_pins::account_id.eq(account_id))
            .order(status_pins::created_at.desc())
            .select(status_pins::post_id)
            .load(conn)?)
    }

    /// Which of `post_ids` `account_id` pinned.
    pub fn pinned_among(
        conn: &mut DbConnection,
        account_id: i64,
        post_ids: &[i64],
    ) -> Result<HashSet<i64>, DbError> {
        Ok(status_pins::table
            .filter(status_pins::account_id.eq(account_id))
            .filter(status_pins::post_id.eq_any(post_ids))
            .select(status_pins::post_id)
            .load::<i64>(conn)?
            .into_iter()
            .collect())
    }
}
