//! The JSON entities of the Mastodon client API, built from service views.

pub(crate) mod account;
pub(crate) mod domain;
pub(crate) mod filter;
pub(crate) mod media;
pub(crate) mod notification;
pub(crate) mod poll;
pub(crate) mod relationship;
pub(crate) mod report;
pub(crate) mod status;

pub(crate) use account::{AccountEntity, CredentialAccount};
pub(crate) use notification::NotificationEntity;
pub(crate) use status::StatusEntity;

use chrono::NaiveDateTime;

/// A datetime as Mastodon writes it: UTC with milliseconds (`2024-01-01T00:00:00.000Z`).
pub(crate) fn datetime(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn datetimes_carry_milliseconds() {
        let at = chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
            .unwrap()
            .and_hms_milli_opt(3, 4, 5, 60)
            .unwrap();
        assert_eq!(super::datetime(at), "2024-01-02T03:04:05.060Z");
    }
}
