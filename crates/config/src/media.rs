//! Media settings: upload limits, where files are stored (a folder or S3-compatible object
//! storage) and how long unattached uploads are kept.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;
use url::Url;

use crate::{ConfigError, Secret, invalid, parse_bool, whole_number};

/// Upload limits and storage.
#[derive(Clone, Debug)]
pub struct MediaSettings {
    /// Largest accepted image upload, in bytes.
    pub max_image_bytes: usize,
    /// Largest accepted upload of any other type, in bytes.
    pub max_file_bytes: usize,
    /// Images claiming more pixels than this are refused before they are decoded.
    pub max_pixels: u64,
    /// Stored images are scaled down to at most this many pixels (Mastodon: 3840x2160).
    pub resize_pixels: u64,
    /// Uploads not attached to a post after this long are deleted.
    pub unattached_max_age: std::time::Duration,
    /// Where files are kept.
    pub storage: MediaStorage,
}

impl MediaSettings {
    /// The largest upload of any kind, in bytes.
    pub fn max_upload_bytes(&self) -> usize {
        self.max_image_bytes.max(self.max_file_bytes)
    }
}

/// Where media files are kept.
#[derive(Clone, Debug)]
pub enum MediaStorage {
    /// A folder on the local filesystem.
    Fs {
        /// The folder; created when missing.
        dir: PathBuf,
    },
    /// An S3-compatible bucket.
    S3(Box<S3Settings>),
}

/// An S3-compatible bucket.
#[derive(Clone, Debug)]
pub struct S3Settings {
    /// The service's base URL, e.g. `https://s3.eu-central-1.amazonaws.com`.
    pub endpoint: Url,
    /// The bucket's name.
    pub bucket: String,
    /// The signing region.
    pub region: String,
    /// The access key id.
    pub access_key: String,
    /// The secret access key (never printed).
    pub secret_key: Secret,
    /// Whether the bucket is addressed as `endpoint/bucket` (true) or `bucket.endpoint`.
    pub path_style: bool,
    /// Where readers load files from directly (a CDN or the bucket's public URL); `None` serves
    /// them through the instance at `/media/KEY`.
    pub public_base_url: Option<Url>,
}

/// The `[media]` table of the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileMedia {
    max_image_bytes: Option<u64>,
    max_file_bytes: Option<u64>,
    max_pixels: Option<u64>,
    resize_pixels: Option<u64>,
    unattached_hours: Option<u64>,
    storage: Option<String>,
    dir: Option<PathBuf>,
    s3_endpoint: Option<String>,
    s3_bucket: Option<String>,
    s3_region: Option<String>,
    s3_access_key: Option<String>,
    s3_secret_key: Option<String>,
    s3_path_style: Option<bool>,
    s3_public_url: Option<String>,
}

/// Default largest image upload: 16 MiB, as Mastodon.
pub const DEFAULT_MAX_IMAGE_BYTES: u64 = 16 * 1024 * 1024;
/// Default largest other upload: 40 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 40 * 1024 * 1024;
/// Default decoding limit: 7680x4320 pixels.
pub const DEFAULT_MAX_PIXELS: u64 = 7680 * 4320;
/// Default stored image area: 3840x2160 pixels.
pub const DEFAULT_RESIZE_PIXELS: u64 = 3840 * 2160;

