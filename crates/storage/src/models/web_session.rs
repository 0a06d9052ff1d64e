//! `web_sessions`: browser sign-ins. The cookie's token is stored only as a SHA-256 hash.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{accounts, users, web_sessions};
use crate::{DbConnection, DbError};

use super::Account;

/// A signed-in browser.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = web_sessions)]
pub struct WebSession {
    /// Row id.
    pub id: i64,
    /// SHA-256 of the cookie's token (hex).
    pub token_hash: String,
    /// The person signed in.
    pub account_id: i64,
    /// Sign-in time.
    pub created_at: NaiveDateTime,
    /// After this the session signs in no one.
    pub expires_at: NaiveDateTime,
}

impl WebSession {
    /// Stores a new session and drops the person's expired ones.
    pub fn insert(conn: &mut DbConnection, session: &WebSession) -> Result<(), DbError> {
        diesel::delete(
            web_sessions::table
                .filter(web_sessions::account_id.eq(session.account_id))
                .filter(web_sessions::expires_at.le(session.created_at)),
        )
        .execute(conn)?;
        diesel::insert_into(web_sessions::table)
            .values(session)
            .execute(conn)?;
        Ok(())
    }

    /// The enabled local person of the unexpired session with `token_hash`, in one query.
    pub fn signed_in(
        conn: &mut DbConnection,
        token_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<Account>, DbError> {
        Ok(web_sessions::table
            .inner_join(accounts::table.inner_join(users::table))
            .filter(web_sessions::token_hash.eq(token_hash))
            .filter(web_sessions::expires_at.gt(now))
            .filter(users::disabled.eq(false))
            .select(Account::as_select())
            .first(conn)
            .optional()?)
    }

    /// Ends the session with `token_hash` (sign-out); returns whether there was one.
    pub fn delete(conn: &mut DbConnection, token_hash: &str) -> Result<bool, DbError> {
        let deleted =
            diesel::delete(web_sessions::table.filter(web_sessions::token_hash.eq(token_hash)))
                .execute(conn)?;
        Ok(deleted > 0)
    }

    /// Ends every session of a person (a new password, a disabled or deleted account);
    /// returns how many it ended.
    pub fn delete_all_of(conn: &mut DbConnection, account_id: i64) -> Result<usize, DbError> {
        Ok(
            diesel::delete(web_sessions::table.filter(web_sessions::account_id.eq(account_id)))
                .execute(conn)?,
        )
    }
}
