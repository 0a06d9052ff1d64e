//! Polls as their authors write them: the draft, checked against the instance's limits, and
//! the row it becomes (apart from `polls.rs`, which votes and announces, so that creating a
//! post does not depend on it).

use chrono::NaiveDateTime;

use trellis_config::PollSettings;
use trellis_storage::models::poll::Poll;

use super::ServiceError;

/// A poll as its author writes it.
#[derive(Clone, Debug)]
pub struct PollDraft {
    /// The option titles.
    pub options: Vec<String>,
    /// Seconds until voting ends.
    pub expires_in: u64,
    /// Several options may be chosen.
    pub multiple: bool,
    /// Totals are shown only once the poll has ended.
    pub hide_totals: bool,
}

/// Checks a draft against the instance's limits.
pub fn check_draft(settings: &PollSettings, draft: &PollDraft) -> Result<(), ServiceError> {
    let count = draft.options.len();
    if count < 2 || count > settings.max_options {
        return Err(ServiceError::invalid(
            "poll",
            format!("must have between 2 and {} options", settings.max_options),
        ));
    }
    for (i, option) in draft.options.iter().enumerate() {
        if option.trim().is_empty() {
            return Err(ServiceError::invalid("poll", "options can't be blank"));
        }
        if option.chars().count() > settings.max_option_chars {
            return Err(ServiceError::invalid(
                "poll",
                format!(
                    "options are longer than {} characters",
                    settings.max_option_chars
                ),
            ));
        }
        if draft.options[..i].contains(option) {
            return Err(ServiceError::invalid("poll", "options must be different"));
        }
    }
    let (min, max) = (
        settings.min_expiration.as_secs(),
        settings.max_expiration.as_secs(),
    );
    if draft.expires_in < min || draft.expires_in > max {
        return Err(ServiceError::invalid(
            "poll",
            format!("expires_in must be between {min} and {max} seconds"),
        ));
    }
    Ok(())
}

/// The row of a new local poll on `post_id`.
pub(crate) fn new_poll(post_id: i64, draft: &PollDraft, now: NaiveDateTime) -> Poll {
    Poll {
        post_id,
        options: serde_json::to_string(&draft.options).unwrap_or_else(|_| "[]".into()),
        multiple: draft.multiple,
        hide_totals: draft.hide_totals,
        expires_at: Some(now + chrono::TimeDelta::seconds(draft.expires_in as i64)),
        closed: false,
        cached_counts: None,
        cached_voters: None,
        update_due_at: None,
        created_at: now,
    }
}
