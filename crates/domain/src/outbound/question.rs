//! A post's poll as ActivityPub sees it: the `Question` with `oneOf`/`anyOf` options and their
//! counts, `endTime`, `closed` and `votersCount` (Mastodon's shape); a local person's vote in a
//! remote poll as the `Create` of a `Note` named after the option; and the counts of polls.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde_json::{Value, json};
use url::Url;

use trellis_protocol::object::PollOption;
use trellis_protocol::{ActivityKind, Audience, Many, Object, ObjectKind, Reference};
use trellis_storage::models::Post;
use trellis_storage::models::poll::{Poll, PollVote};
use trellis_storage::{DbConnection, DbError};

use super::activities::{OfObject, create};

/// The counts of a poll: votes per option (in option order) and distinct voters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Votes per option.
    pub counts: Vec<i64>,
    /// People who voted.
    pub voters: i64,
}

/// The option titles of a stored poll.
pub fn option_titles(poll: &Poll) -> Vec<String> {
    serde_json::from_str(&poll.options).unwrap_or_default()
}

/// The counts of `polls`, keyed by post id, in at most two queries: a remote poll's are those
/// its server sent (with the local votes added as they are cast), a local poll's are counted
/// from its votes.
pub fn tally(conn: &mut DbConnection, polls: &[Poll]) -> Result<HashMap<i64, Tally>, DbError> {
    let mut tallies: HashMap<i64, Tally> = HashMap::new();
    let mut local = Vec::new();
    for poll in polls {
        let size = option_titles(poll).len();
        match &poll.cached_counts {
            Some(cached) => {
                let mut counts: Vec<i64> = serde_json::from_str(cached).unwrap_or_default();
                counts.resize(size, 0);
                tallies.insert(
                    poll.post_id,
                    Tally {
                        counts,
                        voters: poll.cached_voters.unwrap_or(0),
                    },
                );
            }
            None => {
                local.push(poll.post_id);
                tallies.insert(
                    poll.post_id,
                    Tally {
                        counts: vec![0; size],
                        voters: 0,
                    },
                );
            }
        }
    }
    for (post_id, choice, votes) in PollVote::counts(conn, &local)? {
        if let Some(count) = tallies
            .get_mut(&post_id)
            .and_then(|t| t.counts.get_mut(choice as usize))
        {
            *count = votes;
        }
    }
    for (post_id, voters) in PollVote::voters(conn, &local)? {
        if let Some(tally) = tallies.get_mut(&post_id) {
            tally.voters = voters;
        }
    }
    Ok(tallies)
}

/// Whether a poll's voting has ended at `now`.
pub fn has_ended(poll: &Poll, now: NaiveDateTime) -> bool {
    poll.closed || poll.expires_at.is_some_and(|end| end <= now)
}

/// Turns the object of a post with a poll into a `Question` carrying the options, counts, end
/// and voter count; a post without a poll is left as it is.
pub fn decorate(conn: &mut DbConnection, note: &mut Object, post: &Post) -> Result<(), DbError> {
    let Some(poll) = Poll::find(conn, post.id)? else {
        return Ok(());
    };
    let tally = tally(conn, std::slice::from_ref(&poll))?
        .remove(&poll.post_id)
        .unwrap_or_default();
    let options: Vec<PollOption> = option_titles(&poll)
        .into_iter()
        .zip(tally.counts.iter().copied().chain(std::iter::repeat(0)))
        .map(|(name, votes)| PollOption {
            name,
            replies: Some(json!({ "type": "Collection", "totalItems": votes })),
        })
        .collect();
    note.kind = ObjectKind::Question;
    if poll.multiple {
        note.any_of = Many(options);
    } else {
        note.one_of = Many(options);
    }
    note.end_time = poll.expires_at.map(|t| t.and_utc());
    if has_ended(&poll, chrono::Utc::now().naive_utc()) {
        let at = poll.expires_at.unwrap_or(post.updated_at).and_utc();
        note.closed = Some(Value::String(
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ));
    }
    note.voters_count = Some(tally.voters.max(0) as u64);
    if let Some(Value::Array(items)) = &mut note.context
        && let Some(Value::Object(terms)) = items.get_mut(1)
    {
        terms.insert("toot".into(), json!("http://joinmastodon.org/ns#"));
        terms.insert("votersCount".into(), json!("toot:votersCount"));
    }
    Ok(())
}

/// The id of a vote a local person casts: `ACTOR#votes/ID`, as Mastodon writes it.
pub fn vote_uri(voter_uri: &str, vote_id: i64) -> String {
    format!("{voter_uri}#votes/{vote_id}")
}

/// The `Create` of the `Note` that carries one chosen option to a remote poll's author: named
/// after the option, in reply to the question, addressed to the author only, without content.
pub fn vote_activity(
    vote_uri: &str,
    voter_uri: &str,
    question_uri: &str,
    author_uri: &str,
    title: &str,
) -> Option<OfObject> {
    let mut note = Object::new(Url::parse(vote_uri).ok()?, ObjectKind::Note);
    note.name = Some(title.to_string());
    note.attributed_to = Many(Reference::parse(voter_uri).into_iter().collect());
    note.in_reply_to = Reference::parse(question_uri);
    note.addressed = Audience::new(
        Reference::parse(author_uri).into_iter().collect(),
        Vec::new(),
    );
    Some(create::build(
        &format!("{vote_uri}/activity"),
        ActivityKind::Create,
        voter_uri,
        &note,
    ))
}
