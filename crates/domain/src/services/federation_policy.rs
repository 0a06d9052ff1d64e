//! Whom this instance federates with: the one rule every path asks (the inbox, signed fetches
//! of our documents, outgoing fetches and deliveries).
//!
//! - A blocked domain (or any subdomain of it) is refused in both modes.
//! - In `allowlist` mode only peers are federated with: the authorities (`host[:port]`) the
//!   configuration names, plus those allowed at run time (`federation_peers`).
//! - In `open` mode everyone else is federated with.
//!
//! Peers and blocks change at run time (the CLI writes them from another process), so the
//! policy is read from the database again when it is older than [`POLICY_TTL`]; changes made
//! through this process take effect at once.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use url::Url;

use crate::urls::Urls;
use trellis_config::FederationSettings;
use trellis_storage::models::domain_block::DomainBlock;
use trellis_storage::models::federation_peer::FederationPeer;
use trellis_storage::{Database, DbConnection, DbError};

/// How long a loaded policy is used before it is read again.
pub const POLICY_TTL: Duration = Duration::from_secs(2);

/// Why a server is not federated with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The domain is blocked.
    #[error("{0} is blocked")]
    Blocked(String),
    /// The instance federates with its peers only, and this is not one.
    #[error("{0} is not a peer of this instance")]
    NotAPeer(String),
    /// The URL names no host.
    #[error("the URL has no host")]
    NoHost,
}

/// The federation policy at one moment.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    closed: bool,
    peers: Vec<String>,
    blocked: Vec<String>,
}

impl Policy {
    /// A policy from its parts: whether it is closed (`allowlist`), the peers (`host[:port]`,
    /// lower-case) and the blocked domains.
    pub fn new(closed: bool, peers: Vec<String>, blocked: Vec<String>) -> Policy {
        Policy {
            closed,
            peers,
            blocked,
        }
    }

    /// The policy of `settings` with the peers allowed and the domains blocked at run time.
    pub fn load(conn: &mut DbConnection, settings: &FederationSettings) -> Result<Policy, DbError> {
        let mut peers = settings.peers.clone();
        for peer in FederationPeer::all(conn)? {
            if !peers.contains(&peer.authority) {
                peers.push(peer.authority);
            }
        }
        let blocked = DomainBlock::all(conn)?
            .into_iter()
            .map(|block| block.domain)
            .collect();
        Ok(Policy {
            closed: settings.is_closed(),
            peers,
            blocked,
        })
    }

    /// Whether only peers are federated with.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The peers: configured first, then those allowed at run time.
    pub fn peers(&self) -> &[String] {
        &self.peers
    }

    /// Whether `authority` (`host[:port]`) is a peer that is not blocked.
    pub fn is_peer(&self, authority: &str) -> bool {
        let authority = authority.to_ascii_lowercase();
        self.peers.contains(&authority) && !self.is_blocked(host_of(&authority))
    }

    /// Whether `host` (no port) is a blocked domain or under one.
    pub(crate) fn is_blocked(&self, host: &str) -> bool {
        self.blocked.iter().any(|domain| is_under(host, domain))
    }

    /// Whether the server at `authority` (`host[:port]`) may be federated with.
    pub fn admits(&self, authority: &str) -> Result<(), Refusal> {
        let host = host_of(authority);
        if self.is_blocked(host) {
            return Err(Refusal::Blocked(host.to_string()));
        }
        if self.closed && !self.is_peer(authority) {
            return Err(Refusal::NotAPeer(authority.to_string()));
        }
        Ok(())
    }

    /// Whether the server of `url` may be federated with.
    pub fn admits_url(&self, url: &Url) -> Result<(), Refusal> {
        let authority = Urls::authority(url).ok_or(Refusal::NoHost)?;
        self.admits(&authority)
    }

    /// Whether `host` (no port) is the host of a peer: such a name may resolve to an internal
    /// address, on the peer's port only.
    pub fn is_peer_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.peers
            .iter()
            .any(|peer| host_of(peer) == host && !self.is_blocked(&host))
    }
}

/// Whether `host` (no port) is `domain` or a subdomain of it.
pub(crate) fn is_under(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// The host of `host[:port]` (IPv6 literals keep their brackets).
pub fn host_of(authority: &str) -> &str {
    match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => &authority[..colon],
        _ => authority,
    }
}

/// The policy of a running process, read again after [`POLICY_TTL`].
#[derive(Default)]
pub struct PolicyCache {
    loaded: RwLock<Option<(Instant, Arc<Policy>)>>,
}

impl PolicyCache {
    /// The current policy.
    pub async fn get(
        &self,
        db: &Database,
        settings: &FederationSettings,
    ) -> Result<Arc<Policy>, DbError> {
        if let Some((at, policy)) = self.loaded.read().ok().and_then(|l| l.clone())
            && at.elapsed() < POLICY_TTL
        {
            return Ok(policy);
        }
        let settings = settings.clone();
        let policy = Arc::new(db.read(move |conn| Policy::load(conn, &settings)).await?);
        if let Ok(mut loaded) = self.loaded.write() {
            *loaded = Some((Instant::now(), policy.clone()));
        }
        Ok(policy)
    }

    /// Forgets the loaded policy, so the next use reads the database.
    pub(crate) fn invalidate(&self) {
        if let Ok(mut loaded) = self.loaded.write() {
            *loaded = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(closed: bool) -> Policy {
        Policy {
            closed,
            peers: vec!["beta.corp.example".into(), "localhost:8443".into()],
            blocked: vec!["bad.example".into()],
        }
    }

    #[test]
    fn blocks_cover_subdomains_and_win_over_peers() {
        let open = policy(false);
        for host in ["bad.example", "social.bad.example", "BAD.example."] {
            assert!(open.is_blocked(host), "{host}");
            assert!(
                matches!(open.admits(host), Err(Refusal::Blocked(_))),
                "{host}"
            );
        }
        assert!(!open.is_blocked("notbad.example"));
        assert!(open.admits("notbad.example:8443").is_ok());
        let mut closed = policy(true);
        closed.peers.push("bad.example".into());
        assert!(!closed.is_peer("bad.example"));
    }

    #[test]
    fn allowlist_admits_peers_only_on_their_port() {
        let closed = policy(true);
        assert!(closed.admits("beta.corp.example").is_ok());
        assert!(closed.admits("localhost:8443").is_ok());
        assert!(matches!(
            closed.admits("localhost:9000"),
            Err(Refusal::NotAPeer(_))
        ));
        assert!(matches!(
            closed.admits("outsider.example"),
            Err(Refusal::NotAPeer(_))
        ));
        assert!(closed.is_peer_host("localhost"));
        assert!(!closed.is_peer_host("outsider.example"));
        let url = Url::parse("https://Beta.Corp.Example/users/ann").expect("url");
        assert!(closed.admits_url(&url).is_ok());
    }
}
