//! Polls as readers see them, loaded per page of posts (options, counts, whether the reader
//! voted and what): apart from `polls.rs` so that hydrating posts needs no application state.

use std::collections::HashMap;

use trellis_storage::models::Post;
use trellis_storage::models::poll::{Poll, PollVote};
use trellis_storage::{DbConnection, DbError};

use crate::outbound::question::{Tally, has_ended, option_titles, tally};

/// A poll as a reader sees it.
#[derive(Clone, Debug)]
pub struct PollView {
    /// The row (its id is the post's).
    pub poll: Poll,
    /// Option titles.
    pub options: Vec<String>,
    /// Votes per option and voters.
    pub tally: Tally,
    /// Voting has ended.
    pub expired: bool,
    /// The totals are hidden from this reader (until the end).
    pub totals_hidden: bool,
    /// The options the reader chose (`None` without a reader).
    pub own_votes: Option<Vec<i32>>,
}

/// The polls of `posts` as `viewer` sees them, keyed by post id, in at most four queries.
pub fn views(
    conn: &mut DbConnection,
    posts: &[&Post],
    viewer: Option<i64>,
) -> Result<HashMap<i64, PollView>, DbError> {
    let ids: Vec<i64> = posts
        .iter()
        .filter(|p| p.object_type == "Question")
        .map(|p| p.id)
        .collect();
    let polls = Poll::of_posts(conn, &ids)?;
    if polls.is_empty() {
        return Ok(HashMap::new());
    }
    let poll_ids: Vec<i64> = polls.iter().map(|p| p.post_id).collect();
    let mut tallies = tally(conn, &polls)?;
    let mut chosen: HashMap<i64, Vec<i32>> = HashMap::new();
    if let Some(viewer) = viewer {
        for (post_id, choice) in PollVote::choices_of(conn, viewer, &poll_ids)? {
            chosen.entry(post_id).or_default().push(choice);
        }
    }
    let authors: HashMap<i64, i64> = posts.iter().map(|p| (p.id, p.account_id)).collect();
    let now = chrono::Utc::now().naive_utc();
    Ok(polls
        .into_iter()
        .map(|poll| {
            let expired = has_ended(&poll, now);
            let own = viewer.is_some() && authors.get(&poll.post_id) == viewer.as_ref();
            let view = PollView {
                options: option_titles(&poll),
                tally: tallies.remove(&poll.post_id).unwrap_or_default(),
                expired,
                totals_hidden: poll.hide_totals && !expired && !own,
                own_votes: viewer.map(|_| chosen.remove(&poll.post_id).unwrap_or_default()),
                poll,
            };
            (view.poll.post_id, view)
        })
        .collect())
}
