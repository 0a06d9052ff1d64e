//! The JSON entities of the Mastodon client API, built from service views.

pub mod account;
pub mod notification;
pub mod relationship;
pub mod status;

pub use account::{AccountEntity, CredentialAccount};
pub use notification::NotificationEntity;
pub use status::StatusEntity;

use chrono::NaiveDateTime;

/// A datetime as Mastodon writes it: UTC with milliseconds (`2024-01-01T00:00:00.000Z`).
pub fn datetime(at: NaiveDateTime) -> String {
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
