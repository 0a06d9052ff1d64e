//! The delivery worker: claims due deliveries, signs and POSTs them with bounded concurrency
//! per host, and records the outcome (delivered, retry later, or failed for good).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Instant, SystemTime};
use trellis_domain::urls::Urls;
use trellis_protocol::json::values::same_origin;

use futures::StreamExt;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use url::Url;

use crate::{inbox_retention, remote_media};
use trellis_domain::state::AppState;
use trellis_protocol::signatures::{SigningKey, sign_post};
use trellis_storage::models::Account;
use trellis_storage::models::delivery::{self, ClaimedDelivery};

use super::backoff::{breaker_pause, next_attempt_delay};
use trellis_domain::outbound::delivery::now;

/// Deliveries claimed per round.
const BATCH: i64 = 64;
/// Media type of outgoing activities.
const ACTIVITY_TYPE: &str = "application/activity+json";

/// Starts the worker; it stops after the current round once `shutdown` turns true. Every
/// [`inbox_retention::PRUNE_EVERY`] it also prunes the inbox's old activity ids, removes uploads
/// never attached to a status and expired remote media ([`remote_media::cache::expire`]); every
/// round it closes ended polls and announces new poll counts (`services::polls::run_due`).
pub fn spawn(
    state: AppState,
    client: reqwest_middleware::ClientWithMiddleware,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        if state.db().backend() == trellis_storage::Backend::Sqlite {
            // One process owns an SQLite file: leases left by a killed process are stale.
            match state.db().write(delivery::release_all_claims).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(released = n, "released delivery claims of a previous run"),
                Err(e) => tracing::warn!(error = %e, "could not release stale delivery claims"),
            }
        }
        let mut last_prune: Option<Instant> = None;
        loop {
            if *shutdown.borrow() {
                break;
            }
            if last_prune.is_none_or(|at| at.elapsed() >= inbox_retention::PRUNE_EVERY) {
                last_prune = Some(Instant::now());
                match inbox_retention::prune(state.db(), now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(pruned = n, "forgot old received activity ids"),
                    Err(e) => tracing::warn!(error = %e, "pruning received activity ids failed"),
                }
                match trellis_domain::services::media::remove_unattached(&state).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(removed = n, "removed unattached uploads"),
                    Err(e) => tracing::warn!(error = %e, "removing unattached uploads failed"),
                }
                match remote_media::cache::expire(&state, now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(removed = n, "removed expired remote media"),
                    Err(e) => tracing::warn!(error = %e, "expiring remote media failed"),
                }
            }
            // Polls whose end or update delay has passed (an indexed look-up per round).
            match trellis_domain::services::polls::run_due(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(polls = n, "closed polls or announced their counts"),
                Err(e) => tracing::warn!(error = %e, "handling due polls failed"),
            }
            let worked = match run_round(&state, &client).await {
                Ok(count) => count > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "delivery round failed");
                    false
                }
            };
            if worked {
                continue;
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(state.config().delivery.poll) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::debug!("delivery worker stopped");
    })
}

/// Claims one batch and delivers it; returns how many deliveries were attempted.
pub(crate) async fn run_round(
    state: &AppState,
    client: &reqwest_middleware::ClientWithMiddleware,
) -> Result<usize, trellis_storage::DbError> {
    let started = now();
    let lease_until =
        started + chrono::Duration::from_std(state.config().delivery.lease).unwrap_or_default();
    let batch = state
        .db()
        .write(move |conn| delivery::claim(conn, started, lease_until, BATCH))
        .await?;
    if batch.is_empty() {
        return Ok(0);
    }
    let count = batch.len();
    let keys = signing_keys(state, &batch).await?;
    let vouched = vouched_inboxes(state, &batch).await?;
    let policy = state.federation_policy().await?;
    let staying = staying_home(state, &batch).await?;
    let mut by_host: HashMap<String, Vec<ClaimedDelivery>> = HashMap::new();
    for item in batch {
        by_host
            .entry(item.delivery.host.clone())
            .or_default()
            .push(item);
    }
    let per_host = state.config().delivery.per_host_concurrency;
    let hosts = by_host.into_values().map(|items| {
        let keys = &keys;
        let vouched = &vouched;
        let policy = &policy;
        let staying = &staying;
        async move {
            futures::stream::iter(items)
                .for_each_concurrent(per_host, |item| async move {
                    let outcome = if let Err(refusal) = policy.admits(&item.delivery.host) {
                        Outcome::Dropped(refusal.to_string())
                    } else if staying.contains(&item.delivery.id) {
                        Outcome::Rejected("the activity is about a department-only object".into())
                    } else if vouched.contains(&item.delivery.inbox_url) {
                        send(client, keys, &item).await
                    } else {
                        Outcome::Rejected(
                            "no stored actor on the inbox's origin names this inbox".into(),
                        )
                    };
                    if let Err(e) = record(state, &item, outcome).await {
                        tracing::warn!(error = %e, "could not record a delivery outcome");
                    }
                })
                .await;
        }
    });
    futures::future::join_all(hosts).await;
    Ok(count)
}

