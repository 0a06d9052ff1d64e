//! The one application state passed down to every layer: no globals.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Database;
use crate::http::limits::InboxLimits;
use crate::ids::IdGenerator;
use crate::services::events::EventHub;
use crate::services::keys::KeySource;
use crate::services::login_limits::LoginLimits;
use crate::urls::Urls;

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
    http: reqwest_middleware::ClientWithMiddleware,
    delivery_wake: Arc<tokio::sync::Notify>,
    events: EventHub,
    login_limits: LoginLimits,
    inbox_limits: InboxLimits,
    keys: KeySource,
}

impl AppState {
    /// Bundles a validated configuration with an opened database.
    pub fn new(config: Config, db: Database) -> Self {
        let urls = Urls::new(&config);
        let http = crate::federation::context::http_client(&config);
        Self {
            inner: Arc::new(Inner {
                http,
                delivery_wake: Arc::new(tokio::sync::Notify::new()),
                events: EventHub::new(),
                login_limits: LoginLimits::new(&config.limits),
                inbox_limits: InboxLimits::new(&config.limits),
                keys: KeySource::new(config.test_key_pool.as_deref()),
                config,
                db,
                urls,
                ids: IdGenerator::new(),
            }),
        }
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

    /// HTTP client for talking to other servers (guarded: see `federation::outbound`).
    pub fn http(&self) -> &reqwest_middleware::ClientWithMiddleware {
        &self.inner.http
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

    /// The limits on inbound inbox requests.
    pub fn inbox_limits(&self) -> &InboxLimits {
        &self.inner.inbox_limits
    }

    /// Where new actors' key pairs come from.
    pub fn keys(&self) -> &KeySource {
        &self.inner.keys
    }

    /// The streaming broadcast: events read by the tailer, sent to this process's connections.
    pub fn events(&self) -> &EventHub {
        &self.inner.events
    }
}
