//! `polls` and `poll_votes`: the poll of a post and the votes cast in it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{accounts, poll_votes, polls};
use crate::{DbConnection, DbError, per_backend};

/// The poll of a post (keyed by the post's id, which is also the poll's id).
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = polls)]
pub struct Poll {
    /// The post carrying the poll.
    pub post_id: i64,
    /// The option titles, as a JSON array of strings.
    pub options: String,
    /// Several options may be chosen.
    pub multiple: bool,
    /// Totals are shown only once the poll has ended.
    pub hide_totals: bool,
    /// When voting ends (none: open until closed).
    pub expires_at: Option<NaiveDateTime>,
    /// The poll's end has been handled (notifications sent, final counts announced).
    pub closed: bool,
    /// A remote poll's counts as its server last sent them (JSON array of numbers).
    pub cached_counts: Option<String>,
    /// A remote poll's voter count as its server last sent it.
    pub cached_voters: Option<i64>,
    /// When the updated counts of a local poll are to be announced (none: nothing pending).
    pub update_due_at: Option<NaiveDateTime>,
    /// When the poll was stored.
    pub created_at: NaiveDateTime,
}

/// One chosen option of one voter.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = poll_votes)]
pub struct PollVote {
    /// Time-sortable id.
    pub id: i64,
    /// The poll (its post's id).
    pub post_id: i64,
    /// Who voted.
    pub account_id: i64,
    /// The chosen option's index.
    pub choice: i32,
    /// The vote's ActivityPub id (a remote voter's, or one sent to a remote poll).
    pub uri: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
}

impl Poll {
    /// Stores a new poll.
    pub fn insert(conn: &mut DbConnection, poll: &Poll) -> Result<(), DbError> {
        diesel::insert_into(polls::table)
            .values(poll)
            .execute(conn)?;
        Ok(())
    }

    /// Stores a remote poll or replaces its options, end and cached counts (the votes of
    /// local people stay unless the options changed).
    pub fn upsert_remote(conn: &mut DbConnection, poll: &Poll) -> Result<(), DbError> {
        match Self::find(conn, poll.post_id)? {
            None => Self::insert(conn, poll),
            Some(old) => {
                if old.options != poll.options {
                    diesel::delete(poll_votes::table.filter(poll_votes::post_id.eq(poll.post_id)))
                        .execute(conn)?;
                }
                diesel::update(polls::table.find(poll.post_id))
                    .set((
                        polls::options.eq(&poll.options),
                        polls::multiple.eq(poll.multiple),
                        polls::expires_at.eq(poll.expires_at),
                        polls::cached_counts.eq(&poll.cached_counts),
                        polls::cached_voters.eq(poll.cached_voters),
                    ))
                    .execute(conn)?;
                Ok(())
            }
        }
    }

    /// The poll of a post.
    pub fn find(conn: &mut DbConnection, post_id: i64) -> Result<Option<Poll>, DbError> {
        Ok(polls::table
            .find(post_id)
            .select(Poll::as_select())
            .first(conn)
            .optional()?)
    }

