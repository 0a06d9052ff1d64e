//! The organisation's peers, managed at run time: `trellis federation allow|deny|peers` and the
//! Mastodon admin API's domain allows.

use diesel::Connection;
use trellis_config::parse_authority;
use trellis_storage::models::delivery;
use trellis_storage::models::federation_peer::FederationPeer;

use super::ServiceError;
use super::audit::{self, Acting, Entry};
use crate::outbound::delivery::now;
use crate::state::AppState;

/// The peers of an instance, by where they come from.
#[derive(Clone, Debug)]
pub struct Peers {
    /// `TRELLIS_FEDERATION_PEERS`: changed only by the configuration.
    pub configured: Vec<String>,
    /// Allowed at run time.
    pub allowed: Vec<FederationPeer>,
}

/// Every peer.
pub async fn list(state: &AppState) -> Result<Peers, ServiceError> {
    let allowed = state.db().read(FederationPeer::all).await?;
    Ok(Peers {
        configured: state.config().federation.peers.clone(),
        allowed,
    })
}

/// One peer allowed at run time (`None` for others, configured peers included).
pub async fn find(state: &AppState, text: &str) -> Result<Option<FederationPeer>, ServiceError> {
    let authority = parse_authority(text).map_err(|m| ServiceError::invalid("domain", m))?;
    Ok(state
        .db()
        .read(move |conn| FederationPeer::find(conn, &authority))
        .await?)
}

/// Allows `text` (`host[:port]`) as a peer; returns the peer as stored (the earlier row when
/// it was allowed already) and whether it is new.
pub async fn allow(
    state: &AppState,
    acting: &Acting,
    text: &str,
) -> Result<(FederationPeer, bool), ServiceError> {
    let authority = parse_authority(text).map_err(|m| ServiceError::invalid("domain", m))?;
    if state.urls().domain() == authority {
        return Err(ServiceError::invalid("domain", "is this instance itself"));
    }
    let peer = FederationPeer {
        authority,
        created_at: now(),
    };
    let (writer, acting) = (state.clone(), acting.clone());
    let (peer, new) = state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                if let Some(existing) = FederationPeer::find(conn, &peer.authority)? {
                    return Ok((existing, false));
                }
                let new = FederationPeer::insert(conn, &peer)?;
                let entry = Entry::new("peer.allow", peer.authority.clone());
                audit::record(conn, &writer, &acting, entry)?;
                Ok((peer, new))
            })
        })
        .await?;
    state.federation_policy_changed();
    Ok((peer, new))
}

/// Stops allowing a peer allowed at run time; false when it was not. In `allowlist` mode the
/// deliveries still queued to it are dropped (and counted as such). A peer named by the
/// configuration cannot be removed here.
pub async fn deny(state: &AppState, acting: &Acting, text: &str) -> Result<bool, ServiceError> {
    let authority = parse_authority(text).map_err(|m| ServiceError::invalid("domain", m))?;
    if state.config().federation.peers.contains(&authority) {
        return Err(ServiceError::Conflict(format!(
            "{authority} is a peer by TRELLIS_FEDERATION_PEERS; remove it there"
        )));
    }
    let closed = state.config().federation.is_closed();
    let (writer, acting) = (state.clone(), acting.clone());
    let removed = state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let removed = FederationPeer::delete(conn, &authority)?;
                if !removed {
                    return Ok(false);
                }
                let dropped = if closed {
                    delivery::drop_pending_to(
                        conn,
                        std::slice::from_ref(&authority),
                        "no longer a peer",
                        now(),
                    )?
                } else {
                    0
                };
                let entry = Entry::new("peer.deny", authority.clone())
                    .with(serde_json::json!({"deliveries_dropped": dropped}));
                audit::record(conn, &writer, &acting, entry)?;
                Ok(true)
            })
        })
        .await?;
    state.federation_policy_changed();
    Ok(removed)
}
