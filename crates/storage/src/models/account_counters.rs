//! The counters on `accounts`: accepted followers and follows, posts and boosts, and the time
//! of the latest post, all as known on this instance. The functions that insert, accept and
//! delete follows and posts call these in their own transaction. Each change is a relative
//! `UPDATE` (never a value read and written back), and no counter goes below zero.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamp};

use crate::schema::{accounts, follows, posts};
use crate::{DbConnection, DbError};

/// `column - by`, or 0 when that would be negative.
fn decreased(column: &str, by: i64) -> SqlLiteral<BigInt> {
    sql::<BigInt>(&format!(
        "CASE WHEN {column} > {by} THEN {column} - {by} ELSE 0 END"
    ))
}

/// `follower` now follows `target` (an accepted follow was stored, or a request accepted).
pub fn follow_accepted(conn: &mut DbConnection, follower: i64, target: i64) -> Result<(), DbError> {
    diesel::update(accounts::table.find(follower))
        .set(accounts::following_count.eq(accounts::following_count + 1))
        .execute(conn)?;
    diesel::update(accounts::table.find(target))
        .set(accounts::followers_count.eq(accounts::followers_count + 1))
        .execute(conn)?;
    Ok(())
}

/// An accepted follow of `target` by `follower` was deleted.
pub fn follow_ended(conn: &mut DbConnection, follower: i64, target: i64) -> Result<(), DbError> {
    diesel::update(accounts::table.find(follower))
        .set(accounts::following_count.eq(decreased("following_count", 1)))
        .execute(conn)?;
    diesel::update(accounts::table.find(target))
        .set(accounts::followers_count.eq(decreased("followers_count", 1)))
        .execute(conn)?;
    Ok(())
}

/// `author` has one more post or boost, published at `created_at` (which may be older than
/// the latest one: remote posts can arrive late).
pub fn status_added(
    conn: &mut DbConnection,
    author: i64,
    created_at: NaiveDateTime,
) -> Result<(), DbError> {
    let latest =
        sql::<Nullable<Timestamp>>("CASE WHEN last_status_at IS NULL OR last_status_at < ")
            .bind::<Timestamp, _>(created_at)
            .sql(" THEN ")
            .bind::<Timestamp, _>(created_at)
            .sql(" ELSE last_status_at END");
    diesel::update(accounts::table.find(author))
        .set((
            accounts::statuses_count.eq(accounts::statuses_count + 1),
            accounts::last_status_at.eq(latest),
        ))
        .execute(conn)?;
    Ok(())
}

/// Posts or boosts were deleted: one `(author, created_at)` pair per deleted row. Call it
/// after the rows are gone: an author's `last_status_at` is read again from their remaining
/// posts when a deleted one may have been the latest. One statement per distinct number of
/// rows removed from an account (usually one).
pub fn statuses_removed(
    conn: &mut DbConnection,
    removed: &[(i64, NaiveDateTime)],
) -> Result<(), DbError> {
    let mut per_author: BTreeMap<i64, (i64, NaiveDateTime)> = BTreeMap::new();
    for &(author, created_at) in removed {
        let entry = per_author.entry(author).or_insert((0, created_at));
        entry.0 += 1;
        entry.1 = entry.1.max(created_at);
    }
    let mut by_number: BTreeMap<i64, (Vec<i64>, NaiveDateTime)> = BTreeMap::new();
    for (author, (number, newest)) in per_author {
        let group = by_number.entry(number).or_insert((Vec::new(), newest));
        group.0.push(author);
        group.1 = group.1.max(newest);
    }
    for (number, (authors, newest)) in by_number {
        let latest = sql::<Nullable<Timestamp>>("CASE WHEN last_status_at > ")
            .bind::<Timestamp, _>(newest)
            .sql(
                " THEN last_status_at ELSE (SELECT MAX(p.created_at) FROM posts p \
                 WHERE p.account_id = accounts.id) END",
            );
        diesel::update(accounts::table.filter(accounts::id.eq_any(&authors)))
            .set((
                accounts::statuses_count.eq(decreased("statuses_count", number)),
                accounts::last_status_at.eq(latest),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every follow from and to `account_id` is about to be deleted at once: the accounts at the
/// other end of an accepted one lose one, and its own follow counters go to zero. Call it in
/// the transaction that then deletes the follows.
pub fn withdraw_follows(conn: &mut DbConnection, account_id: i64) -> Result<(), DbError> {
    let followed = follows::table
        .filter(follows::account_id.eq(account_id))
        .filter(follows::accepted.eq(true))
        .select(follows::target_account_id);
    diesel::update(accounts::table.filter(accounts::id.eq_any(followed)))
        .set(accounts::followers_count.eq(decreased("followers_count", 1)))
        .execute(conn)?;
    let followers = follows::table
        .filter(follows::target_account_id.eq(account_id))
        .filter(follows::accepted.eq(true))
        .select(follows::account_id);
    diesel::update(accounts::table.filter(accounts::id.eq_any(followers)))
        .set(accounts::following_count.eq(decreased("following_count", 1)))
        .execute(conn)?;
    diesel::update(accounts::table.find(account_id))
        .set((
            accounts::followers_count.eq(0),
            accounts::following_count.eq(0),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes an account that is about to disappear out of everyone's counters: its follows stop
/// counting ([`withdraw_follows`]), the boosts of its posts by others are deleted (they would
/// go with its posts) and counted out, and its own counters go to zero. Call it in the
/// transaction that then deletes its posts and follows, or the account itself.
pub fn withdraw_account(conn: &mut DbConnection, account_id: i64) -> Result<(), DbError> {
    withdraw_follows(conn, account_id)?;
    let original = diesel::alias!(posts as original);
    let own_posts = original
        .filter(original.field(posts::account_id).eq(account_id))
        .select(original.field(posts::id).nullable());
    let boosts: Vec<(i64, i64, NaiveDateTime)> = posts::table
        .filter(posts::reblog_of_id.eq_any(own_posts))
        .filter(posts::account_id.ne(account_id))
        .select((posts::id, posts::account_id, posts::created_at))
        .load(conn)?;
    if !boosts.is_empty() {
        let ids: Vec<i64> = boosts.iter().map(|(id, _, _)| *id).collect();
        diesel::delete(posts::table.filter(posts::id.eq_any(&ids))).execute(conn)?;
        let removed: Vec<(i64, NaiveDateTime)> = boosts
            .iter()
            .map(|(_, author, at)| (*author, *at))
            .collect();
        statuses_removed(conn, &removed)?;
    }
    diesel::update(accounts::table.find(account_id))
        .set((
            accounts::statuses_count.eq(0),
            accounts::last_status_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}