/// Reads and checks the media settings.
pub(crate) fn media_settings(
    file: FileMedia,
    env: &HashMap<String, String>,
) -> Result<MediaSettings, ConfigError> {
    let number = |key: &'static str, from_file: Option<u64>, default: u64, range| {
        whole_number(env, key, from_file, default, range)
    };
    let gib = 1024 * 1024 * 1024;
    let max_image_bytes = number(
        "TRELLIS_MEDIA_MAX_IMAGE_BYTES",
        file.max_image_bytes,
        DEFAULT_MAX_IMAGE_BYTES,
        1024..=gib,
    )? as usize;
    let max_file_bytes = number(
        "TRELLIS_MEDIA_MAX_FILE_BYTES",
        file.max_file_bytes,
        DEFAULT_MAX_FILE_BYTES,
        1024..=gib,
    )? as usize;
    let max_pixels = number(
        "TRELLIS_MEDIA_MAX_PIXELS",
        file.max_pixels,
        DEFAULT_MAX_PIXELS,
        1..=268_435_456,
    )?;
    let resize_pixels = number(
        "TRELLIS_MEDIA_RESIZE_PIXELS",
        file.resize_pixels,
        DEFAULT_RESIZE_PIXELS,
        4096..=268_435_456,
    )?;
    let unattached_max_age = std::time::Duration::from_secs(
        3600 * number(
            "TRELLIS_MEDIA_UNATTACHED_HOURS",
            file.unattached_hours,
            24,
            1..=8760,
        )?,
    );
    let pick = |key: &str, from_file: Option<String>| {
        env.get(key)
            .cloned()
            .or(from_file)
            .filter(|v| !v.trim().is_empty())
    };
    let kind = pick("TRELLIS_MEDIA_STORAGE", file.storage).unwrap_or_else(|| "fs".into());
    let storage = match kind.trim() {
        "fs" => MediaStorage::Fs {
            dir: env
                .get("TRELLIS_MEDIA_DIR")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .or(file.dir)
                .unwrap_or_else(|| PathBuf::from("data/media")),
        },
        "s3" => {
            let required = |key: &'static str, from_file: Option<String>| {
                pick(key, from_file).ok_or_else(|| {
                    invalid(key, "", "must be set when TRELLIS_MEDIA_STORAGE=s3".into())
                })
            };
            let endpoint_text = required("TRELLIS_MEDIA_S3_ENDPOINT", file.s3_endpoint)?;
            let endpoint = http_url("TRELLIS_MEDIA_S3_ENDPOINT", &endpoint_text)?;
            let public_base_url = match pick("TRELLIS_MEDIA_S3_PUBLIC_URL", file.s3_public_url) {
                Some(text) => Some(http_url("TRELLIS_MEDIA_S3_PUBLIC_URL", &text)?),
                None => None,
            };
            let path_style = match env.get("TRELLIS_MEDIA_S3_PATH_STYLE") {
                Some(text) => parse_bool(text).ok_or_else(|| {
                    invalid(
                        "TRELLIS_MEDIA_S3_PATH_STYLE",
                        text,
                        "expected true or false".into(),
                    )
                })?,
                None => file.s3_path_style.unwrap_or(true),
            };
            MediaStorage::S3(Box::new(S3Settings {
                endpoint,
                bucket: required("TRELLIS_MEDIA_S3_BUCKET", file.s3_bucket)?,
                region: pick("TRELLIS_MEDIA_S3_REGION", file.s3_region)
                    .unwrap_or_else(|| "us-east-1".into()),
                access_key: required("TRELLIS_MEDIA_S3_ACCESS_KEY", file.s3_access_key)?,
                secret_key: Secret(
                    pick("TRELLIS_MEDIA_S3_SECRET_KEY", file.s3_secret_key).ok_or_else(|| {
                        invalid(
                            "TRELLIS_MEDIA_S3_SECRET_KEY",
                            "(hidden)",
                            "must be set when TRELLIS_MEDIA_STORAGE=s3".into(),
                        )
                    })?,
                ),
                path_style,
                public_base_url,
            }))
        }
        _ => {
            return Err(invalid(
                "TRELLIS_MEDIA_STORAGE",
                &kind,
                "expected fs or s3".into(),
            ));
        }
    };
    Ok(MediaSettings {
        max_image_bytes,
        max_file_bytes,
        max_pixels,
        resize_pixels,
        unattached_max_age,
        storage,
    })
}

/// An http or https URL ending in `/`.
fn http_url(key: &'static str, text: &str) -> Result<Url, ConfigError> {
    let with_slash = if text.ends_with('/') {
        text.to_string()
    } else {
        format!("{text}/")
    };
    match Url::parse(&with_slash) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(url),
        _ => Err(invalid(key, text, "expected an http or https URL".into())),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Config, test_env as env};

    use super::MediaStorage;

    #[test]
    fn media_defaults_to_the_data_folder() {
        let config = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(config.media.max_image_bytes, 16 * 1024 * 1024);
        assert_eq!(config.media.resize_pixels, 3840 * 2160);
        assert!(
            matches!(&config.media.storage, MediaStorage::Fs { dir } if dir.ends_with("data/media"))
        );
    }

    #[test]
    fn s3_needs_its_settings_and_hides_the_secret() {
        let err = Config::from_sources(None, &env(&[("TRELLIS_MEDIA_STORAGE", "s3")])).unwrap_err();
        assert!(
            err.to_string().contains("TRELLIS_MEDIA_S3_ENDPOINT"),
            "{err}"
        );
        let config = Config::from_sources(
            None,
            &env(&[
                ("TRELLIS_MEDIA_STORAGE", "s3"),
                ("TRELLIS_MEDIA_S3_ENDPOINT", "http://127.0.0.1:9000"),
                ("TRELLIS_MEDIA_S3_BUCKET", "media"),
                ("TRELLIS_MEDIA_S3_ACCESS_KEY", "access"),
                ("TRELLIS_MEDIA_S3_SECRET_KEY", "very-secret-value"),
            ]),
        )
        .unwrap();
        let MediaStorage::S3(s3) = &config.media.storage else {
            panic!("expected s3");
        };
        assert_eq!(s3.endpoint.as_str(), "http://127.0.0.1:9000/");
        assert!(s3.path_style);
        assert!(!format!("{config:?}").contains("very-secret-value"));
    }

    #[test]
    fn invalid_media_values_name_the_key() {
        for (key, value) in [
            ("TRELLIS_MEDIA_STORAGE", "ftp"),
            ("TRELLIS_MEDIA_MAX_IMAGE_BYTES", "12"),
            ("TRELLIS_MEDIA_MAX_PIXELS", "lots"),
        ] {
            let err = Config::from_sources(None, &env(&[(key, value)])).unwrap_err();
            assert!(err.to_string().contains(key), "{err}");
        }
    }
}
