//! The Poll entity.

use serde_json::{Value, json};

use super::datetime;
use trellis_domain::services::polls::PollView;

/// Mastodon's `Poll`: counts are `null` while hidden; `voted` and `own_votes` only for a
/// signed-in reader.
pub(crate) fn poll_entity(view: &PollView) -> Value {
    let count = |n: i64| {
        if view.totals_hidden {
            Value::Null
        } else {
            json!(n)
        }
    };
    let options: Vec<Value> = view
        .options
        .iter()
        .enumerate()
        .map(|(i, title)| {
            json!({
                "title": title,
                "votes_count": count(view.tally.counts.get(i).copied().unwrap_or(0)),
            })
        })
        .collect();
    let mut entity = json!({
        "id": view.poll.post_id.to_string(),
        "expires_at": view.poll.expires_at.map(datetime),
        "expired": view.expired,
        "multiple": view.poll.multiple,
        "votes_count": count(view.tally.counts.iter().sum()),
        "voters_count": count(view.tally.voters),
        "options": options,
        "emojis": [],
    });
    if let Some(own) = &view.own_votes {
        entity["voted"] = json!(!own.is_empty());
        entity["own_votes"] = json!(own);
    }
    entity
}
