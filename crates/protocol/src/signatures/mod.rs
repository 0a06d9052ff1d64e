//! HTTP Signatures (draft-cavage, the dialect of Mastodon, Fedify, Lemmy, Pleroma, GoToSocial and
//! Misskey): signing our deliveries and signed fetches, verifying incoming requests.
//!
//! Incoming: [`parse_signature_header`], [`check_request`] (everything that needs no key, the
//! signed `host` included), fetch the key named by [`SignatureHeader::key_id`],
//! [`verify_request`], and for POSTs [`verify_digest`]. Outgoing: [`SigningKey::from_pem`] once,
//! then [`sign_post`] / [`sign_get`] per request. Only RSA PKCS#1 v1.5 with SHA-256 is supported
//! (`algorithm` absent, `rsa-sha256` or `hs2019`); Ed25519 and RFC 9421 are not.
//!
//! Invariant: signer and verifier share one canonicalization (`signing_string.rs`), and nothing
//! here panics on untrusted input.

mod digest;
mod error;
mod header;
mod keys;
mod sign;
mod signing_string;
mod verify;

#[cfg(test)]
mod interop_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod test_support;

pub use digest::{digest_header_value, verify_digest};
pub use error::SignatureError;
pub use header::{MAX_SIGNATURE_HEADER_LEN, SignatureHeader, parse_signature_header};
pub use keys::SigningKey;
pub use sign::{
    GET_SIGNED_HEADERS, POST_SIGNED_HEADERS, path_and_query, sign_get, sign_headers, sign_post,
};
pub use verify::{MAX_CLOCK_SKEW, MAX_SIGNATURE_AGE, OwnHost, check_request, verify_request};
