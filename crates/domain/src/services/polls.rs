//! Polls: created with a post, voted in, read with their results, closed when they end.

use diesel::prelude::*;

use trellis_protocol::ActivityKind;
use trellis_storage::models::poll::{Poll, PollVote};
use trellis_storage::models::{Account, Post};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::outbox::publish;
pub use super::poll_drafts::{PollDraft, check_draft};
pub use super::poll_views::{PollView, views};
use super::{ServiceError, visibility};
use crate::changes::notifications::notify_poll_ended;
use crate::outbound::activities::create;
use crate::outbound::delivery;
use crate::outbound::note::note_json;
use crate::outbound::question::{self, has_ended, option_titles, tally};
use crate::state::AppState;

/// The poll `post_id` as `viewer` sees it (404 when the post is hidden or has no poll).
pub async fn show(
    state: &AppState,
    post_id: i64,
    viewer: Option<i64>,
) -> Result<PollView, ServiceError> {
    state
        .db()
        .read(move |conn| {
            let Some(post) = Post::find(conn, post_id)? else {
                return Ok(None);
            };
            if !visibility::can_see(conn, &post, viewer)? {
                return Ok(None);
            }
            Ok(views(conn, &[&post], viewer)?.remove(&post_id))
        })
        .await?
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

/// Casts `voter`'s vote: 422 when the poll has ended, is the voter's own, was voted in
/// already, or the choices are out of range or several on a single-choice poll. A vote in a
/// remote poll is sent to its author (one Note per choice); a vote in a local poll is
/// announced with the new counts after the update delay.
pub async fn vote(
    state: &AppState,
    voter: &Account,
    post_id: i64,
    choices: Vec<i64>,
) -> Result<PollView, ServiceError> {
    let voter_id = voter.id;
    let (post, poll, voted, author) = state
        .db()
        .read(move |conn| {
            let Some(post) = Post::find(conn, post_id)? else {
                return Ok(None);
            };
            if !visibility::can_see(conn, &post, Some(voter_id))? {
                return Ok(None);
            }
            let Some(poll) = Poll::find(conn, post_id)? else {
                return Ok(None);
            };
            let voted = PollVote::has_voted(conn, post_id, voter_id)?;
            let author = account(conn, post.account_id)?;
            Ok(author.map(|a| (post, poll, voted, a)))
        })
        .await?
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))?;
    let titles = option_titles(&poll);
    let mut choices = choices;
    choices.sort_unstable();
    choices.dedup();
    if has_ended(&poll, delivery::now()) {
        return Err(ServiceError::invalid("poll", "has already ended"));
    }
    if post.account_id == voter.id {
        return Err(ServiceError::invalid("poll", "is your own"));
    }
    if voted {
        return Err(ServiceError::invalid("poll", "was already voted in"));
    }
    if choices.is_empty() {
        return Err(ServiceError::invalid("choices", "can't be blank"));
    }
    if choices
        .iter()
        .any(|c| *c < 0 || *c as usize >= titles.len())
    {
        return Err(ServiceError::invalid("choices", "are out of range"));
    }
    if choices.len() > 1 && !poll.multiple {
        return Err(ServiceError::invalid(
            "choices",
            "must be one on a single-choice poll",
        ));
    }
    let voter = voter.clone();
    let delay = chrono::TimeDelta::from_std(state.config().polls.update_delay).unwrap_or_default();
    publish(state, move |conn, state| {
        let now = delivery::now();
        let votes: Vec<PollVote> = choices
            .iter()
            .map(|choice| {
                let id = state.ids().next_id();
                PollVote {
                    id,
                    post_id,
                    account_id: voter.id,
                    choice: *choice as i32,
                    uri: (!post.local).then(|| question::vote_uri(&voter.uri, id)),
                    created_at: now,
                }
            })
            .collect();
        PollVote::insert_all(conn, &votes)?;
        if post.local {
            if !poll.hide_totals {
                Poll::schedule_update(conn, post_id, now + delay)?;
            }
        } else {
            let mut current = tally(conn, std::slice::from_ref(&poll))?
                .remove(&post_id)
                .unwrap_or_default();
            for choice in &choices {
                if let Some(count) = current.counts.get_mut(*choice as usize) {
                    *count += 1;
                }
            }
            let counts = serde_json::to_string(&current.counts).unwrap_or_else(|_| "[]".into());
            Poll::set_cached(conn, post_id, &counts, current.voters + 1)?;
            let inbox = author
                .shared_inbox_url
                .clone()
                .unwrap_or_else(|| author.inbox_url.clone());
            for vote in &votes {
                let Some(uri) = &vote.uri else { continue };
                let title = titles
                    .get(vote.choice as usize)
                    .cloned()
                    .unwrap_or_default();
                if let Some(activity) =
                    question::vote_activity(uri, &voter.uri, &post.uri, &author.uri, &title)
                {
                    delivery::enqueue(conn, state, voter.id, &activity, [inbox.clone()])?;
                }
            }
        }
        Ok(())
    })
    .await?;
    show(state, post_id, Some(voter_id)).await
}

