//! The OpenID Connect relying party: the provider's metadata (discovery) and signing keys,
//! cached; the authorization request with PKCE (S256), state and nonce; the token request;
//! and the checks of the ID token (signature, issuer, audience, authorized party, expiry,
//! nonce). It knows the configuration only: what a verified identity means for a person is
//! the domain's business.

mod client;
mod id_token;
mod keys;
mod metadata;
mod pkce;

pub use client::{AuthorizationRequest, OidcClient};
pub use id_token::{IdTokenClaims, LEEWAY_SECS, verify};
pub use keys::KEY_REFETCH_INTERVAL;
pub use pkce::challenge;

/// Why a sign-in through the provider failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached or answered something unusable.
    #[error("the identity provider: {0}")]
    Provider(String),
    /// The provider refused the token request (an OAuth error answer).
    #[error("the identity provider refused the sign-in: {0}")]
    Refused(String),
    /// The ID token failed a check.
    #[error("the ID token was rejected: {0}")]
    InvalidToken(String),
}
