//! `home_feed`: home timelines written when a post arrives (fan-out on write), so reading a
//! home page is one indexed range scan. The rows and the queries the domain decides with;
//! which readers a post reaches is the domain's (`services::visibility::feed_readers`).

use std::collections::BTreeSet;

use diesel::prelude::*;

use super::Post;
use super::post::Visibility;
use crate::schema::{accounts, blocks, follows, home_feed, mutes, post_mentions, posts};
use crate::{DbConnection, DbError, per_backend};

/// Adds `post` to the home feeds of `readers` (rows already there are kept). Which readers
/// a post reaches is the domain's (`trellis_domain::services::visibility::feed_readers`).
pub fn insert(conn: &mut DbConnection, post: &Post, readers: &[i64]) -> Result<usize, DbError> {
    let rows: Vec<_> = readers
        .iter()
        .map(|reader| {
            (
                home_feed::account_id.eq(*reader),
                home_feed::post_id.eq(post.id),
                home_feed::origin_account_id.eq(post.account_id),
            )
        })
        .collect();
    let mut inserted = 0;
    for chunk in rows.chunks(crate::INSERT_CHUNK) {
        inserted += per_backend!(conn, |c| diesel::insert_into(home_feed::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(inserted)
}

/// The local accounts whose follow of `author` is accepted.
pub fn local_followers(conn: &mut DbConnection, author: i64) -> Result<Vec<i64>, DbError> {
    Ok(follows::table
        .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
        .filter(follows::target_account_id.eq(author))
        .filter(follows::accepted.eq(true))
        .filter(accounts::domain.is_null())
        .select(follows::account_id)
        .load(conn)?)
}

/// The local accounts a post mentions.
pub fn local_mentioned(conn: &mut DbConnection, post_id: i64) -> Result<Vec<i64>, DbError> {
    Ok(post_mentions::table
        .inner_join(accounts::table.on(accounts::id.eq(post_mentions::account_id)))
        .filter(post_mentions::post_id.eq(post_id))
        .filter(accounts::domain.is_null())
        .select(post_mentions::account_id)
        .load(conn)?)
}

/// The readers among `readers` whose feed already holds `original` or a boost of it.
pub fn already_showing(
    conn: &mut DbConnection,
    readers: &BTreeSet<i64>,
    original: i64,
) -> Result<Vec<i64>, DbError> {
    if readers.is_empty() {
        return Ok(Vec::new());
    }
    let boosts = posts::table
        .filter(posts::reblog_of_id.eq(original))
        .select(posts::id);
    Ok(home_feed::table
        .filter(home_feed::account_id.eq_any(readers))
        .filter(
            home_feed::post_id
                .eq(original)
                .or(home_feed::post_id.eq_any(boosts)),
        )
        .select(home_feed::account_id)
        .distinct()
        .load(conn)?)
}

/// Accounts that block or mute `author` (unexpired mutes).
pub fn silencers(conn: &mut DbConnection, author: i64) -> Result<BTreeSet<i64>, DbError> {
    let blocking: Vec<i64> = blocks::table
        .filter(blocks::target_account_id.eq(author))
        .select(blocks::account_id)
        .load(conn)?;
    let muting: Vec<i64> = mutes::table
        .filter(mutes::target_account_id.eq(author))
        .filter(
            mutes::expires_at
                .is_null()
                .or(mutes::expires_at.gt(chrono::Utc::now().naive_utc())),
        )
        .select(mutes::account_id)
        .load(conn)?;
    Ok(blocking.into_iter().chain(muting).collect())
}

/// Copies the latest `limit` posts and boosts of `target` whose visibility is one of
/// `visibilities` into `reader`'s feed (after a follow is accepted; which ones a follower may
/// see is the domain's).
pub fn backfill(
    conn: &mut DbConnection,
    reader: i64,
    target: i64,
    visibilities: &[Visibility],
    limit: i64,
) -> Result<usize, DbError> {
    let recent: Vec<i64> = posts::table
        .filter(posts::account_id.eq(target))
        .filter(posts::visibility.eq_any(visibilities))
        .order(posts::id.desc())
        .limit(limit)
        .select(posts::id)
        .load(conn)?;
    let rows: Vec<_> = recent
        .iter()
        .map(|post| {
            (
                home_feed::account_id.eq(reader),
                home_feed::post_id.eq(*post),
                home_feed::origin_account_id.eq(target),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(0);
    }
    Ok(per_backend!(conn, |c| diesel::insert_into(
        home_feed::table
    )
    .values(&rows)
    .on_conflict_do_nothing()
    .execute(c))?)
}

/// Removes from `reader`'s feed everything `origin` put there (after an unfollow, a block or
/// a mute).
pub fn remove_origin(conn: &mut DbConnection, reader: i64, origin: i64) -> Result<usize, DbError> {
    Ok(diesel::delete(
        home_feed::table
            .filter(home_feed::account_id.eq(reader))
            .filter(home_feed::origin_account_id.eq(origin)),
    )
    .execute(conn)?)
}

/// Removes a post from the feed of a reader who may no longer see it.
pub fn remove(conn: &mut DbConnection, reader: i64, post_id: i64) -> Result<usize, DbError> {
    Ok(diesel::delete(home_feed::table.find((reader, post_id))).execute(conn)?)
}
