//! Streaming events: one tailer per process reads new stream events and broadcasts them to the
//! connections of this process.
//!
//! Events are rows of `stream_events`, written in the transaction of each change, so every
//! process sharing a database sees every change. The tailer polls for ids above the newest one
//! it has seen, re-reading a short look-back window: on PostgreSQL, concurrent transactions can
//! commit out of id order, and an event that becomes visible late is still picked up; a bounded
//! set of recently seen ids keeps it from being sent twice. Each event is loaded once here
//! (posts hydrated for an anonymous reader, the home feeds that hold the post, notifications),
//! so connections do not query per event beyond the reader's own flags.

use std::collections::{BTreeSet, HashMap, HashSet};

use std::time::{Duration, Instant};

use diesel::prelude::*;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;
use trellis_storage::ids::IdGenerator;
use trellis_storage::models::stream_event::{StreamEvent, StreamKind};
use trellis_storage::models::{Notification, Post};
use trellis_storage::schema::posts;
use trellis_storage::{DbConnection, DbError};

use super::ServiceError;
pub use super::event_hub::{CHANNEL_CAPACITY, Event, EventHub};
use super::hydrate::{self, StatusView};
use super::notifications::{self, NotificationView};

/// How often the table is polled when nothing wakes the tailer.
const POLL: Duration = Duration::from_millis(200);
/// How far below the newest seen id each poll re-reads, in milliseconds of ids.
const LOOKBACK_MILLIS: i64 = 2_000;
/// Rows read per query.
const BATCH: i64 = 500;
/// Most ids remembered as already broadcast.
const SEEN_CAP: usize = 65_536;
/// How long events are kept.
const RETENTION: chrono::TimeDelta = chrono::TimeDelta::minutes(10);
/// How often old events are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Starts the tailer of this process; it ends when `shutdown` becomes true.
pub fn spawn(state: AppState, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let wake = state.events().wake_handle();
        let mut tailer = Tailer::default();
        let mut last_prune: Option<Instant> = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            if let Err(e) = tailer.round(&state).await {
                tracing::warn!(error = %e, "reading stream events failed");
            }
            if last_prune.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                last_prune = Some(Instant::now());
                let before = chrono::Utc::now().naive_utc() - RETENTION;
                match state
                    .db()
                    .write(move |conn| StreamEvent::prune(conn, before))
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(pruned = n, "pruned old stream events"),
                    Err(e) => tracing::warn!(error = %e, "pruning stream events failed"),
                }
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
                _ = shutdown.changed() => {}
            }
        }
        state.events().stop_streams();
        tracing::debug!("stream event tailer stopped");
    })
}

/// Position of the tailer: the newest id seen and the ids broadcast in the look-back window.
#[derive(Debug, Default)]
struct Tailer {
    /// Newest id seen; `None` before the first poll.
    newest: Option<i64>,
    /// Ids already handled, at or above the current look-back floor.
    seen: BTreeSet<i64>,
}

impl Tailer {
    /// Reads the events not seen yet and broadcasts them.
    async fn round(&mut self, state: &AppState) -> Result<(), DbError> {
        let Some(newest) = self.newest else {
            // First poll: what is already there happened before this process listened.
            let latest = state.db().read(StreamEvent::latest_id).await?;
            self.newest = Some(latest);
            let floor = lookback_floor(latest);
            let rows = state.db().read(move |conn| read_from(conn, floor)).await?;
            self.seen.extend(rows.iter().map(|r| r.id));
            return Ok(());
        };
        let floor = lookback_floor(newest);
        let rows = state.db().read(move |conn| read_from(conn, floor)).await?;
        let fresh: Vec<StreamEvent> = rows
            .into_iter()
            .filter(|row| self.seen.insert(row.id))
            .collect();
        if let Some(max) = fresh.iter().map(|r| r.id).max() {
            self.newest = Some(newest.max(max));
        }
        self.forget_before(lookback_floor(self.newest.unwrap_or(newest)));
        if fresh.is_empty() || state.events().listeners() == 0 {
            return Ok(());
        }
        let events = state.db().read(move |conn| load(conn, fresh)).await?;
        for event in events {
            state.events().broadcast(event);
        }
        Ok(())
    }

    /// Drops remembered ids below the look-back floor (they cannot be read again), and the
    /// oldest ones beyond [`SEEN_CAP`].
    fn forget_before(&mut self, floor: i64) {
        self.seen = self.seen.split_off(&floor);
        while self.seen.len() > SEEN_CAP {
            self.seen.pop_first();
        }
    }
}

/// The lowest id a poll re-reads when the newest seen id is `newest`.
fn lookback_floor(newest: i64) -> i64 {
    (newest - IdGenerator::floor_for_millis(LOOKBACK_MILLIS)).max(0)
}

/// Every event with an id above `floor`, oldest first, read in batches.
fn read_from(conn: &mut DbConnection, floor: i64) -> Result<Vec<StreamEvent>, DbError> {
    let mut cursor = floor;
    let mut all = Vec::new();
    loop {
        let rows = StreamEvent::after(conn, cursor, BATCH)?;
        let full = rows.len() as i64 == BATCH;
        if let Some(last) = rows.last() {
            cursor = last.id;
        }
        all.extend(rows);
        if !full {
            return Ok(all);
        }
    }
}

