//! The guard on outgoing requests. Unless `allow_http` is set (development and tests), the
//! federation HTTP client only talks `https` to public addresses: [`AddressGuard`] checks the
//! URL of every request before it is sent (scheme, and the address when the host is an IP
//! literal, which never goes through DNS), and [`GuardedResolver`] checks every address a name
//! resolves to, which are the addresses the client connects to (so DNS rebinding gains
//! nothing). Redirects are not followed (see `context::http_client`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::http::Extensions;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest_middleware::{Middleware, Next};
use url::{Host, Url};

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

/// Checks a URL before a request is sent: `https` (or `http` when `allow_http`), and, unless
/// `allow_http`, a host that is not an internal IP literal. Names are checked when they
/// resolve ([`GuardedResolver`]).
pub(crate) fn check_url(url: &Url, allow_http: bool) -> Result<(), OutboundError> {
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        _ => return Err(OutboundError::Scheme(url.to_string())),
    }
    let host = url
        .host()
        .ok_or_else(|| OutboundError::NoHost(url.to_string()))?;
    if allow_http {
        return Ok(());
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
    /// `allow_http` from the configuration.
    pub allow_http: bool,
}

#[async_trait::async_trait]
impl Middleware for AddressGuard {
    async fn handle(
        &self,
        request: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        check_url(request.url(), self.allow_http).map_err(reqwest_middleware::Error::middleware)?;
        next.run(request, extensions).await
    }
}

/// A DNS resolver that refuses names resolving to any internal address.
pub(crate) struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().trim_end_matches('.').to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
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

    #[test]
    fn urls_are_checked_before_sending() {
        assert!(check_url(&url("https://social.example/inbox"), false).is_ok());
        assert!(check_url(&url("https://93.184.216.34/inbox"), false).is_ok());
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
            assert!(check_url(&url(bad), false).is_err(), "{bad}");
        }
        // Development and tests: http and local addresses, but still only web URLs.
        assert!(check_url(&url("http://127.0.0.1:18399/x"), true).is_ok());
        assert!(check_url(&url("file:///etc/passwd"), true).is_err());
    }
}
