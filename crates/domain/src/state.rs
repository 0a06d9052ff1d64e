//! The one application state passed down to every layer: no globals.

use std::sync::Arc;

use activitypub_federation::config::Data;

use crate::media_proxy::MediaProxyKey;
use crate::services::event_hub::EventHub;
use crate::services::federation_policy::{Policy, PolicyCache};
use crate::services::key_source::KeySource;
use crate::services::login_limits::LoginLimits;
use crate::urls::Urls;
use trellis_config::Config;
use trellis_storage::Database;
use trellis_storage::ids::IdGenerator;
use trellis_storage::models::{Account, Post};
use url::Url;

/// Request data handed to everything that may need a remote lookup: the state, with
/// activitypub_federation's per-request fetch budget.
pub type FedData = Data<AppState>;

/// Shared handles of a running instance (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    db: Database,
    urls: Urls,
    ids: IdGenerator,
    remote: Arc<dyn RemoteLookup>,
    delivery_wake: Arc<tokio::sync::Notify>,
    events: EventHub,
    login_limits: LoginLimits,
    keys: KeySource,
    policy: PolicyCache,
    media: trellis_media::MediaStore,
    media_proxy_key: std::sync::OnceLock<MediaProxyKey>,
}

impl AppState {
    /// Bundles a validated configuration with an opened database and the way to reach other
    /// servers (the binary installs the federation crate's lookup).
    pub fn new(
        config: Config,
        db: Database,
        remote: Arc<dyn RemoteLookup>,
        media: trellis_media::MediaStore,
    ) -> Self {
        let urls = Urls::new(&config);
        Self {
            inner: Arc::new(Inner {
                remote,
                delivery_wake: Arc::new(tokio::sync::Notify::new()),
                events: EventHub::new(),
                login_limits: LoginLimits::new(&config.limits),
                keys: KeySource::new(config.test_key_pool.as_deref()),
                config,
                db,
                urls,
                ids: IdGenerator::new(),
                policy: PolicyCache::default(),
                media,
                media_proxy_key: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Where media files are kept.
    pub fn media(&self) -> &trellis_media::MediaStore {
        &self.inner.media
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The database pools.
    pub fn db(&self) -> &Database {
        &self.inner.db
    }

    /// URL builder for this instance.
    pub fn urls(&self) -> &Urls {
        &self.inner.urls
    }

    /// Finds actors and posts on other servers.
    pub fn remote(&self) -> &dyn RemoteLookup {
        self.inner.remote.as_ref()
    }

    /// Wakes the delivery worker after new deliveries were committed.
    pub fn wake_delivery(&self) {
        self.inner.delivery_wake.notify_one();
    }

    /// What the delivery worker waits on.
    pub fn delivery_wake(&self) -> Arc<tokio::sync::Notify> {
        self.inner.delivery_wake.clone()
    }

    /// Identifier generator.
    pub fn ids(&self) -> &IdGenerator {
        &self.inner.ids
    }

    /// The counters of failed sign-ins.
    pub fn login_limits(&self) -> &LoginLimits {
        &self.inner.login_limits
    }

    /// Where new actors' key pairs come from.
    pub fn keys(&self) -> &KeySource {
        &self.inner.keys
    }

    /// Whom the instance federates with now (peers and blocks change at run time).
    pub async fn federation_policy(&self) -> Result<Arc<Policy>, trellis_storage::DbError> {
        self.inner
            .policy
            .get(&self.inner.db, &self.inner.config.federation)
            .await
    }

    /// Makes the next [`AppState::federation_policy`] read the database (after a change).
    pub(crate) fn federation_policy_changed(&self) {
        self.inner.policy.invalidate();
    }

    /// The URL readers load `url` from: through the media proxy for another server's file.
    pub fn proxied_url(&self, url: &str) -> String {
        crate::media_proxy::proxied_url(self.urls(), self.media_proxy_key(), url)
    }

    /// The key that signs media proxy URLs, once the instance actor is known
    /// (`instance_actor::ensure` sets it).
    pub fn media_proxy_key(&self) -> Option<&MediaProxyKey> {
        self.inner.media_proxy_key.get()
    }

    /// Derives the media proxy key from the instance actor's private key (the first call wins:
    /// the instance actor's key never changes).
    pub(crate) fn set_media_proxy_secret(&self, private_key_pem: &str) {
        let _ = self
            .inner
            .media_proxy_key
            .set(MediaProxyKey::derive(private_key_pem));
    }

    /// The streaming broadcast: events read by the tailer, sent to this process's connections.
    pub fn events(&self) -> &EventHub {
        &self.inner.events
    }
}

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
