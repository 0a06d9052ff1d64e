//! Poll limits: how many options, how long they are, how long a poll may run, and how soon
//! new counts are announced to other servers.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;

use crate::{ConfigError, whole_number};

/// Poll settings (Mastodon's limits by default).
#[derive(Clone, Debug)]
pub struct PollSettings {
    /// Most options a poll may have.
    pub max_options: usize,
    /// Longest option, in characters.
    pub max_option_chars: usize,
    /// Shortest time a poll may run.
    pub min_expiration: Duration,
    /// Longest time a poll may run.
    pub max_expiration: Duration,
    /// How long after a vote the new counts are sent to other servers (votes in between are
    /// announced together).
    pub update_delay: Duration,
}

/// The `[polls]` table of the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FilePolls {
    max_options: Option<u64>,
    max_option_chars: Option<u64>,
    min_expiration_secs: Option<u64>,
    max_expiration_secs: Option<u64>,
    update_delay_secs: Option<u64>,
}

/// Reads the poll settings from the environment, then the file, then the defaults.
pub(crate) fn poll_settings(
    file: FilePolls,
    env: &HashMap<String, String>,
) -> Result<PollSettings, ConfigError> {
    let number = |key: &'static str, from_file: Option<u64>, default: u64, range| {
        whole_number(env, key, from_file, default, range)
    };
    let max_options = number("TRELLIS_POLL_MAX_OPTIONS", file.max_options, 4, 2..=20)?;
    let max_option_chars = number(
        "TRELLIS_POLL_MAX_OPTION_CHARS",
        file.max_option_chars,
        50,
        1..=1000,
    )?;
    let min_expiration = number(
        "TRELLIS_POLL_MIN_EXPIRATION_SECS",
        file.min_expiration_secs,
        300,
        1..=31_556_952,
    )?;
    let max_expiration = number(
        "TRELLIS_POLL_MAX_EXPIRATION_SECS",
        file.max_expiration_secs,
        2_629_746,
        min_expiration..=31_556_952,
    )?;
    let update_delay = number(
        "TRELLIS_POLL_UPDATE_DELAY_SECS",
        file.update_delay_secs,
        180,
        0..=86_400,
    )?;
    Ok(PollSettings {
        max_options: max_options as usize,
        max_option_chars: max_option_chars as usize,
        min_expiration: Duration::from_secs(min_expiration),
        max_expiration: Duration::from_secs(max_expiration),
        update_delay: Duration::from_secs(update_delay),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_env as env;

    #[test]
    fn defaults_are_mastodons_limits() {
        let settings = poll_settings(FilePolls::default(), &env(&[])).unwrap();
        assert_eq!(settings.max_options, 4);
        assert_eq!(settings.max_option_chars, 50);
        assert_eq!(settings.min_expiration, Duration::from_secs(300));
        assert_eq!(settings.max_expiration, Duration::from_secs(2_629_746));
        assert_eq!(settings.update_delay, Duration::from_secs(180));
    }

    #[test]
    fn a_maximum_below_the_minimum_is_refused() {
        let error = poll_settings(
            FilePolls::default(),
            &env(&[
                ("TRELLIS_POLL_MIN_EXPIRATION_SECS", "600"),
                ("TRELLIS_POLL_MAX_EXPIRATION_SECS", "60"),
            ]),
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("TRELLIS_POLL_MAX_EXPIRATION_SECS")
        );
    }
}