/// Loads what connections need for `rows`, in a fixed number of queries; events about rows
/// that are already gone (a post deleted, a notification dismissed) are left out, and so are
/// boosts of posts that are not public or unlisted (statuses are hydrated for nobody, and
/// no such boost is stored any more).
fn load(conn: &mut DbConnection, rows: Vec<StreamEvent>) -> Result<Vec<Event>, DbError> {
    let mut kinds: Vec<(StreamEvent, StreamKind)> = rows
        .into_iter()
        .map(|row| {
            let kind = row.kind;
            (row, kind)
        })
        .collect();
    kinds.sort_by_key(|(row, _)| row.id);
    let post_ids: Vec<i64> = kinds
        .iter()
        .filter(|(_, kind)| matches!(kind, StreamKind::Update | StreamKind::StatusUpdate))
        .filter_map(|(row, _)| row.post_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let statuses: HashMap<i64, StatusView> = if post_ids.is_empty() {
        HashMap::new()
    } else {
        let loaded: Vec<Post> = posts::table
            .filter(posts::id.eq_any(&post_ids))
            .select(Post::as_select())
            .load(conn)?;
        hydrate::statuses(conn, loaded, None)?
            .into_iter()
            .map(|v| (v.post.id, v))
            .collect()
    };
    let mut readers: HashMap<i64, Vec<i64>> = HashMap::new();
    for (post, reader) in StreamEvent::home_readers(conn, &post_ids)? {
        readers.entry(post).or_default().push(reader);
    }
    let notification_ids: Vec<i64> = kinds
        .iter()
        .filter(|(_, kind)| *kind == StreamKind::Notification)
        .filter_map(|(row, _)| row.notification_id)
        .collect();
    let found = Notification::find_many(conn, &notification_ids)?;
    let mut notes: HashMap<i64, NotificationView> = notifications::views(conn, found, None)?
        .into_iter()
        .map(|n| (n.notification.id, n))
        .collect();
    Ok(kinds
        .into_iter()
        .filter_map(|(row, kind)| {
            let mut event = Event {
                id: row.id,
                kind,
                post_id: row.post_id,
                status: None,
                home_readers: Vec::new(),
                notification: None,
                account_id: None,
            };
            match kind {
                StreamKind::Update | StreamKind::StatusUpdate => {
                    let post = row.post_id?;
                    event.status = Some(statuses.get(&post)?.clone());
                    let mut home = readers.get(&post).cloned().unwrap_or_default();
                    home.sort_unstable();
                    event.home_readers = home;
                }
                StreamKind::Notification => {
                    event.notification = Some(notes.remove(&row.notification_id?)?);
                }
                StreamKind::Delete => {
                    row.post_id?;
                }
                StreamKind::Revoke => event.account_id = row.account_id,
            }
            Some(event)
        })
        .collect())
}

/// `view` with `reader`'s own favourited, reblogged and bookmarked flags (on the post and, for
/// a boost, on the boosted post).
pub async fn personalize(
    state: &AppState,
    reader: Option<i64>,
    view: &StatusView,
) -> Result<StatusView, ServiceError> {
    let mut view = view.clone();
    let Some(reader) = reader else {
        return Ok(view);
    };
    let ids: Vec<i64> = std::iter::once(view.post.id)
        .chain(view.reblog.as_ref().map(|inner| inner.post.id))
        .collect();
    let (favourited, reblogged, bookmarked) = state
        .db()
        .read(move |conn| hydrate::viewer_flags(conn, reader, &ids))
        .await?;
    let apply = |v: &mut StatusView| {
        v.favourited = favourited.contains(&v.post.id);
        v.reblogged = reblogged.contains(&v.post.id);
        v.bookmarked = bookmarked.contains(&v.post.id);
    };
    apply(&mut view);
    if let Some(inner) = view.reblog.as_mut() {
        apply(inner);
    }
    Ok(view)
}

/// Accounts whose posts `reader` does not want in public streams (blocked or muted).
pub(crate) async fn silenced(state: &AppState, reader: i64) -> Result<HashSet<i64>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| StreamEvent::silenced_by(conn, reader))
        .await?
        .into_iter()
        .collect())
}

/// The members of `reader`'s list `list_id` (missing when it is not the reader's).
pub async fn list_members(
    state: &AppState,
    reader: i64,
    list_id: i64,
) -> Result<HashSet<i64>, ServiceError> {
    state
        .db()
        .read(move |conn| StreamEvent::list_members(conn, list_id, reader))
        .await?
        .map(|members| members.into_iter().collect())
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seen_set_keeps_only_the_lookback_window() {
        let mut tailer = Tailer::default();
        let base = IdGenerator::floor_for_millis(1_700_000_000_000);
        tailer.seen.extend([base - 10, base, base + 5]);
        tailer.forget_before(base);
        assert_eq!(
            tailer.seen.iter().copied().collect::<Vec<_>>(),
            [base, base + 5]
        );
        assert_eq!(
            lookback_floor(base),
            base - IdGenerator::floor_for_millis(LOOKBACK_MILLIS)
        );
        assert_eq!(lookback_floor(5), 0);
    }
}
