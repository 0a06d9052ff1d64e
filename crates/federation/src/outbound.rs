//! The guard on outgoing requests. Every request of the federation client goes through
//! [`AddressGuard`], which checks its URL before it is sent:
//! - the federation policy (`services::federation_policy`): never to a blocked domain, and in
//!   `allowlist` mode only to peers;
//! - `https` only (`http` too with `allow_http`, for development and tests);
//! - unless `allow_http`, no internal address: an IP literal is checked here (it never goes
//!   through DNS), and [`GuardedResolver`] checks every address a name resolves to, which are
//!   the addresses the client connects to (so DNS rebinding gains nothing).
//!
//! The organisation's peers are the exception: they may sit on private or loopback addresses
//! and non-default ports, so a peer's name may resolve to an internal address, and a peer's IP
//! literal may be internal. A peer's host is reached on the peer's port only, so the exception
//! opens no other service on that host. Redirects are not followed (see
//! `context::http_client`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::http::Extensions;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest_middleware::{Middleware, Next};
use url::{Host, Url};

use trellis_domain::services::federation_policy::{Policy, Refusal, host_of};
use trellis_domain::state::AppState;
use trellis_domain::urls::Urls;

/// Why an outgoing request was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OutboundError {
    /// Only `https` (and `http` with `allow_http`) is spoken.
    #[error("refused to send to {0}: only https URLs are allowed")]
    Scheme(String),
    /// The URL has no host.
    #[error("refused to send to {0}: the URL has no host")]
    NoHost(String),
    /// The address is loopback, private, link-local, unique-local, multicast or unspecified.
    #[error("refused to connect to the internal address {0}")]
    Internal(IpAddr),
    /// The federation policy refuses the server.
    #[error("refused to send to {0}")]
    Policy(#[from] Refusal),
    /// A peer's host on another port than the peer's.
    #[error("refused to send to {0}: a peer's host is reached on the peer's port only")]
    PeerHostOtherPort(String),
    /// The federation policy could not be read.
    #[error("refused to send: the federation policy cannot be read ({0})")]
    PolicyUnavailable(String),
}

/// True for addresses outgoing requests must never reach: loopback, private (RFC 1918),
/// carrier-grade NAT, link-local, unique-local, multicast, unspecified, broadcast, reserved,
/// documentation, and IPv6 forms that embed an IPv4 address (checked as that address).
pub(crate) fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_is_internal(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_is_internal(v4),
            None => v6_is_internal(v6),
        },
    }
}

fn v4_is_internal(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_multicast()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (b & 0xc0) == 0x40)
        || (a == 198 && (b & 0xfe) == 18)
        || a >= 240
}

fn v6_is_internal(v6: Ipv6Addr) -> bool {
    let segments = v6.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its low 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        return v4_is_internal(Ipv4Addr::new(a, b, c, d));
    }
    v6.is_loopback()
        || v6.is_unspecified()
        || v6.is_multicast()
        || v6.is_unique_local()
        || v6.is_unicast_link_local()
        // IPv4-compatible (::/96), 6to4, documentation, site-local
        || segments[..6] == [0, 0, 0, 0, 0, 0]
        || segments[0] == 0x2002
        || segments[..2] == [0x2001, 0xdb8]
        || (segments[0] & 0xffc0) == 0xfec0
}

/// Checks a URL before a request is sent: the policy admits its server, `https` (or `http`
/// when `allow_http`), and, unless `allow_http` or the server is a peer, a host that is not an
/// internal IP literal nor a peer's host on another port. Names are checked when they resolve
/// ([`GuardedResolver`]).
pub(crate) fn check_url(url: &Url, allow_http: bool, policy: &Policy) -> Result<(), OutboundError> {
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        _ => return Err(OutboundError::Scheme(url.to_string())),
    }
    let host = url
        .host()
        .ok_or_else(|| OutboundError::NoHost(url.to_string()))?;
    let authority = Urls::authority(url).ok_or_else(|| OutboundError::NoHost(url.to_string()))?;
    policy.admits(&authority)?;
    if allow_http || policy.is_peer(&authority) {
        return Ok(());
    }
    if policy.is_peer_host(host_of(&authority)) {
        return Err(OutboundError::PeerHostOtherPort(authority));
    }
    let ip = match host {
        Host::Ipv4(v4) => IpAddr::V4(v4),
        Host::Ipv6(v6) => IpAddr::V6(v6),
        Host::Domain(_) => return Ok(()),
    };
    if is_internal(ip) {
        return Err(OutboundError::Internal(ip));
    }
    Ok(())
}

