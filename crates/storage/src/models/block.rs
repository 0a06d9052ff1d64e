//! `blocks` and `mutes`: accounts a person blocked or muted.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Account;
use crate::page::{Window, paged};
use crate::schema::{accounts, blocks, home_feed, mutes, posts};
use crate::{DbConnection, DbError};

/// A block: `account_id` no longer sees or hears from `target_account_id`, and the target may
/// not follow them.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = blocks)]
pub struct Block {
    /// Time-sortable id (the pagination cursor of `GET /api/v1/blocks`).
    pub id: i64,
    /// Who blocks.
    pub account_id: i64,
    /// Who is blocked.
    pub target_account_id: i64,
    /// The Block activity id, when one was sent.
    pub uri: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
}

/// A mute: the target's posts leave the muter's home feed (and, optionally, notifications).
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = mutes)]
pub struct Mute {
    /// Time-sortable id (the pagination cursor of `GET /api/v1/mutes`).
    pub id: i64,
    /// Who mutes.
    pub account_id: i64,
    /// Who is muted.
    pub target_account_id: i64,
    /// Notifications from the target are muted too.
    pub notifications: bool,
    /// When the mute ends; `None` for ever.
    pub expires_at: Option<NaiveDateTime>,
    /// When.
    pub created_at: NaiveDateTime,
}

impl Block {
    /// Inserts a block, or returns the existing one for the same pair.
    pub fn insert_or_get(conn: &mut DbConnection, new: &Block) -> Result<Block, DbError> {
        if let Some(existing) = Self::find_pair(conn, new.account_id, new.target_account_id)? {
            return Ok(existing);
        }
        diesel::insert_into(blocks::table)
            .values(new)
            .execute(conn)?;
        Ok(new.clone())
    }

    /// The block of `target` by `account`, if any.
    pub fn find_pair(
        conn: &mut DbConnection,
        account: i64,
        target: i64,
    ) -> Result<Option<Block>, DbError> {
        Ok(blocks::table
            .filter(blocks::account_id.eq(account))
            .filter(blocks::target_account_id.eq(target))
            .select(Block::as_select())
            .first(conn)
            .optional()?)
    }

    /// Removes the block of `target` by `account`; returns the removed row.
    pub fn delete_pair(
        conn: &mut DbConnection,
        account: i64,
        target: i64,
    ) -> Result<Option<Block>, DbError> {
        let found = Self::find_pair(conn, account, target)?;
        if let Some(block) = &found {
            diesel::delete(blocks::table.find(block.id)).execute(conn)?;
        }
        Ok(found)
    }

    /// True when either account blocks the other.
    pub fn exists_between(conn: &mut DbConnection, a: i64, b: i64) -> Result<bool, DbError> {
        let n: i64 = blocks::table
            .filter(
                blocks::account_id
                    .eq(a)
                    .and(blocks::target_account_id.eq(b))
                    .or(blocks::account_id
                        .eq(b)
                        .and(blocks::target_account_id.eq(a))),
            )
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    /// Of `others`: the ones `viewer` blocks, and the ones that block `viewer` (one query).
    pub fn between(
        conn: &mut DbConnection,
        viewer: i64,
        others: &[i64],
    ) -> Result<(HashSet<i64>, HashSet<i64>), DbError> {
        let rows: Vec<(i64, i64)> = blocks::table
            .filter(
                blocks::account_id
                    .eq(viewer)
                    .and(blocks::target_account_id.eq_any(others))
                    .or(blocks::target_account_id
                        .eq(viewer)
                        .and(blocks::account_id.eq_any(others))),
            )
            .select((blocks::account_id, blocks::target_account_id))
            .load(conn)?;
        let mut blocking = HashSet::new();
        let mut blocked_by = HashSet::new();
        for (account, target) in rows {
            if account == viewer {
                blocking.insert(target);
            }
            if target == viewer {
                blocked_by.insert(account);
            }
        }
        Ok((blocking, blocked_by))
    }

    /// A page of the accounts `account` blocks, with the block ids, newest first.
    pub fn page(
        conn: &mut DbConnection,
        account: i64,
        window: Window,
    ) -> Result<Vec<(i64, Account)>, DbError> {
        let rows = paged!(
            blocks::table
                .inner_join(accounts::table.on(accounts::id.eq(blocks::target_account_id)))
                .filter(blocks::account_id.eq(account))
                .select((blocks::id, Account::as_select())),
            blocks::id,
            window
        )
        .load::<(i64, Account)>(conn)?;
        Ok(window.finish(rows))
    }
}

impl Mute {
    /// Inserts a mute, or replaces the settings of the existing one for the same pair.
    pub fn upsert(conn: &mut DbConnection, new: &Mute) -> Result<Mute, DbError> {
        if let Some(existing) = Self::find_pair(conn, new.account_id, new.target_account_id)? {
            diesel::update(mutes::table.find(existing.id))
                .set((
                    mutes::notifications.eq(new.notifications),
                    mutes::expires_at.eq(new.expires_at),
                ))
                .execute(conn)?;
            return Ok(Mute {
                notifications: new.notifications,
                expires_at: new.expires_at,
                ..existing
            });
        }
        diesel::insert_into(mutes::table)
            .values(new)
            .execute(conn)?;
        Ok(new.clone())
    }

