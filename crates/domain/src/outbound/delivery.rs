//! Enqueuing outgoing activities on the persistent delivery queue.
//!
//! Invariant: an activity is enqueued in the same transaction as the change it announces
//! ([`enqueue`]); only the federation crate's delivery worker talks to remote inboxes.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use trellis_protocol::Activity;
use url::Url;

use crate::state::AppState;
use crate::urls::Urls;
use trellis_storage::models::delivery::{self, Enqueue};
use trellis_storage::{DbConnection, DbError};

/// Queues `activity` from `actor_id` to each distinct remote inbox. Local and malformed
/// inboxes are skipped, and nothing is queued for an activity about a department-only post
/// or article ([`super::department`]). Call inside the transaction that makes the change.
pub fn enqueue<O: Serialize>(
    conn: &mut DbConnection,
    state: &AppState,
    actor_id: i64,
    activity: &Activity<O>,
    inboxes: impl IntoIterator<Item = String>,
) -> Result<usize, DbError> {
    let activity_id = activity.id.to_string();
    let mut targets: Vec<(String, String)> = inboxes
        .into_iter()
        .filter_map(|inbox| {
            let url = Url::parse(&inbox).ok()?;
            if state.urls().is_local(&url) {
                return None;
            }
            Some((inbox, Urls::authority(&url)?))
        })
        .collect();
    targets.sort();
    targets.dedup();
    if targets.is_empty() {
        return Ok(0);
    }
    let document = serde_json::to_value(activity)
        .map_err(|e| DbError::Query(diesel::result::Error::SerializationError(Box::new(e))))?;
    if super::department::stays_home(conn, &document)? {
        return Ok(0);
    }
    let now = now();
    let max_age = Duration::from_std(state.config().delivery.max_age).unwrap_or(Duration::days(2));
    let count = targets.len();
    let payload = document.to_string();
    delivery::enqueue(
        conn,
        &Enqueue {
            id: state.ids().next_id(),
            activity_id: &activity_id,
            actor_id,
            payload: &payload,
            inboxes: targets
                .into_iter()
                .map(|(inbox, host)| (state.ids().next_id(), inbox, host))
                .collect(),
            now,
            expires_at: now + max_age,
        },
    )?;
    Ok(count)
}

/// The current time as stored in the database.
pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
