//! The organisation directory: discoverable local people, and the people of the peer
//! instances that their directories list (fetched by the federation crate and recorded here).

use crate::state::AppState;
use trellis_storage::models::Account;
use trellis_storage::models::directory::{self, DirectoryFilter};

pub use trellis_storage::models::directory::DirectoryOrder;

use super::ServiceError;
use super::hydrate::{self, AccountView};

/// Most people in one page of the directory API.
pub const MAX_LIMIT: i64 = 80;
/// People per page of the directory the instance serves to its peers.
pub const EXCHANGE_PAGE_SIZE: i64 = 40;

/// The instances of the organisation whose directories are fetched and merged, as
/// `host[:port]` authorities: the federation policy's peers (configured and added at run
/// time) that are not blocked.
pub async fn peers(state: &AppState) -> Result<Vec<String>, ServiceError> {
    let policy = state.federation_policy().await?;
    Ok(policy
        .peers()
        .iter()
        .filter(|peer| policy.is_peer(peer))
        .cloned()
        .collect())
}

/// Whether `domain` (`host[:port]`) is one of the organisation's peers.
pub async fn is_peer(state: &AppState, domain: &str) -> Result<bool, ServiceError> {
    Ok(state.federation_policy().await?.is_peer(domain))
}

/// A page of the directory.
#[derive(Clone, Debug)]
pub struct DirectoryQuery {
    /// Only local people.
    pub local_only: bool,
    /// Only this department (case-insensitive, whole name).
    pub department: Option<String>,
    /// Only this instance (`host[:port]`).
    pub instance: Option<String>,
    /// The order.
    pub order: DirectoryOrder,
    /// People to skip.
    pub offset: i64,
    /// Most people (at most [`MAX_LIMIT`]).
    pub limit: i64,
}

/// Listed people (discoverable, neither disabled nor channels nor instance actors): local
/// ones, and unless `local_only` those the peers' directories list.
pub async fn list(
    state: &AppState,
    query: DirectoryQuery,
) -> Result<Vec<AccountView>, ServiceError> {
    let filter = DirectoryFilter {
        local_only: query.local_only,
        department: query.department,
        domain: query.instance,
        local_domain: state.urls().domain().to_string(),
        order: query.order,
        offset: query.offset.max(0),
        limit: query.limit.clamp(1, MAX_LIMIT),
    };
    Ok(state
        .db()
        .read(move |conn| {
            let rows = directory::listed(conn, &filter)?;
            hydrate::accounts(conn, rows)
        })
        .await?)
}

/// The departments of listed people, sorted (for filters).
pub async fn departments(state: &AppState) -> Result<Vec<String>, ServiceError> {
    Ok(state.db().read(directory::departments).await?)
}

/// A page of the local people served to peers, and how many there are in all.
pub async fn local_people(
    state: &AppState,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Account>, i64), ServiceError> {
    Ok(state
        .db()
        .read(move |conn| directory::local_page(conn, offset, limit))
        .await?)
}

/// Records that `peer`'s directory lists exactly the accounts `listed`; those it listed before
/// and no longer does stop being listed (their accounts and follows stay). Returns how many
/// stopped being listed.
pub async fn record_listing(
    state: &AppState,
    peer: &str,
    listed: Vec<i64>,
) -> Result<usize, ServiceError> {
    let peer = peer.to_string();
    Ok(state
        .db()
        .write(move |conn| directory::replace_listing(conn, &peer, &listed))
        .await?)
}
