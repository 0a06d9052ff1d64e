//! The `poll[...]` parameters of a new status.

use serde::Deserialize;
use serde_json::Value;

use super::params::{de, from_value};
use crate::error::HttpError;
use trellis_domain::services::polls::PollDraft;

/// `poll[...]` of `POST /api/v1/statuses`.
#[derive(Debug, Deserialize)]
struct PollParams {
    #[serde(default, deserialize_with = "de::strings")]
    options: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    multiple: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    hide_totals: Option<bool>,
}

/// The poll of a new status (none when `poll` is absent or null); 422 when malformed.
pub(crate) fn draft_of(poll: Option<Value>) -> Result<Option<PollDraft>, HttpError> {
    let Some(value) = poll.filter(|p| !p.is_null()) else {
        return Ok(None);
    };
    let params: PollParams = from_value(value)?;
    let expires_in = params.expires_in.unwrap_or(86_400);
    Ok(Some(PollDraft {
        options: params.options,
        expires_in: u64::try_from(expires_in).unwrap_or(0),
        multiple: params.multiple.unwrap_or(false),
        hide_totals: params.hide_totals.unwrap_or(false),
    }))
}