    /// The polls of `post_ids`, in one query.
    pub fn of_posts(conn: &mut DbConnection, post_ids: &[i64]) -> Result<Vec<Poll>, DbError> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(polls::table
            .filter(polls::post_id.eq_any(post_ids))
            .select(Poll::as_select())
            .load(conn)?)
    }

    /// Open polls whose end has passed, oldest end first.
    pub fn due_to_close(
        conn: &mut DbConnection,
        now: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<Poll>, DbError> {
        Ok(polls::table
            .filter(polls::closed.eq(false))
            .filter(polls::expires_at.le(now))
            .order(polls::expires_at.asc())
            .limit(limit)
            .select(Poll::as_select())
            .load(conn)?)
    }

    /// Marks a poll's end as handled; false when another process did it first.
    pub fn mark_closed(conn: &mut DbConnection, post_id: i64) -> Result<bool, DbError> {
        let changed = diesel::update(polls::table.find(post_id).filter(polls::closed.eq(false)))
            .set(polls::closed.eq(true))
            .execute(conn)?;
        Ok(changed > 0)
    }

    /// Polls whose new counts are due to be announced.
    pub fn due_updates(
        conn: &mut DbConnection,
        now: NaiveDateTime,
        limit: i64,
    ) -> Result<Vec<Poll>, DbError> {
        Ok(polls::table
            .filter(polls::update_due_at.le(now))
            .order(polls::update_due_at.asc())
            .limit(limit)
            .select(Poll::as_select())
            .load(conn)?)
    }

    /// Asks for the counts to be announced at `at`, unless an announcement is already pending
    /// (so a burst of votes makes one announcement).
    pub fn schedule_update(
        conn: &mut DbConnection,
        post_id: i64,
        at: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::update(
            polls::table
                .find(post_id)
                .filter(polls::update_due_at.is_null()),
        )
        .set(polls::update_due_at.eq(at))
        .execute(conn)?;
        Ok(())
    }

    /// Clears a pending announcement; false when another process took it first.
    pub fn take_update(conn: &mut DbConnection, post_id: i64) -> Result<bool, DbError> {
        let changed = diesel::update(
            polls::table
                .find(post_id)
                .filter(polls::update_due_at.is_not_null()),
        )
        .set(polls::update_due_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
        Ok(changed > 0)
    }

    /// Replaces a remote poll's cached counts.
    pub fn set_cached(
        conn: &mut DbConnection,
        post_id: i64,
        counts: &str,
        voters: i64,
    ) -> Result<(), DbError> {
        diesel::update(polls::table.find(post_id))
            .set((
                polls::cached_counts.eq(counts),
                polls::cached_voters.eq(voters),
            ))
            .execute(conn)?;
        Ok(())
    }
}

impl PollVote {
    /// Stores votes (a voter's few choices, one row each); a repeated (poll, voter, option)
    /// is skipped. Returns how many were new.
    pub fn insert_all(conn: &mut DbConnection, votes: &[PollVote]) -> Result<usize, DbError> {
        let mut added = 0;
        for vote in votes {
            added += per_backend!(conn, |c| diesel::insert_into(poll_votes::table)
                .values(vote)
                .on_conflict_do_nothing()
                .execute(c))?;
        }
        Ok(added)
    }

    /// Whether `account_id` has voted in the poll.
    pub fn has_voted(
        conn: &mut DbConnection,
        post_id: i64,
        account_id: i64,
    ) -> Result<bool, DbError> {
        let n: i64 = poll_votes::table
            .filter(poll_votes::post_id.eq(post_id))
            .filter(poll_votes::account_id.eq(account_id))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    /// (poll, option, votes) for the polls `post_ids`, in one query.
    pub fn counts(
        conn: &mut DbConnection,
        post_ids: &[i64],
    ) -> Result<Vec<(i64, i32, i64)>, DbError> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(poll_votes::table
            .filter(poll_votes::post_id.eq_any(post_ids))
            .group_by((poll_votes::post_id, poll_votes::choice))
            .select((
                poll_votes::post_id,
                poll_votes::choice,
                diesel::dsl::count_star(),
            ))
            .load(conn)?)
    }

    /// (poll, distinct voters) for the polls `post_ids`, in one query.
    pub fn voters(conn: &mut DbConnection, post_ids: &[i64]) -> Result<Vec<(i64, i64)>, DbError> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(poll_votes::table
            .filter(poll_votes::post_id.eq_any(post_ids))
            .group_by(poll_votes::post_id)
            .select((
                poll_votes::post_id,
                diesel::dsl::count(poll_votes::account_id).aggregate_distinct(),
            ))
            .load(conn)?)
    }

    /// (poll, option) that `account_id` chose among the polls `post_ids`, in one query.
    pub fn choices_of(
        conn: &mut DbConnection,
        account_id: i64,
        post_ids: &[i64],
    ) -> Result<Vec<(i64, i32)>, DbError> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(poll_votes::table
            .filter(poll_votes::account_id.eq(account_id))
            .filter(poll_votes::post_id.eq_any(post_ids))
            .order(poll_votes::choice.asc())
            .select((poll_votes::post_id, poll_votes::choice))
            .load(conn)?)
    }

    /// The distinct local people who voted in the poll.
    pub fn local_voters(conn: &mut DbConnection, post_id: i64) -> Result<Vec<i64>, DbError> {
        Ok(poll_votes::table
            .inner_join(accounts::table.on(accounts::id.eq(poll_votes::account_id)))
            .filter(poll_votes::post_id.eq(post_id))
            .filter(accounts::domain.is_null())
            .select(poll_votes::account_id)
            .distinct()
            .load(conn)?)
    }

    /// The inboxes of the remote people who voted in the poll (shared inboxes preferred).
    pub fn remote_voter_inboxes(
        conn: &mut DbConnection,
        post_id: i64,
    ) -> Result<Vec<String>, DbError> {
        let rows: Vec<(String, Option<String>)> = poll_votes::table
            .inner_join(accounts::table.on(accounts::id.eq(poll_votes::account_id)))
            .filter(poll_votes::post_id.eq(post_id))
            .filter(accounts::domain.is_not_null())
            .select((accounts::inbox_url, accounts::shared_inbox_url))
            .distinct()
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(inbox, shared)| shared.unwrap_or(inbox))
            .collect())
    }
}
