//! `home_feed`: home timelines written when a post arrives (fan-out on write), so reading a
//! home page is one indexed range scan. Only readers who may see a post get a row.

use std::collections::BTreeSet;

use diesel::prelude::*;

use super::Post;
use super::post::Visibility;
use crate::schema::{accounts, blocks, follows, home_feed, mutes, post_mentions, posts};
use crate::{DbConnection, DbError, per_backend};

/// Posts copied into a new follower's feed when a follow is accepted.
const BACKFILL: i64 = 40;

/// Adds `post` to the home feeds of its local readers: the author (or booster) if local,
/// local followers (not for direct posts), and mentioned local accounts; skipping readers who
/// block or mute the author.
pub fn fan_out(conn: &mut DbConnection, post: &Post) -> Result<usize, DbError> {
    let mut readers: BTreeSet<i64> = BTreeSet::new();
    // A post written (or boosted) here is by a local account: no query needed.
    if post.local {
        readers.insert(post.account_id);
    }
    if post.visibility != Visibility::Direct {
        let followers: Vec<i64> = follows::table
            .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
            .filter(follows::target_account_id.eq(post.account_id))
            .filter(follows::accepted.eq(true))
            .filter(accounts::domain.is_null())
            .select(follows::account_id)
            .load(conn)?;
        readers.extend(followers);
    }
    if post.reblog_of_id.is_none() {
        let mentioned: Vec<i64> = post_mentions::table
            .inner_join(accounts::table.on(accounts::id.eq(post_mentions::account_id)))
            .filter(post_mentions::post_id.eq(post.id))
            .filter(accounts::domain.is_null())
            .select(post_mentions::account_id)
            .load(conn)?;
        readers.extend(mentioned);
    }
    let mut silenced = silencers(conn, post.account_id)?;
    if let Some(original) = post.reblog_of_id {
        let original_author: Option<i64> = posts::table
            .find(original)
            .select(posts::account_id)
            .first(conn)
            .optional()?;
        if let Some(author) = original_author {
            silenced.extend(silencers(conn, author)?);
        }
        // Like Mastodon: a boost does not repeat a post the reader's feed already shows.
        silenced.extend(already_showing(conn, &readers, original)?);
    }
    let rows: Vec<_> = readers
        .iter()
        .filter(|reader| !silenced.contains(reader) || **reader == post.account_id)
        .map(|reader| {
            (
                home_feed::account_id.eq(*reader),
                home_feed::post_id.eq(post.id),
                home_feed::origin_account_id.eq(post.account_id),
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

/// The readers among `readers` whose feed already holds `original` or a boost of it.
fn already_showing(
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

/// Accounts that block or mute `author`.
fn silencers(conn: &mut DbConnection, author: i64) -> Result<BTreeSet<i64>, DbError> {
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

/// Copies the latest posts and boosts of `target` that a follower may see into `reader`'s feed
/// (after a follow is accepted).
pub fn backfill(conn: &mut DbConnection, reader: i64, target: i64) -> Result<usize, DbError> {
    let recent: Vec<i64> = posts::table
        .filter(posts::account_id.eq(target))
        .filter(posts::visibility.ne(Visibility::Direct))
        .order(posts::id.desc())
        .limit(BACKFILL)
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
