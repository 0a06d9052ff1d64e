//! `follows`: who follows whom, pending or accepted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{accounts, follows};
use crate::{DbConnection, DbError, per_backend};

use super::Account;

/// A follow relation (or a pending request).
#[derive(Clone, Debug, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = follows)]
pub struct Follow {
    /// Identifier.
    pub id: i64,
    /// The follower.
    pub account_id: i64,
    /// The followed account.
    pub target_account_id: i64,
    /// The Follow activity id.
    pub uri: String,
    /// False while the request awaits approval.
    pub accepted: bool,
    /// When it was requested.
    pub created_at: NaiveDateTime,
}

impl Follow {
    /// Inserts a follow, or returns the existing one for the same pair; the flag says
    /// whether it was inserted now.
    pub fn insert_or_get(conn: &mut DbConnection, new: &Follow) -> Result<(Follow, bool), DbError> {
        if let Some(existing) = Self::find_pair(conn, new.account_id, new.target_account_id)? {
            return Ok((existing, false));
        }
        diesel::insert_into(follows::table)
            .values(new)
            .execute(conn)?;
        Ok((new.clone(), true))
    }

    /// The follow of `target` by `follower`, if any.
    pub fn find_pair(
        conn: &mut DbConnection,
        follower: i64,
        target: i64,
    ) -> Result<Option<Follow>, DbError> {
        Ok(follows::table
            .filter(follows::account_id.eq(follower))
            .filter(follows::target_account_id.eq(target))
            .select(Follow::as_select())
            .first(conn)
            .optional()?)
    }

    /// A follow by its activity id.
    pub fn find_by_uri(conn: &mut DbConnection, uri: &str) -> Result<Option<Follow>, DbError> {
        Ok(follows::table
            .filter(follows::uri.eq(uri))
            .select(Follow::as_select())
            .first(conn)
            .optional()?)
    }

    /// Marks a pending follow accepted; returns it, or nothing for a follow that is unknown
    /// or already accepted.
    pub fn accept(conn: &mut DbConnection, id: i64) -> Result<Option<Follow>, DbError> {
        let pending = follows::table.find(id).filter(follows::accepted.eq(false));
        per_backend!(conn, |c| diesel::update(pending)
            .set(follows::accepted.eq(true))
            .returning(Follow::as_returning())
            .get_result(c)
            .optional())
        .map_err(DbError::from)
    }

    /// Removes a follow or request; returns what was removed.
    pub fn delete(conn: &mut DbConnection, id: i64) -> Result<Option<Follow>, DbError> {
        per_backend!(conn, |c| diesel::delete(follows::table.find(id))
            .returning(Follow::as_returning())
            .get_result(c)
            .optional())
        .map_err(DbError::from)
    }

    /// True when `follower` follows `target` (accepted).
    pub fn is_following(
        conn: &mut DbConnection,
        follower: i64,
        target: i64,
    ) -> Result<bool, DbError> {
        Ok(Self::find_pair(conn, follower, target)?.is_some_and(|f| f.accepted))
    }

    /// Accepted followers of an account, with their accounts, newest first.
    pub fn followers(
        conn: &mut DbConnection,
        target: i64,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Account>, DbError> {
        Self::accepted_page(conn, Side::Followers, target, offset, limit)
    }

    /// Accounts an account follows (accepted), newest first.
    pub fn following(
        conn: &mut DbConnection,
        follower: i64,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Account>, DbError> {
        Self::accepted_page(conn, Side::Following, follower, offset, limit)
    }

    fn accepted_page(
        conn: &mut DbConnection,
        side: Side,
        account: i64,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Account>, DbError> {
        let query = follows::table
            .filter(follows::accepted.eq(true))
            .order(follows::id.desc())
            .offset(offset)
            .limit(limit)
            .into_boxed();
        Ok(match side {
            Side::Followers => query
                .filter(follows::target_account_id.eq(account))
                .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
                .select(Account::as_select())
                .load(conn)?,
            Side::Following => query
                .filter(follows::account_id.eq(account))
                .inner_join(accounts::table.on(accounts::id.eq(follows::target_account_id)))
                .select(Account::as_select())
                .load(conn)?,
        })
    }

    /// Pending requests to follow `target`, with the requesting accounts.
    pub fn pending_for(
        conn: &mut DbConnection,
        target: i64,
    ) -> Result<Vec<(Follow, Account)>, DbError> {
        Ok(follows::table
            .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
            .filter(follows::target_account_id.eq(target))
            .filter(follows::accepted.eq(false))
            .order(follows::id.asc())
            .select((Follow::as_select(), Account::as_select()))
            .load(conn)?)
    }

    /// Accounts `follower` asked to follow that have not answered yet.
    pub fn requested_by(conn: &mut DbConnection, follower: i64) -> Result<Vec<Account>, DbError> {
        Ok(follows::table
            .inner_join(accounts::table.on(accounts::id.eq(follows::target_account_id)))
            .filter(follows::account_id.eq(follower))
            .filter(follows::accepted.eq(false))
            .order(follows::id.asc())
            .select(Account::as_select())
            .load(conn)?)
    }

    /// Distinct delivery inboxes (shared inbox when known) of the remote accepted followers.
    pub fn remote_follower_inboxes(
        conn: &mut DbConnection,
        target: i64,
    ) -> Result<Vec<String>, DbError> {
        let rows: Vec<(String, Option<String>)> = follows::table
            .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
            .filter(follows::target_account_id.eq(target))
            .filter(follows::accepted.eq(true))
            .filter(accounts::domain.is_not_null())
            .select((accounts::inbox_url, accounts::shared_inbox_url))
            .load(conn)?;
        let mut inboxes: Vec<String> = rows
            .into_iter()
            .map(|(inbox, shared)| shared.unwrap_or(inbox))
            .collect();
        inboxes.sort();
        inboxes.dedup();
        Ok(inboxes)
    }
}

/// Which end of a follow relation to list.
#[derive(Clone, Copy)]
enum Side {
    Followers,
    Following,
}