/// The middleware every request of the federation client goes through: [`check_url`].
pub(crate) struct AddressGuard {
    /// The instance: its configuration and federation policy.
    pub state: AppState,
}

#[async_trait::async_trait]
impl Middleware for AddressGuard {
    async fn handle(
        &self,
        request: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let policy = self.state.federation_policy().await.map_err(|e| {
            reqwest_middleware::Error::middleware(OutboundError::PolicyUnavailable(e.to_string()))
        })?;
        check_url(request.url(), self.state.config().allow_http, &policy)
            .map_err(reqwest_middleware::Error::middleware)?;
        next.run(request, extensions).await
    }
}

/// A DNS resolver that refuses names resolving to any internal address, except the names of
/// peers ([`AddressGuard`] has already held those to the peer's port).
pub(crate) struct GuardedResolver {
    /// The instance: its federation policy.
    pub state: AppState,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().trim_end_matches('.').to_string();
        let state = self.state.clone();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let policy = state.federation_policy().await?;
            if policy.is_peer_host(&host) {
                let addrs: Addrs = Box::new(addrs.into_iter());
                return Ok(addrs);
            }
            if let Some(bad) = addrs.iter().find(|a| is_internal(a.ip())) {
                return Err(Box::new(OutboundError::Internal(bad.ip()))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn internal_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::7f00:1",
        ] {
            assert!(is_internal(ip.parse().expect("ip")), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "64:ff9b::5db8:d822",
        ] {
            assert!(!is_internal(ip.parse().expect("ip")), "{ip}");
        }
    }

    fn open() -> Policy {
        Policy::default()
    }

    #[test]
    fn urls_are_checked_before_sending() {
        let open = open();
        assert!(check_url(&url("https://social.example/inbox"), false, &open).is_ok());
        assert!(check_url(&url("https://93.184.216.34/inbox"), false, &open).is_ok());
        for bad in [
            "http://social.example/inbox",
            "https://127.0.0.1:18399/admin/hook",
            "https://[::1]/x",
            "https://[::ffff:7f00:1]/x",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.5/x",
            "ftp://social.example/x",
            "javascript:alert(1)",
        ] {
            assert!(check_url(&url(bad), false, &open).is_err(), "{bad}");
        }
        // Development and tests: http and local addresses, but still only web URLs.
        assert!(check_url(&url("http://127.0.0.1:18399/x"), true, &open).is_ok());
        assert!(check_url(&url("file:///etc/passwd"), true, &open).is_err());
    }

    #[test]
    fn peers_may_be_internal_on_their_port_only() {
        let peers = vec!["localhost:8443".to_string(), "10.1.2.3:9443".to_string()];
        for closed in [false, true] {
            let policy = Policy::new(closed, peers.clone(), vec!["blocked.example".into()]);
            assert!(check_url(&url("https://localhost:8443/inbox"), false, &policy).is_ok());
            assert!(check_url(&url("https://10.1.2.3:9443/inbox"), false, &policy).is_ok());
            for refused in [
                "https://localhost:8444/inbox",
                "https://localhost/inbox",
                "https://10.1.2.3:9444/inbox",
                "https://127.0.0.1:8443/inbox",
                "https://blocked.example/inbox",
                "https://www.blocked.example/inbox",
                "http://localhost:8443/inbox",
            ] {
                assert!(
                    check_url(&url(refused), false, &policy).is_err(),
                    "{refused} (closed: {closed})"
                );
            }
            assert_eq!(
                check_url(&url("https://social.example/inbox"), false, &policy).is_ok(),
                !closed
            );
        }
    }
}