/// Records a remote person's vote (one chosen option, by title) in a local poll; ignored when
/// the poll has ended, the title names no option, or a single-choice poll was voted in already.
pub fn receive_vote(
    conn: &mut DbConnection,
    state: &AppState,
    voter: i64,
    post: &Post,
    title: &str,
    uri: &str,
) -> Result<bool, DbError> {
    let Some(poll) = Poll::find(conn, post.id)? else {
        return Ok(false);
    };
    let now = delivery::now();
    let Some(choice) = option_titles(&poll).iter().position(|t| t == title) else {
        return Ok(false);
    };
    if !post.local || has_ended(&poll, now) {
        return Ok(false);
    }
    if !poll.multiple && PollVote::has_voted(conn, post.id, voter)? {
        return Ok(false);
    }
    let vote = PollVote {
        id: state.ids().next_id(),
        post_id: post.id,
        account_id: voter,
        choice: choice as i32,
        uri: Some(uri.to_string()),
        created_at: now,
    };
    PollVote::insert_all(conn, &[vote])?;
    if !poll.hide_totals {
        let delay =
            chrono::TimeDelta::from_std(state.config().polls.update_delay).unwrap_or_default();
        Poll::schedule_update(conn, post.id, now + delay)?;
    }
    Ok(true)
}

/// Polls handled per round of [`run_due`].
const ROUND: i64 = 50;

/// Closes the polls whose end has passed (their author and local voters get a `poll`
/// notification; a local poll's final counts go out) and announces the new counts of local
/// polls whose update delay has passed. Returns how many polls it handled.
pub async fn run_due(state: &AppState) -> Result<usize, ServiceError> {
    publish(state, |conn, state| {
        let now = delivery::now();
        let mut handled = 0;
        for poll in Poll::due_to_close(conn, now, ROUND)? {
            if !Poll::mark_closed(conn, poll.post_id)? {
                continue;
            }
            handled += 1;
            let Some(post) = Post::find(conn, poll.post_id)? else {
                continue;
            };
            let mut recipients = PollVote::local_voters(conn, post.id)?;
            recipients.push(post.account_id);
            recipients.sort_unstable();
            recipients.dedup();
            for recipient in recipients {
                notify_poll_ended(conn, state.ids(), recipient, post.account_id, post.id)?;
            }
            if post.local {
                Poll::take_update(conn, post.id)?;
                announce(conn, state, &post)?;
            }
        }
        for poll in Poll::due_updates(conn, now, ROUND)? {
            if !Poll::take_update(conn, poll.post_id)? {
                continue;
            }
            handled += 1;
            if let Some(post) = Post::find(conn, poll.post_id)? {
                announce(conn, state, &post)?;
            }
        }
        Ok(handled)
    })
    .await
}

/// Queues the `Update` of a local poll's Question to its audience and its remote voters.
fn announce(conn: &mut DbConnection, state: &AppState, post: &Post) -> Result<(), DbError> {
    let Some(author) = account(conn, post.account_id)? else {
        return Ok(());
    };
    let mention_ids = Post::mentioned_account_ids(conn, post.id)?;
    let mentioned: Vec<Account> = accounts::table
        .filter(accounts::id.eq_any(&mention_ids))
        .select(Account::as_select())
        .load(conn)?;
    let mut inboxes = super::posts::audience_inboxes(conn, &author, post.visibility, &mentioned)?;
    inboxes.extend(PollVote::remote_voter_inboxes(conn, post.id)?);
    let note = note_json(conn, post)?;
    let activity = create::build(
        &state.urls().new_activity(),
        ActivityKind::Update,
        &author.uri,
        &note,
    );
    delivery::enqueue(conn, state, author.id, &activity, inboxes)?;
    Ok(())
}

/// The account `id`.
fn account(conn: &mut DbConnection, id: i64) -> Result<Option<Account>, DbError> {
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}
