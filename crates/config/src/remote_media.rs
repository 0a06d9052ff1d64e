//! Remote media: how the instance fetches, caches and expires the files of other servers that
//! it shows its readers through its media proxy.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::{ConfigError, invalid, whole_number};

/// Default cache folder, under the data folder.
const DEFAULT_CACHE_DIR: &str = "data/media-cache";
/// Default time a cached file is kept after it was fetched: 7 days.
const DEFAULT_TTL_SECS: u64 = 7 * 86_400;
/// Default largest remote file: 40 MiB.
const DEFAULT_MAX_BYTES: u64 = 40 * 1024 * 1024;
/// Default time a fetch of a remote file may take.
const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// Remote media settings.
#[derive(Clone, Debug)]
pub struct RemoteMediaSettings {
    /// The folder cached remote files are kept in (`TRELLIS_MEDIA_CACHE_DIR`).
    pub cache_dir: PathBuf,
    /// How long a cached file is served before it is fetched again; the periodic maintenance
    /// removes older ones (`TRELLIS_REMOTE_MEDIA_TTL`).
    pub ttl: Duration,
    /// The largest remote file fetched, in bytes (`TRELLIS_REMOTE_MEDIA_MAX_BYTES`).
    pub max_bytes: u64,
    /// How long one fetch may take, body included (`TRELLIS_REMOTE_MEDIA_TIMEOUT_SECS`).
    pub timeout: Duration,
}

/// The `[remote_media]` table of the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileRemoteMedia {
    cache_dir: Option<PathBuf>,
    ttl: Option<String>,
    max_bytes: Option<u64>,
    timeout_secs: Option<u64>,
}

/// Reads and checks the remote media settings.
pub(crate) fn remote_media_settings(
    file: FileRemoteMedia,
    env: &HashMap<String, String>,
) -> Result<RemoteMediaSettings, ConfigError> {
    let cache_dir = match env.get("TRELLIS_MEDIA_CACHE_DIR").filter(|d| !d.is_empty()) {
        Some(text) => PathBuf::from(text),
        None => file
            .cache_dir
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CACHE_DIR)),
    };
    let ttl = match env.get("TRELLIS_REMOTE_MEDIA_TTL").cloned().or(file.ttl) {
        None => Duration::from_secs(DEFAULT_TTL_SECS),
        Some(text) => parse_duration(&text)
            .filter(|d| (1..=31_536_000).contains(&d.as_secs()))
            .ok_or_else(|| {
                invalid(
                    "TRELLIS_REMOTE_MEDIA_TTL",
                    &text,
                    "expected a duration between 1s and 365d, such as 604800, 7d, 12h, 30m or 45s"
                        .into(),
                )
            })?,
    };
    let max_bytes = whole_number(
        env,
        "TRELLIS_REMOTE_MEDIA_MAX_BYTES",
        file.max_bytes,
        DEFAULT_MAX_BYTES,
        1024..=1024 * 1024 * 1024,
    )?;
    let timeout_secs = whole_number(
        env,
        "TRELLIS_REMOTE_MEDIA_TIMEOUT_SECS",
        file.timeout_secs,
        DEFAULT_TIMEOUT_SECS,
        1..=600,
    )?;
    Ok(RemoteMediaSettings {
        cache_dir,
        ttl,
        max_bytes,
        timeout: Duration::from_secs(timeout_secs),
    })
}

/// Seconds, or a number with a unit: `s`, `m`, `h` or `d`.
fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let seconds_per_unit = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return None,
    };
    let number: u64 = number.parse().ok()?;
    Some(Duration::from_secs(number.checked_mul(seconds_per_unit)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_env;

    #[test]
    fn defaults_and_durations() {
        let settings = remote_media_settings(FileRemoteMedia::default(), &test_env(&[])).unwrap();
        assert_eq!(settings.cache_dir, PathBuf::from("data/media-cache"));
        assert_eq!(settings.ttl, Duration::from_secs(604_800));
        assert_eq!(settings.max_bytes, 40 * 1024 * 1024);
        for (text, secs) in [("90", 90), ("7d", 604_800), ("12h", 43_200), ("30m", 1_800)] {
            let env = test_env(&[("TRELLIS_REMOTE_MEDIA_TTL", text)]);
            let settings = remote_media_settings(FileRemoteMedia::default(), &env).unwrap();
            assert_eq!(settings.ttl.as_secs(), secs, "{text}");
        }
        for bad in ["0", "7w", "", "d", "400d"] {
            let env = test_env(&[("TRELLIS_REMOTE_MEDIA_TTL", bad)]);
            assert!(
                remote_media_settings(FileRemoteMedia::default(), &env).is_err(),
                "{bad}"
            );
        }
        let env = test_env(&[("TRELLIS_REMOTE_MEDIA_MAX_BYTES", "12")]);
        assert!(remote_media_settings(FileRemoteMedia::default(), &env).is_err());
    }
}
