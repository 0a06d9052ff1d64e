//! Files in an S3-compatible bucket, through presigned requests (`rusty-s3` signs, the
//! instance's `reqwest` sends). The secret key lives only in the signing credentials.

use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use trellis_config::S3Settings;
use url::Url;

use super::{StoredObject, content_type_of};
use crate::error::StoreError;

/// How long a signed request stays valid.
const SIGNATURE_LIFETIME: Duration = Duration::from_secs(300);
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// A bucket of media files.
#[derive(Clone)]
pub(super) struct S3Store {
    bucket: Bucket,
    credentials: Credentials,
    client: reqwest::Client,
    public_base_url: Option<Url>,
}

impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("bucket", &self.bucket.name())
            .field("base_url", &self.bucket.base_url().as_str())
            .finish_non_exhaustive()
    }
}

fn s3_error(what: impl std::fmt::Display) -> StoreError {
    StoreError::S3(what.to_string())
}

impl S3Store {
    pub(super) fn new(settings: &S3Settings) -> Result<Self, StoreError> {
        let style = if settings.path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let bucket = Bucket::new(
            settings.endpoint.clone(),
            style,
            settings.bucket.clone(),
            settings.region.clone(),
        )
        .map_err(s3_error)?;
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(s3_error)?;
        Ok(Self {
            bucket,
            credentials: Credentials::new(
                settings.access_key.clone(),
                settings.secret_key.expose().to_string(),
            ),
            client,
            public_base_url: settings.public_base_url.clone(),
        })
    }

    pub(super) async fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
    ) -> Result<(), StoreError> {
        let url = self
            .bucket
            .put_object(Some(&self.credentials), key)
            .sign(SIGNATURE_LIFETIME);
        let response = self
            .client
            .put(url)
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .map_err(s3_error)?;
        if !response.status().is_success() {
            return Err(s3_error(format!(
                "PUT {key} answered {}",
                response.status()
            )));
        }
        Ok(())
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<StoredObject>, StoreError> {
        let url = self
            .bucket
            .get_object(Some(&self.credentials), key)
            .sign(SIGNATURE_LIFETIME);
        let response = self.client.get(url).send().await.map_err(s3_error)?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(s3_error(format!(
                "GET {key} answered {}",
                response.status()
            )));
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .unwrap_or_else(|| content_type_of(key));
        let length = response.content_length();
        let body = response.bytes_stream().map_err(std::io::Error::other);
        Ok(Some(StoredObject {
            content_type,
            length,
            body: Box::pin(body),
        }))
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let url = self
            .bucket
            .delete_object(Some(&self.credentials), key)
            .sign(SIGNATURE_LIFETIME);
        let response = self.client.delete(url).send().await.map_err(s3_error)?;
        let status = response.status();
        if status.is_success() || status == reqwest::StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(s3_error(format!("DELETE {key} answered {status}")))
        }
    }

    pub(super) fn public_url(&self, key: &str) -> Option<Url> {
        self.public_base_url
            .as_ref()
            .and_then(|base| base.join(key).ok())
    }
}
