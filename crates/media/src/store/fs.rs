//! Files in a folder: each key is a relative path below it. Writes go to a temporary file
//! that is renamed into place, so a reader never sees half a file.

use std::path::PathBuf;

use bytes::Bytes;
use tokio_util::io::ReaderStream;

use super::{StoredObject, content_type_of};
use crate::error::StoreError;

/// A folder of media files.
#[derive(Clone, Debug)]
pub(super) struct FsStore {
    dir: PathBuf,
}

impl FsStore {
    pub(super) fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub(super) async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        let path = self.dir.join(key);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        let temporary = path.with_extension(format!("part{}", rand::random::<u32>()));
        tokio::fs::write(&temporary, &bytes).await?;
        if let Err(e) = tokio::fs::rename(&temporary, &path).await {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(e.into());
        }
        Ok(())
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<StoredObject>, StoreError> {
        let file = match tokio::fs::File::open(self.dir.join(key)).await {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let length = file.metadata().await?.len();
        Ok(Some(StoredObject {
            content_type: content_type_of(key),
            length: Some(length),
            body: Box::pin(ReaderStream::new(file)),
        }))
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match tokio::fs::remove_file(self.dir.join(key)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
