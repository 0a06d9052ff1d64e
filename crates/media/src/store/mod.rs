//! Where media files are kept: a folder ([`fs`]) or an S3-compatible bucket ([`s3`]), behind
//! one [`MediaStore`] with `put`, `get` and `delete` by key.

mod fs;
mod s3;

use std::pin::Pin;

use bytes::Bytes;
use futures_util::Stream;
use trellis_config::{MediaSettings, MediaStorage};
use url::Url;

use crate::error::StoreError;
use crate::keys;

/// The bytes of a stored file, read as they arrive.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// A stored file being read.
pub struct StoredObject {
    /// The MIME type it was stored with.
    pub content_type: String,
    /// Its size in bytes, when known.
    pub length: Option<u64>,
    /// Its bytes.
    pub body: ByteStream,
}

/// The media file store of an instance.
#[derive(Clone, Debug)]
pub struct MediaStore {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Fs(fs::FsStore),
    S3(Box<s3::S3Store>),
}

impl MediaStore {
    /// The store the settings name (a folder is created on first write).
    pub fn from_settings(settings: &MediaSettings) -> Result<Self, StoreError> {
        let backend = match &settings.storage {
            MediaStorage::Fs { dir } => Backend::Fs(fs::FsStore::new(dir.clone())),
            MediaStorage::S3(s3) => Backend::S3(Box::new(s3::S3Store::new(s3)?)),
        };
        Ok(Self { backend })
    }

    /// Stores `bytes` under `key`, replacing what was there.
    pub async fn put(&self, key: &str, bytes: Bytes, content_type: &str) -> Result<(), StoreError> {
        check(key)?;
        match &self.backend {
            Backend::Fs(store) => store.put(key, bytes).await,
            Backend::S3(store) => store.put(key, bytes, content_type).await,
        }
    }

    /// The file under `key`, or `None` when there is none.
    pub async fn get(&self, key: &str) -> Result<Option<StoredObject>, StoreError> {
        check(key)?;
        match &self.backend {
            Backend::Fs(store) => store.get(key).await,
            Backend::S3(store) => store.get(key).await,
        }
    }

    /// Removes the file under `key`; a missing file is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        check(key)?;
        match &self.backend {
            Backend::Fs(store) => store.delete(key).await,
            Backend::S3(store) => store.delete(key).await,
        }
    }

    /// Where readers load `key` from directly, when the store has a public address of its
    /// own; `None` means the instance serves it (`/media/KEY`).
    pub fn public_url(&self, key: &str) -> Option<Url> {
        match &self.backend {
            Backend::Fs(_) => None,
            Backend::S3(store) => store.public_url(key),
        }
    }
}

fn check(key: &str) -> Result<(), StoreError> {
    if keys::is_valid(key) {
        Ok(())
    } else {
        Err(StoreError::InvalidKey(key.to_string()))
    }
}

/// The MIME type of a key, from its extension.
pub(crate) fn content_type_of(key: &str) -> String {
    keys::file_type_of(key)
        .map(|t| t.content_type())
        .unwrap_or("application/octet-stream")
        .to_string()
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt;
    use trellis_config::{MediaSettings, MediaStorage};

    use super::*;

    #[tokio::test]
    async fn the_folder_store_puts_gets_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let settings = MediaSettings {
            max_image_bytes: 1024,
            max_file_bytes: 1024,
            max_pixels: 1024,
            resize_pixels: 1024,
            unattached_max_age: std::time::Duration::from_secs(60),
            storage: MediaStorage::Fs {
                dir: dir.path().to_path_buf(),
            },
        };
        let store = MediaStore::from_settings(&settings).unwrap();
        store
            .put(
                "ab/abc.pdf",
                Bytes::from_static(b"%PDF-1"),
                "application/pdf",
            )
            .await
            .unwrap();
        let object = store.get("ab/abc.pdf").await.unwrap().unwrap();
        assert_eq!(object.content_type, "application/pdf");
        assert_eq!(object.length, Some(6));
        let bytes: Vec<Bytes> = object.body.try_collect().await.unwrap();
        assert_eq!(bytes.concat(), b"%PDF-1");
        store.delete("ab/abc.pdf").await.unwrap();
        assert!(store.get("ab/abc.pdf").await.unwrap().is_none());
        store.delete("ab/abc.pdf").await.unwrap();
        assert!(store.get("../escape.pdf").await.is_err());
        assert!(store.public_url("ab/abc.pdf").is_none());
    }
}
