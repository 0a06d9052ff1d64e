//! What the domain needs from other servers, as a trait: the federation crate implements it
//! (WebFinger, fetching and storing remote actors and posts) and the binary installs it in
//! [`AppState`](crate::state::AppState) at start-up.

use url::Url;

use trellis_storage::models::{Account, Post};

use crate::state::FedData;

/// Why a remote lookup found nothing (the message says what failed).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LookupError(pub String);

/// Finds actors and posts on other servers, storing what it fetched.
#[async_trait::async_trait]
pub trait RemoteLookup: Send + Sync {
    /// The actor whose id is `url` (fetched and stored, or refreshed, when remote).
    async fn actor_by_url(&self, data: &FedData, url: Url) -> Result<Account, LookupError>;
    /// The remote actor `user@domain`, found over WebFinger.
    async fn account_by_handle(&self, data: &FedData, handle: &str)
    -> Result<Account, LookupError>;
    /// The post whose id is `url` (fetched with its thread parents when remote).
    async fn object_by_url(&self, data: &FedData, url: Url) -> Result<Post, LookupError>;
}