/// The deliveries of a batch about department-only posts or articles, which are never sent
/// (the queue refuses them already; this holds even for a row queued some other way).
async fn staying_home(
    state: &AppState,
    batch: &[ClaimedDelivery],
) -> Result<HashSet<i64>, trellis_storage::DbError> {
    let payloads: Vec<(i64, String)> = batch
        .iter()
        .map(|d| (d.delivery.id, d.payload.clone()))
        .collect();
    state
        .db()
        .read(move |conn| {
            let texts: Vec<&str> = payloads.iter().map(|(_, p)| p.as_str()).collect();
            let staying = trellis_domain::outbound::department::staying_home(conn, &texts)?;
            Ok(staying.into_iter().map(|i| payloads[i].0).collect())
        })
        .await
}

/// Signing keys of the actors in a batch, parsed once.
async fn signing_keys(
    state: &AppState,
    batch: &[ClaimedDelivery],
) -> Result<HashMap<i64, Arc<SigningKey>>, trellis_storage::DbError> {
    let mut ids: Vec<i64> = batch.iter().map(|d| d.actor_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let actors = state
        .db()
        .read(move |conn| {
            use diesel::prelude::*;
            use trellis_storage::schema::accounts;
            Ok(accounts::table
                .filter(accounts::id.eq_any(&ids))
                .select(Account::as_select())
                .load::<Account>(conn)?)
        })
        .await?;
    Ok(actors
        .into_iter()
        .filter_map(|actor| {
            let pem = actor.private_key_pem.as_deref()?;
            match SigningKey::from_pem(&actor.public_key_id, pem) {
                Ok(key) => Some((actor.id, Arc::new(key))),
                Err(e) => {
                    tracing::error!(actor = %actor.uri, error = %e, "unusable private key");
                    None
                }
            }
        })
        .collect())
}

/// The inboxes of a batch that may still be sent to: each is the inbox or shared inbox of a
/// stored actor on the same origin (scheme, host and port). Actors are checked when stored
/// (`objects::person`); this checks again right before sending, so a row queued before that
/// check, or whose actor changed or went away since, is never sent.
async fn vouched_inboxes(
    state: &AppState,
    batch: &[ClaimedDelivery],
) -> Result<HashSet<String>, trellis_storage::DbError> {
    let mut inboxes: Vec<String> = batch.iter().map(|d| d.delivery.inbox_url.clone()).collect();
    inboxes.sort();
    inboxes.dedup();
    let mut hosts: Vec<String> = inboxes
        .iter()
        .filter_map(|inbox| Urls::authority(&Url::parse(inbox).ok()?))
        .collect();
    hosts.sort();
    hosts.dedup();
    // One query for the whole batch: the stored actors on the inboxes' hosts that name one of
    // them (the `domain` index narrows it to those hosts).
    let owners: Vec<(String, String, Option<String>)> = state
        .db()
        .read(move |conn| {
            use diesel::prelude::*;
            use trellis_storage::schema::accounts;
            accounts::table
                .filter(accounts::domain.eq_any(&hosts))
                .filter(
                    accounts::inbox_url
                        .eq_any(&inboxes)
                        .or(accounts::shared_inbox_url.eq_any(&inboxes)),
                )
                .select((
                    accounts::uri,
                    accounts::inbox_url,
                    accounts::shared_inbox_url,
                ))
                .load(conn)
                .map_err(Into::into)
        })
        .await?;
    let mut vouched = HashSet::new();
    for (uri, inbox, shared) in owners {
        let Ok(owner) = Url::parse(&uri) else {
            continue;
        };
        for named in std::iter::once(inbox).chain(shared) {
            if Url::parse(&named).is_ok_and(|url| same_origin(&owner, &url)) {
                vouched.insert(named);
            }
        }
    }
    Ok(vouched)
}

/// What happened to one attempt.
#[derive(Debug)]
enum Outcome {
    Delivered,
    /// The peer refused the activity for good (a 4xx other than 408 and 429).
    Rejected(String),
    /// Try again later (network error, timeout, 408, 429, 5xx).
    Temporary(String),
    /// Not sent: the host may no longer be federated with (blocked, or no longer a peer).
    Dropped(String),
}

async fn send(
    client: &reqwest_middleware::ClientWithMiddleware,
    keys: &HashMap<i64, Arc<SigningKey>>,
    item: &ClaimedDelivery,
) -> Outcome {
    let Some(key) = keys.get(&item.actor_id) else {
        return Outcome::Rejected("the sending actor has no private key".into());
    };
    let Ok(inbox) = Url::parse(&item.delivery.inbox_url) else {
        return Outcome::Rejected("the inbox is not a URL".into());
    };
    let body = item.payload.clone().into_bytes();
    let headers = match sign_post(key, &inbox, &body, ACTIVITY_TYPE, SystemTime::now()) {
        Ok(headers) => headers,
        Err(e) => return Outcome::Rejected(format!("signing failed: {e}")),
    };
    let mut request = client
        .post(inbox.clone())
        .header(reqwest::header::CONTENT_TYPE, ACTIVITY_TYPE)
        .header(reqwest::header::ACCEPT, ACTIVITY_TYPE);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_bytes());
    }
    match request.body(body).send().await {
        Ok(response) => {
            let status = response.status();
            if status.is_success() {
                Outcome::Delivered
            } else if status.is_client_error()
                && status != reqwest::StatusCode::REQUEST_TIMEOUT
                && status != reqwest::StatusCode::TOO_MANY_REQUESTS
            {
                Outcome::Rejected(format!("HTTP {status}"))
            } else {
                Outcome::Temporary(format!("HTTP {status}"))
            }
        }
        // Refused by the address guard before anything was sent: retrying changes nothing.
        Err(e @ reqwest_middleware::Error::Middleware(_)) => Outcome::Rejected(error_chain(&e)),
        Err(e) => Outcome::Temporary(error_chain(&e)),
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

async fn record(
    state: &AppState,
    item: &ClaimedDelivery,
    outcome: Outcome,
) -> Result<(), trellis_storage::DbError> {
    let row = item.delivery.clone();
    let at = now();
    let unit = state.config().delivery.backoff_unit;
    match outcome {
        Outcome::Delivered => {
            tracing::debug!(activity = %item.activity_id, inbox = %row.inbox_url, "delivered");
            state
                .db()
                .write(move |conn| delivery::complete(conn, &row, at))
                .await
        }
        Outcome::Rejected(reason) => {
            tracing::warn!(activity = %item.activity_id, inbox = %row.inbox_url, %reason, "delivery rejected for good");
            state
                .db()
                .write(move |conn| delivery::fail(conn, &row, &reason, at))
                .await
        }
        Outcome::Dropped(reason) => {
            tracing::info!(activity = %item.activity_id, inbox = %row.inbox_url, %reason, "delivery dropped");
            state
                .db()
                .write(move |conn| delivery::drop_unsent(conn, &row, &reason, at))
                .await
        }
        Outcome::Temporary(reason) => {
            tracing::info!(activity = %item.activity_id, inbox = %row.inbox_url, attempt = row.attempts + 1, %reason, "delivery failed; will retry");
            let delay = next_attempt_delay(row.attempts as u32, unit);
            let next = at + chrono::Duration::from_std(delay).unwrap_or_default();
            state
                .db()
                .write(move |conn| {
                    delivery::record_host_failure(conn, &row.host, at, |failures| {
                        breaker_pause(failures, unit)
                            .and_then(|pause| chrono::Duration::from_std(pause).ok())
                            .map(|pause| at + pause)
                    })?;
                    if next > row.expires_at {
                        delivery::fail(conn, &row, &format!("gave up after retries: {reason}"), at)
                    } else {
                        delivery::retry_later(conn, &row, &reason, next)
                    }
                })
                .await
        }
    }
}
