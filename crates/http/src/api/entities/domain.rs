//! Mastodon's entities of blocked and allowed domains: `Admin::DomainBlock`,
//! `Admin::DomainAllow` and the public `DomainBlock` of `/api/v1/instance/domain_blocks`.
//! Trellis blocks a domain in one way, Mastodon's `suspend`; its one reason is both comments.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::datetime;
use trellis_storage::models::domain_block::DomainBlock;
use trellis_storage::models::federation_peer::FederationPeer;

/// The only severity Trellis has: nothing is exchanged with the domain.
pub(crate) const SUSPEND: &str = "suspend";

/// The SHA-256 of a domain, in lower-case hex (how Mastodon lets clients check an
/// obfuscated domain).
pub(crate) fn digest(domain: &str) -> String {
    format!("{:x}", Sha256::digest(domain.as_bytes()))
}

/// `Admin::DomainBlock`; the id is the domain.
#[derive(Debug, Serialize)]
pub(crate) struct AdminDomainBlockEntity {
    id: String,
    domain: String,
    digest: String,
    created_at: String,
    severity: &'static str,
    reject_media: bool,
    reject_reports: bool,
    private_comment: Option<String>,
    public_comment: Option<String>,
    obfuscate: bool,
}

impl From<&DomainBlock> for AdminDomainBlockEntity {
    fn from(block: &DomainBlock) -> Self {
        Self {
            id: block.domain.clone(),
            domain: block.domain.clone(),
            digest: digest(&block.domain),
            created_at: datetime(block.created_at),
            severity: SUSPEND,
            reject_media: false,
            reject_reports: false,
            private_comment: block.reason.clone(),
            public_comment: block.reason.clone(),
            obfuscate: false,
        }
    }
}

/// `Admin::DomainAllow`; the id is the authority (`host[:port]`).
#[derive(Debug, Serialize)]
pub(crate) struct DomainAllowEntity {
    id: String,
    domain: String,
    created_at: String,
}

impl From<&FederationPeer> for DomainAllowEntity {
    fn from(peer: &FederationPeer) -> Self {
        Self {
            id: peer.authority.clone(),
            domain: peer.authority.clone(),
            created_at: datetime(peer.created_at),
        }
    }
}

/// The public `DomainBlock`: domain, digest, severity and the reason, if any.
#[derive(Debug, Serialize)]
pub(crate) struct DomainBlockEntity {
    domain: String,
    digest: String,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

impl From<&DomainBlock> for DomainBlockEntity {
    fn from(block: &DomainBlock) -> Self {
        Self {
            domain: block.domain.clone(),
            digest: digest(&block.domain),
            severity: SUSPEND,
            comment: block.reason.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_digest_is_the_sha256_of_the_domain_in_hex() {
        assert_eq!(
            super::digest("example.com"),
            "a379a6f6eeafb9a55e378c118034e2751e682fab9f2d30ab13d2125586ce1947"
        );
    }
}
