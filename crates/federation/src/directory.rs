//! The directory exchange, receiving side: fetches every peer's directory (signed GETs by the
//! instance actor), stores the people it lists through the same actor converter as any other
//! remote actor (so their keys are kept), and records which peer lists whom; people a peer
//! no longer lists stop being listed here. A background task does this every
//! `federation.directory_refresh`.

use std::collections::HashSet;
use std::time::Duration;

use activitypub_federation::config::{Data, FederationConfig};
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::traits::Object;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;

use trellis_domain::outbound::directory::DIRECTORY_PATH;
use trellis_domain::services::directory;
use trellis_domain::state::AppState;
use trellis_domain::urls::Urls;
use trellis_protocol::{Actor as ActorDocument, ObjectKind};

use crate::error::FederationError;
use crate::objects::person::ActorObject;

/// How soon a peer whose directory could not be read is tried again (at most the refresh
/// interval).
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(60);
/// Most pages read of one peer's directory in one refresh.
const MAX_PAGES: usize = 250;

/// What one refresh of one peer did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerRefresh {
    /// The peer (`host[:port]`).
    pub peer: String,
    /// People its directory lists now (`None`: the directory could not be read, and what was
    /// listed before stays listed).
    pub listed: Option<usize>,
    /// People it listed before and no longer does.
    pub unlisted: usize,
    /// Why the directory could not be read, or documents in it that were skipped.
    pub problems: Vec<String>,
}

/// Refreshes the directory of every peer, one after the other.
pub async fn refresh_all(data: &Data<AppState>) -> Vec<PeerRefresh> {
    let mut outcomes = Vec::new();
    let peers = match directory::peers(data.app_data()).await {
        Ok(peers) => peers,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the peer list for the directory");
            return outcomes;
        }
    };
    for peer in peers {
        let outcome = refresh_peer(data, &peer).await;
        match &outcome.listed {
            Some(listed) => tracing::info!(
                peer = %outcome.peer,
                listed,
                unlisted = outcome.unlisted,
                skipped = outcome.problems.len(),
                "directory refreshed"
            ),
            None => {
                tracing::warn!(peer = %outcome.peer, problems = ?outcome.problems, "directory not refreshed")
            }
        }
        outcomes.push(outcome);
    }
    outcomes
}

/// Fetches `peer`'s directory and records who it lists. A directory that cannot be read
/// changes nothing.
pub(crate) async fn refresh_peer(data: &Data<AppState>, peer: &str) -> PeerRefresh {
    let mut outcome = PeerRefresh {
        peer: peer.to_string(),
        listed: None,
        unlisted: 0,
        problems: Vec::new(),
    };
    let ids = match read_directory(data, peer, &mut outcome.problems).await {
        Ok(ids) => ids,
        Err(e) => {
            outcome.problems.push(e.to_string());
            return outcome;
        }
    };
    outcome.listed = Some(ids.len());
    match directory::record_listing(data.app_data(), peer, ids).await {
        Ok(unlisted) => outcome.unlisted = unlisted,
        Err(e) => {
            outcome.listed = None;
            outcome.problems.push(e.to_string());
        }
    }
    outcome
}

/// Reads every page of `peer`'s directory and stores its people; returns their account ids.
/// Items that are not acceptable actors of the peer are skipped and noted in `problems`.
async fn read_directory(
    data: &Data<AppState>,
    peer: &str,
    problems: &mut Vec<String>,
) -> Result<Vec<i64>, FederationError> {
    let scheme = data.app_data().config().scheme();
    let start = Url::parse(&format!("{scheme}://{peer}{DIRECTORY_PATH}"))
        .map_err(|e| FederationError::Invalid(format!("peer {peer}: {e}")))?;
    let collection = fetch(data, &start).await?;
    let mut next = link(&collection, "first");
    let mut ids = Vec::new();
    let mut seen: HashSet<Url> = HashSet::new();
    for item in items(&collection) {
        store_listed(data, peer, &start, item, &mut ids, problems).await;
    }
    while let Some(url) = next.take() {
        if seen.len() >= MAX_PAGES || !seen.insert(url.clone()) {
            break;
        }
        if Urls::authority(&url).as_deref() != Some(peer) {
            problems.push(format!("page {url} is not on the peer"));
            break;
        }
        let page = fetch(data, &url).await?;
        for item in items(&page) {
            store_listed(data, peer, &start, item, &mut ids, problems).await;
        }
        next = link(&page, "next");
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// One signed GET of a directory document (each with its own fetch budget).
async fn fetch(data: &Data<AppState>, url: &Url) -> Result<Value, FederationError> {
    let data = data.reset_request_count();
    let response = fetch_object_http::<AppState, Value>(url, &data)
        .await
        .map_err(|e| FederationError::Fetch(format!("{url}: {e}")))?;
    Ok(response.object)
}

/// The URL in `key` (a string, or an object with an `id`).
fn link(document: &Value, key: &str) -> Option<Url> {
    let value = document.get(key)?;
    let text = value
        .as_str()
        .or_else(|| value.get("id").and_then(Value::as_str))?;
    Url::parse(text).ok()
}

/// The items of a collection or page (`orderedItems` or `items`).
fn items(document: &Value) -> Vec<&Value> {
    let list = document
        .get("orderedItems")
        .or_else(|| document.get("items"))
        .and_then(Value::as_array);
    list.map(|l| l.iter().collect()).unwrap_or_default()
}

/// Stores one listed actor document if it is a person of the peer, adding its account id.
async fn store_listed(
    data: &Data<AppState>,
    peer: &str,
    peer_url: &Url,
    item: &Value,
    ids: &mut Vec<i64>,
    problems: &mut Vec<String>,
) {
    let document: ActorDocument = match serde_json::from_value(item.clone()) {
        Ok(document) => document,
        Err(e) => {
            problems.push(format!("an item is not an actor: {e}"));
            return;
        }
    };
    if !matches!(document.kind, ObjectKind::Person | ObjectKind::Service) {
        problems.push(format!(
            "{} is a {}, not a person",
            document.id,
            document.kind.name()
        ));
        return;
    }
    if Urls::authority(&document.id).as_deref() != Some(peer) {
        problems.push(format!("{} is not on {peer}", document.id));
        return;
    }
    let id = document.id.clone();
    let stored = async {
        ActorObject::verify(&document, peer_url, data).await?;
        ActorObject::from_json(document, data).await
    }
    .await;
    match stored {
        Ok(actor) => ids.push(actor.account.id),
        Err(e) => problems.push(format!("{id}: {e}")),
    }
}

/// Runs [`refresh_all`] now and then every `federation.directory_refresh`, until `stop` turns
/// true (with no peers, each round does nothing).
pub fn spawn_refresher(
    config: FederationConfig<AppState>,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let data = config.to_request_data();
        let every: Duration = data.app_data().config().federation.directory_refresh;
        loop {
            let outcomes = tokio::select! {
                outcomes = refresh_all(&data) => outcomes,
                _ = stop.wait_for(|stopped| *stopped) => return,
            };
            // A peer that could not be read is tried again within a minute.
            let wait = if outcomes.iter().any(|o| o.listed.is_none()) {
                every.min(RETRY_AFTER_FAILURE)
            } else {
                every
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
        }
    })
}
