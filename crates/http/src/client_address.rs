//! The address of the client behind a request: the connection's peer address, or, when
//! `TRELLIS_TRUST_FORWARDED_FOR` says a reverse proxy sits in front, the last address of
//! `X-Forwarded-For` (the one that proxy added; earlier entries are whatever the client
//! wrote).

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};

use trellis_domain::state::AppState;

/// The client's address, when it is known.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientAddress(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Self(client_address(
            &parts.headers,
            &parts.extensions,
            state.config().limits.trust_forwarded_for,
        )))
    }
}

/// The client's address from a request's headers and extensions (see the module).
pub(crate) fn client_address(
    headers: &HeaderMap,
    extensions: &Extensions,
    trust_forwarded_for: bool,
) -> Option<IpAddr> {
    if trust_forwarded_for && let Some(forwarded) = forwarded_for(headers) {
        return Some(forwarded);
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip())
}

/// The last address of the last `X-Forwarded-For` header.
fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().next_back()?;
    let entry = last.to_str().ok()?.rsplit(',').next()?.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(forwarded: Option<&str>) -> (HeaderMap, Extensions) {
        let mut headers = HeaderMap::new();
        if let Some(value) = forwarded {
            headers.insert("x-forwarded-for", value.parse().unwrap());
        }
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 4000))));
        (headers, extensions)
    }

    #[test]
    fn the_proxy_header_counts_only_when_trusted() {
        let (headers, extensions) = request(Some("203.0.113.9, 198.51.100.7"));
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(client_address(&headers, &extensions, false), Some(peer));
        assert_eq!(
            client_address(&headers, &extensions, true),
            Some("198.51.100.7".parse().unwrap())
        );
        let (headers, extensions) = request(Some("garbage"));
        assert_eq!(client_address(&headers, &extensions, true), Some(peer));
        assert_eq!(client_address(&headers, &Extensions::new(), false), None);
    }
}
