//! The media proxy's fetching side: another server's file, fetched once through the guarded
//! federation client ([`crate::outbound`]), kept in the cache folder with a `remote_media` row,
//! served from there until `TRELLIS_REMOTE_MEDIA_TTL` has passed, then fetched again (and
//! removed by the maintenance, [`cache::expire`]).
//!
//! Concurrent requests for one URL wait for the one fetch under way instead of fetching it
//! again, and at most [`MAX_FETCHES`] files are downloaded at once.

pub mod cache;
mod fetch;
mod sniff;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use reqwest_middleware::ClientWithMiddleware;
use tokio::sync::{OnceCell, Semaphore};

use trellis_domain::outbound::delivery::now;
use trellis_domain::state::AppState;
use trellis_storage::models::remote_media::RemoteMedia;

use crate::context::guarded_client;
use crate::error::FederationError;

/// Downloads under way at once, whatever their URLs.
const MAX_FETCHES: usize = 8;

/// A cached remote file, ready to serve.
#[derive(Clone, Debug)]
pub struct CachedMedia {
    /// Where the bytes are.
    pub path: PathBuf,
    /// The type sniffed from them.
    pub content_type: String,
    /// Bytes.
    pub size: u64,
}

/// Fetches and caches other servers' files for the media proxy (one per serving instance).
pub struct RemoteMediaCache {
    state: AppState,
    client: OnceCell<ClientWithMiddleware>,
    in_flight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    downloads: Semaphore,
}

impl RemoteMediaCache {
    /// The cache of an instance; its client is built on first use.
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            client: OnceCell::new(),
            in_flight: Mutex::new(HashMap::new()),
            downloads: Semaphore::new(MAX_FETCHES),
        }
    }

    /// The file of `url`: from the cache while it is fresh, otherwise fetched (once, however
    /// many readers ask at the same time) and cached.
    pub async fn get(&self, url: &str) -> Result<CachedMedia, FederationError> {
        if let Some(hit) = self.fresh(url).await? {
            return Ok(hit);
        }
        let lock = self
            .in_flight
            .lock()
            .expect("in-flight map")
            .entry(url.to_string())
            .or_default()
            .clone();
        let result = {
            let _only_fetch = lock.lock().await;
            match self.fresh(url).await {
                Ok(Some(hit)) => Ok(hit),
                Ok(None) => self.fetch(url).await,
                Err(e) => Err(e),
            }
        };
        let mut in_flight = self.in_flight.lock().expect("in-flight map");
        // The map and this request hold the lock: nobody else waits for it.
        if Arc::strong_count(&lock) == 2 {
            in_flight.remove(url);
        }
        result
    }

    /// The cached file of `url` when it was fetched within the TTL and is still on disk.
    async fn fresh(&self, url: &str) -> Result<Option<CachedMedia>, FederationError> {
        let settings = &self.state.config().remote_media;
        let key = url.to_string();
        let Some(row) = self
            .state
            .db()
            .read(move |conn| RemoteMedia::find(conn, &key))
            .await?
        else {
            return Ok(None);
        };
        let at = now();
        let ttl = chrono::TimeDelta::from_std(settings.ttl).unwrap_or(chrono::TimeDelta::MAX);
        if row.fetched_at + ttl <= at {
            return Ok(None);
        }
        let path = cache::path_of(&settings.cache_dir, &row.cache_key);
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(None);
        }
        if row.last_used_at + RemoteMedia::TOUCH_EVERY <= at {
            let id = row.id;
            self.state
                .db()
                .write(move |conn| RemoteMedia::touch(conn, id, at))
                .await?;
        }
        Ok(Some(CachedMedia {
            path,
            content_type: row.content_type,
            size: row.size as u64,
        }))
    }

    /// Downloads `url`, writes its file and records it, replacing an earlier fetch.
    async fn fetch(&self, url: &str) -> Result<CachedMedia, FederationError> {
        let settings = &self.state.config().remote_media;
        let client = self
            .client
            .get_or_try_init(|| async { guarded_client(&self.state, settings.timeout) })
            .await?;
        let downloaded = {
            let _slot = self
                .downloads
                .acquire()
                .await
                .map_err(|e| FederationError::Fetch(e.to_string()))?;
            fetch::download(client, url, settings.max_bytes).await?
        };
        let fetch_id = self.state.ids().next_id();
        let cache_key = cache::cache_key(url, fetch_id);
        cache::write(&settings.cache_dir, &cache_key, &downloaded.bytes)
            .await
            .map_err(cache::io_error)?;
        let at = now();
        let row = RemoteMedia {
            id: fetch_id,
            url: url.to_string(),
            cache_key: cache_key.clone(),
            content_type: downloaded.content_type.to_string(),
            size: downloaded.bytes.len() as i64,
            fetched_at: at,
            last_used_at: at,
        };
        let key = url.to_string();
        let earlier = self
            .state
            .db()
            .write(move |conn| {
                let earlier = RemoteMedia::find(conn, &key)?;
                RemoteMedia::upsert(conn, &row)?;
                Ok(earlier)
            })
            .await?;
        if let Some(earlier) = earlier {
            cache::remove(&settings.cache_dir, &earlier.cache_key).await;
        }
        Ok(CachedMedia {
            path: cache::path_of(&settings.cache_dir, &cache_key),
            content_type: downloaded.content_type.to_string(),
            size: downloaded.bytes.len() as u64,
        })
    }
}
