//! `status_idempotency`: the `Idempotency-Key` of each status a person created in the last
//! hour, and the status it created.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::status_idempotency;
use crate::{DbConnection, DbError};

/// A key and the status it created.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = status_idempotency)]
pub struct StatusIdempotency {
    /// Whose key.
    pub account_id: i64,
    /// As the client sent it.
    pub idempotency_key: String,
    /// The status created with it.
    pub post_id: i64,
    /// When.
    pub created_at: NaiveDateTime,
}

impl StatusIdempotency {
    /// The status `account_id` created with `key` since `since`.
    pub fn find(
        conn: &mut DbConnection,
        account_id: i64,
        key: &str,
        since: NaiveDateTime,
    ) -> Result<Option<i64>, DbError> {
        Ok(status_idempotency::table
            .find((account_id, key))
            .filter(status_idempotency::created_at.ge(since))
            .select(status_idempotency::post_id)
            .first(conn)
            .optional()?)
    }

    /// Records a key, forgetting the person's keys older than `expired_before` first (so an
    /// old key may be used again).
    pub fn record(
        conn: &mut DbConnection,
        row: &StatusIdempotency,
        expired_before: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::delete(
            status_idempotency::table
                .filter(status_idempotency::account_id.eq(row.account_id))
                .filter(status_idempotency::created_at.lt(expired_before)),
        )
        .execute(conn)?;
        diesel::insert_into(status_idempotency::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }
}
