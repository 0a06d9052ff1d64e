//! The Tombstone a deleted local object leaves: what its id answers with (410 Gone), and the
//! object of the Delete that announces the deletion. Built here only.

use chrono::NaiveDateTime;
use serde_json::json;

use trellis_protocol::Tombstone;
use trellis_protocol::json::context::ACTIVITYSTREAMS;
use trellis_storage::models::Tombstone as DeletedObject;

/// The Tombstone of `uri`, without a context (as a Delete embeds it).
pub fn of(uri: &str, former_type: Option<String>, deleted: Option<NaiveDateTime>) -> Tombstone {
    Tombstone::new(
        super::activities::url(uri),
        former_type,
        deleted.map(|at| at.and_utc()),
    )
}

/// The document a deleted object's id serves: the Tombstone with its former type, when it
/// was deleted and the ActivityStreams context.
pub fn document(deleted: &DeletedObject) -> Tombstone {
    let mut tombstone = of(
        &deleted.uri,
        Some(deleted.former_type.clone()),
        Some(deleted.deleted_at),
    );
    tombstone.context = Some(json!(ACTIVITYSTREAMS));
    tombstone
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_served_tombstone_says_what_was_deleted_and_when() {
        let at = NaiveDate::from_ymd_opt(2026, 11, 29)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("date");
        let json = serde_json::to_value(document(&DeletedObject {
            uri: "https://alpha.test/users/alice/statuses/1".into(),
            former_type: "Note".into(),
            deleted_at: at,
        }))
        .expect("json");
        assert_eq!(
            json,
            json!({
                "@context": ACTIVITYSTREAMS,
                "id": "https://alpha.test/users/alice/statuses/1",
                "type": "Tombstone",
                "formerType": "Note",
                "deleted": "2026-11-29T10:00:00Z",
            })
        );
        let embedded = serde_json::to_value(of("https://alpha.test/x", None, None)).expect("json");
        assert_eq!(
            embedded,
            json!({"id": "https://alpha.test/x", "type": "Tombstone"})
        );
    }
}
