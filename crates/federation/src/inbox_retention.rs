//! How long the inbox remembers processed activity ids (`received_activities`, its
//! de-duplication), and the pruning that forgets older ones. The delivery worker prunes every
//! [`PRUNE_EVERY`].

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};

use trellis_storage::models::ReceivedActivity;
use trellis_storage::{Database, DbError};

/// How long a processed activity id is remembered. A duplicate can only come from a peer
/// retrying a delivery, and peers give up well within a week: Mastodon after 16 attempts
/// (about two to three days; it stops delivering to a server that failed for 7 days),
/// activitypub_federation (Lemmy) after about 61 hours, Trellis after
/// `TRELLIS_DELIVERY_MAX_AGE_HOURS` (48 by default).
pub const RETENTION: TimeDelta = TimeDelta::days(7);
/// How often the delivery worker prunes.
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// Rows deleted per statement, so that no statement holds the writer for long.
const BATCH: i64 = 1_000;
/// Most statements per pruning pass; anything left waits for the next pass.
const MAX_BATCHES: usize = 20;

/// Forgets the activity ids recorded more than [`RETENTION`] before `now`, [`BATCH`] rows per
/// statement (each its own transaction) and at most [`MAX_BATCHES`] statements; returns how
/// many were forgotten.
pub async fn prune(db: &Database, now: NaiveDateTime) -> Result<usize, DbError> {
    let before = now - RETENTION;
    let mut forgotten = 0;
    for _ in 0..MAX_BATCHES {
        let deleted = db
            .write(move |conn| ReceivedActivity::prune(conn, before, BATCH))
            .await?;
        forgotten += deleted;
        if deleted < BATCH as usize {
            break;
        }
    }
    Ok(forgotten)
}
