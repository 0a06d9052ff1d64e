//! The one application state passed down to every layer: no globals.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Database;
use crate::ids::IdGenerator;
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
}

impl AppState {
    /// Bundles a validated configuration with an opened database.
    pub fn new(config: Config, db: Database) -> Self {
        let urls = Urls::new(&config);
        Self {
            inner: Arc::new(Inner {
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

    /// Identifier generator.
    pub fn ids(&self) -> &IdGenerator {
        &self.inner.ids
    }
}