    /// The mute of `target` by `account`, if any (expired or not).
    pub fn find_pair(
        conn: &mut DbConnection,
        account: i64,
        target: i64,
    ) -> Result<Option<Mute>, DbError> {
        Ok(mutes::table
            .filter(mutes::account_id.eq(account))
            .filter(mutes::target_account_id.eq(target))
            .select(Mute::as_select())
            .first(conn)
            .optional()?)
    }

    /// Removes the mute of `target` by `account`; returns the removed row.
    pub fn delete_pair(
        conn: &mut DbConnection,
        account: i64,
        target: i64,
    ) -> Result<Option<Mute>, DbError> {
        let found = Self::find_pair(conn, account, target)?;
        if let Some(mute) = &found {
            diesel::delete(mutes::table.find(mute.id)).execute(conn)?;
        }
        Ok(found)
    }

    /// Removes the mutes of `account` that ended before `now`.
    pub fn delete_expired(
        conn: &mut DbConnection,
        account: i64,
        now: NaiveDateTime,
    ) -> Result<usize, DbError> {
        Ok(diesel::delete(
            mutes::table
                .filter(mutes::account_id.eq(account))
                .filter(mutes::expires_at.lt(now)),
        )
        .execute(conn)?)
    }

    /// Of `others`, the ones `viewer` mutes (in force at `now`), with whether their
    /// notifications are muted too (one query).
    pub fn of(
        conn: &mut DbConnection,
        viewer: i64,
        others: &[i64],
        now: NaiveDateTime,
    ) -> Result<HashMap<i64, bool>, DbError> {
        Ok(mutes::table
            .filter(mutes::account_id.eq(viewer))
            .filter(mutes::target_account_id.eq_any(others))
            .filter(mutes::expires_at.is_null().or(mutes::expires_at.gt(now)))
            .select((mutes::target_account_id, mutes::notifications))
            .load::<(i64, bool)>(conn)?
            .into_iter()
            .collect())
    }

    /// A page of the accounts `account` mutes (in force at `now`), with the mute ids, newest
    /// first.
    pub fn page(
        conn: &mut DbConnection,
        account: i64,
        window: Window,
        now: NaiveDateTime,
    ) -> Result<Vec<(i64, Account)>, DbError> {
        let rows = paged!(
            mutes::table
                .inner_join(accounts::table.on(accounts::id.eq(mutes::target_account_id)))
                .filter(mutes::account_id.eq(account))
                .filter(mutes::expires_at.is_null().or(mutes::expires_at.gt(now)))
                .select((mutes::id, Account::as_select())),
            mutes::id,
            window
        )
        .load::<(i64, Account)>(conn)?;
        Ok(window.finish(rows))
    }
}

/// Removes from `reader`'s home feed the boosts (by anyone) of posts written by `author`, the
/// entries that `feed::remove_origin` cannot find because their origin is the booster.
pub fn remove_boosts_of(
    conn: &mut DbConnection,
    reader: i64,
    author: i64,
) -> Result<usize, DbError> {
    let original = diesel::alias!(posts as original);
    let boosts: Vec<i64> = home_feed::table
        .inner_join(posts::table)
        .inner_join(original.on(original.field(posts::id).nullable().eq(posts::reblog_of_id)))
        .filter(home_feed::account_id.eq(reader))
        .filter(original.field(posts::account_id).eq(author))
        .select(home_feed::post_id)
        .load(conn)?;
    if boosts.is_empty() {
        return Ok(0);
    }
    Ok(diesel::delete(
        home_feed::table
            .filter(home_feed::account_id.eq(reader))
            .filter(home_feed::post_id.eq_any(boosts)),
    )
    .execute(conn)?)
}
