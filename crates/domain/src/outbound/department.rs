//! Department-only posts and articles never leave the instance: the rule the delivery queue
//! applies when an activity is queued ([`super::delivery::enqueue`]) and again right before the
//! worker sends one.

use std::collections::HashSet;

use serde_json::Value;

use trellis_storage::models::Post;
use trellis_storage::{DbConnection, DbError};

/// The ids of the objects an activity is about: its object (a link or an embedded object's
/// id), and for an activity about an activity (`Undo` of an `Announce`, say) that one's object.
pub(crate) fn object_ids(activity: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    let mut current = activity.get("object");
    for _ in 0..2 {
        let Some(object) = current else {
            break;
        };
        match object {
            Value::String(id) => ids.push(id.clone()),
            Value::Object(map) => {
                if let Some(Value::String(id)) = map.get("id") {
                    ids.push(id.clone());
                }
            }
            _ => {}
        }
        current = object.get("object");
    }
    ids
}

/// True when `activity` is about a department-only post or article, so it must not be
/// delivered to any other server.
pub(crate) fn stays_home(conn: &mut DbConnection, activity: &Value) -> Result<bool, DbError> {
    Ok(!Post::local_only_uris(conn, &object_ids(activity))?.is_empty())
}

/// The indexes of `payloads` (activity JSON as queued) that are about a department-only post
/// or article, in one query for the whole list; an unreadable payload counts as one.
pub fn staying_home(conn: &mut DbConnection, payloads: &[&str]) -> Result<HashSet<usize>, DbError> {
    let parsed: Vec<Option<Vec<String>>> = payloads
        .iter()
        .map(|p| {
            serde_json::from_str::<Value>(p)
                .ok()
                .map(|v| object_ids(&v))
        })
        .collect();
    let all: Vec<String> = parsed.iter().flatten().flatten().cloned().collect();
    let local_only = Post::local_only_uris(conn, &all)?;
    Ok(parsed
        .iter()
        .enumerate()
        .filter(|(_, ids)| match ids {
            None => true,
            Some(ids) => ids.iter().any(|id| local_only.contains(id)),
        })
        .map(|(index, _)| index)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn object_ids_cover_links_embedded_objects_and_undone_activities() {
        assert_eq!(
            object_ids(&json!({"object": "https://a/1"})),
            ["https://a/1"]
        );
        assert_eq!(
            object_ids(&json!({"object": {"id": "https://a/2", "type": "Note"}})),
            ["https://a/2"]
        );
        assert_eq!(
            object_ids(&json!({"object": {"id": "https://a/boost", "object": "https://a/3"}})),
            ["https://a/boost", "https://a/3"]
        );
        assert!(object_ids(&json!({"type": "Accept"})).is_empty());
    }
}
