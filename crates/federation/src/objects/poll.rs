//! A remote `Question`'s poll -> a `polls` row (options with their counts, end, closed,
//! single or multiple choice), stored with the post and replaced on every Update.

use activitypub_federation::config::Data;
use chrono::NaiveDateTime;

use crate::error::FederationError;
use trellis_domain::state::AppState;
use trellis_protocol::Object as Document;
use trellis_protocol::json::limits::{MAX_NAME_BYTES, MAX_POLL_OPTIONS};
use trellis_protocol::json::values::truncate;
use trellis_storage::models::poll::Poll;

/// The poll a remote object carries (none for an object without options), for post id 0
/// until [`store`] gives it its post.
pub(crate) fn remote_poll(json: &Document, now: NaiveDateTime) -> Option<Poll> {
    let (options, multiple) = json.poll_options()?;
    let options: Vec<(String, u64)> = options
        .into_iter()
        .take(MAX_POLL_OPTIONS)
        .map(|(name, votes)| (truncate(&name, MAX_NAME_BYTES).to_string(), votes))
        .collect();
    let titles: Vec<&String> = options.iter().map(|(name, _)| name).collect();
    let counts: Vec<u64> = options.iter().map(|(_, votes)| *votes).collect();
    let end = json.end_time.map(|t| t.naive_utc());
    let expires_at = if json.is_closed() {
        let closed = json.closed_at().map(|t| t.naive_utc()).unwrap_or(now);
        Some(end.map_or(closed, |end| end.min(closed)))
    } else {
        end
    };
    let voters = json.voters_count.map(|v| v as i64).unwrap_or_else(|| {
        if multiple {
            0
        } else {
            counts.iter().sum::<u64>() as i64
        }
    });
    Some(Poll {
        post_id: 0,
        options: serde_json::to_string(&titles).ok()?,
        multiple,
        hide_totals: false,
        expires_at,
        closed: false,
        cached_counts: serde_json::to_string(&counts).ok(),
        cached_voters: Some(voters),
        update_due_at: None,
        created_at: now,
    })
}

/// Stores or replaces the poll of the remote post `post_id`.
pub(crate) async fn store(
    data: &Data<AppState>,
    poll: Poll,
    post_id: i64,
) -> Result<(), FederationError> {
    let poll = Poll { post_id, ..poll };
    data.db()
        .write(move |conn| Poll::upsert_remote(conn, &poll))
        .await?;
    Ok(())
}
