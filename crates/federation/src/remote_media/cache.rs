//! The cache folder (`TRELLIS_MEDIA_CACHE_DIR`) and its rows: where a fetched file is kept,
//! and the expiry the periodic maintenance runs.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use trellis_domain::state::AppState;
use trellis_storage::models::remote_media::RemoteMedia;

use crate::error::FederationError;

/// Rows expired per statement.
const EXPIRE_BATCH: i64 = 500;
/// Most batches per maintenance pass; anything left waits for the next pass.
const EXPIRE_MAX_BATCHES: usize = 20;

/// The name a fetch of `url` is kept under: a hash of the URL (so names say nothing of it)
/// and the fetch's own id (so a refetch never overwrites a file an expiry is removing).
pub(crate) fn cache_key(url: &str, fetch_id: i64) -> String {
    let hash = Sha256::digest(url.as_bytes());
    let hex: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}-{fetch_id:x}")
}

/// Where the file of `cache_key` lives: two levels of folders by the key's first characters,
/// so no folder grows too large.
pub(crate) fn path_of(dir: &Path, cache_key: &str) -> PathBuf {
    let (a, rest) = cache_key.split_at(2.min(cache_key.len()));
    let b = &rest[..2.min(rest.len())];
    dir.join(a).join(b).join(cache_key)
}

/// Writes `bytes` as the file of `cache_key`, through a temporary file renamed into place, so
/// a reader never sees half a file.
pub(crate) async fn write(dir: &Path, cache_key: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = path_of(dir, cache_key);
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    let partial = path.with_extension("partial");
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await
}

/// Removes the file of `cache_key`; a file already gone is fine.
pub(crate) async fn remove(dir: &Path, cache_key: &str) {
    match tokio::fs::remove_file(path_of(dir, cache_key)).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(error = %e, cache_key, "could not remove a cached remote file"),
    }
}

/// Removes the files fetched more than `TRELLIS_REMOTE_MEDIA_TTL` before `now` and their rows,
/// in batches; returns how many were removed. Run by the delivery worker's maintenance.
pub async fn expire(state: &AppState, now: NaiveDateTime) -> Result<usize, FederationError> {
    let settings = &state.config().remote_media;
    let ttl = chrono::TimeDelta::from_std(settings.ttl).unwrap_or(chrono::TimeDelta::MAX);
    let before = now - ttl;
    let mut removed = 0;
    for _ in 0..EXPIRE_MAX_BATCHES {
        let rows = state
            .db()
            .read(move |conn| RemoteMedia::fetched_before(conn, before, EXPIRE_BATCH))
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        removed += state
            .db()
            .write(move |conn| RemoteMedia::delete_fetched_before(conn, &ids, before))
            .await?;
        // A row fetched again meanwhile has a new key: the old file goes either way.
        for row in &rows {
            remove(&settings.cache_dir, &row.cache_key).await;
        }
        if (rows.len() as i64) < EXPIRE_BATCH {
            break;
        }
    }
    Ok(removed)
}

/// A cache file that could not be written or read.
pub(crate) fn io_error(err: std::io::Error) -> FederationError {
    FederationError::Fetch(format!("the media cache: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_paths() {
        let key = cache_key("https://social.example/a.png", 255);
        assert!(key.ends_with("-ff"), "{key}");
        assert!(!key.contains("social"));
        assert_ne!(key, cache_key("https://social.example/a.png", 256));
        let path = path_of(Path::new("/cache"), &key);
        assert_eq!(
            path,
            Path::new("/cache")
                .join(&key[..2])
                .join(&key[2..4])
                .join(&key)
        );
    }
}
