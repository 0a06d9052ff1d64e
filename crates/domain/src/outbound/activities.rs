//! The activities Trellis sends, one module each: how each is built from what the domain
//! decided. The inbound side (what a received activity does) is in the federation crate.

use serde_json::{Value, json};

use trellis_protocol::json::context::ACTIVITYSTREAMS;

/// Wraps an activity body with the ActivityStreams context.
pub fn with_context(mut activity: Value) -> Value {
    if let Some(map) = activity.as_object_mut() {
        map.insert("@context".into(), json!(ACTIVITYSTREAMS));
    }
    activity
}

/// Accept and Reject of a Follow.
pub mod accept {
    use serde_json::{Value, json};

    use super::with_context;
    use trellis_protocol::json::values::first_id;

    /// Builds an Accept or Reject (`kind`) of the given Follow activity.
    pub fn build(id: &str, actor: &str, kind: &str, follow: &Value) -> Value {
        let follow = json!({
            "id": follow.get("id").cloned().unwrap_or(Value::Null),
            "type": "Follow",
            "actor": first_id(follow.get("actor").unwrap_or(&Value::Null)),
            "object": first_id(follow.get("object").unwrap_or(&Value::Null)),
        });
        with_context(json!({ "id": id, "type": kind, "actor": actor, "object": follow }))
    }
}

/// Announce (boost) of a post.
pub mod announce {
    use serde_json::{Value, json};

    use super::with_context;

    /// Builds an Announce of `object_uri`.
    pub fn build(
        id: &str,
        actor: &str,
        object_uri: &str,
        to: &[String],
        cc: &[String],
        published: &str,
    ) -> Value {
        with_context(json!({
            "id": id,
            "type": "Announce",
            "actor": actor,
            "published": published,
            "to": to,
            "cc": cc,
            "object": object_uri,
        }))
    }
}

/// `Block`: sent to a remote actor that a local person blocks (Mastodon sends it too, so the
/// other server can hide the blocker's content from them). Inbound `Block`s are ignored.
pub mod block {
    use serde_json::{Value, json};

    use super::with_context;

    /// The outgoing `Block` of `target` by `actor`.
    pub fn build(id: &str, actor: &str, target: &str) -> Value {
        with_context(json!({ "id": id, "type": "Block", "actor": actor, "object": target }))
    }
}

/// Create of a note (or another post type) by its author.
pub mod create {
    use serde_json::{Value, json};

    use super::with_context;
    use trellis_protocol::json::note::NoteJson;

    /// Builds a Create (or Update, by `kind`) wrapping `object`, addressed like the object. The
    /// object's JSON-LD context moves up to the activity, so the terms the object uses (such as
    /// an Article's `official` and `mustRead`) stay defined; every copy of the activity (the
    /// delivered one, the outbox's) is built here and carries the same context.
    pub fn build(id: &str, kind: &str, actor: &str, object: &NoteJson) -> Value {
        let mut object = serde_json::to_value(object).unwrap_or(Value::Null);
        let context = object
            .as_object_mut()
            .and_then(|map| map.remove("@context"))
            .filter(|context| !context.is_null());
        let mut activity = with_context(json!({
            "id": id,
            "type": kind,
            "actor": actor,
            "published": object.get("updated").or_else(|| object.get("published")).cloned(),
            "to": object.get("to").cloned(),
            "cc": object.get("cc").cloned(),
            "object": object,
        }));
        if let (Some(context), Some(map)) = (context, activity.as_object_mut()) {
            map.insert("@context".into(), context);
        }
        activity
    }

    #[cfg(test)]
    mod tests {
        use serde_json::{Value, json};

        use super::build;
        use trellis_protocol::json::context::ACTIVITYSTREAMS;
        use trellis_protocol::json::note::NoteJson;

        fn note(context: Value) -> NoteJson {
            serde_json::from_value(json!({
                "@context": context,
                "id": "https://alpha.test/articles/7",
                "type": "Article",
                "attributedTo": "https://alpha.test/users/alice",
                "content": "<p>x</p>",
                "mustRead": true,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
            }))
            .expect("note")
        }

        #[test]
        fn the_objects_context_defines_the_activitys_terms() {
            let context = json!([ACTIVITYSTREAMS, {"trellis": "https://trellis.social/ns#",
                                                   "mustRead": "trellis:mustRead"}]);
            let activity = build(
                "https://alpha.test/a/1",
                "Create",
                "https://alpha.test/users/alice",
                &note(context.clone()),
            );
            assert_eq!(activity["@context"], context);
            assert!(activity["object"].get("@context").is_none());
            assert_eq!(activity["object"]["mustRead"], true);
        }

        #[test]
        fn an_object_without_context_gets_activitystreams() {
            let activity = build(
                "https://alpha.test/a/1",
                "Update",
                "https://alpha.test/users/alice",
                &note(Value::Null),
            );
            assert_eq!(activity["@context"], ACTIVITYSTREAMS);
            assert_eq!(activity["type"], "Update");
        }
    }
}

/// Delete of a post, or of the actor itself.
pub mod delete {
    use serde_json::{Value, json};

    use super::with_context;

    /// Builds a Delete of `object_uri`, sent as a Tombstone with the post's former addressing.
    pub fn build(id: &str, actor: &str, object_uri: &str, to: &[String], cc: &[String]) -> Value {
        with_context(json!({
            "id": id,
            "type": "Delete",
            "actor": actor,
            "to": to,
            "cc": cc,
            "object": { "id": object_uri, "type": "Tombstone" },
        }))
    }
}

/// Follow of an actor.
pub mod follow {
    use serde_json::{Value, json};

    use super::with_context;

    /// Builds a Follow of `target` by `actor`.
    pub fn build(id: &str, actor: &str, target: &str) -> Value {
        with_context(json!({ "id": id, "type": "Follow", "actor": actor, "object": target }))
    }
}

/// Like of a post.
pub mod like {
    use serde_json::{Value, json};

    use super::with_context;

    /// Builds a Like of `object_uri`.
    pub fn build(id: &str, actor: &str, object_uri: &str) -> Value {
        with_context(json!({ "id": id, "type": "Like", "actor": actor, "object": object_uri }))
    }
}

/// Read of a must-read article: a reader acknowledges it to the article's instance.
pub mod read {
    use serde_json::{Value, json};

    use super::with_context;

    /// Builds a Read of `article_uri` by `actor`, addressed to the article's author.
    pub fn build(id: &str, actor: &str, article_uri: &str, author: &str) -> Value {
        with_context(json!({
            "id": id,
            "type": "Read",
            "actor": actor,
            "object": article_uri,
            "to": [author],
        }))
    }

    #[cfg(test)]
    mod tests {
        use super::build;

        #[test]
        fn a_read_names_the_article_and_is_addressed_to_its_author() {
            let read = build(
                "https://beta.test/activities/1",
                "https://beta.test/users/bob",
                "https://alpha.test/articles/7",
                "https://alpha.test/users/alice",
            );
            assert_eq!(read["type"], "Read");
            assert_eq!(read["actor"], "https://beta.test/users/bob");
            assert_eq!(read["object"], "https://alpha.test/articles/7");
            assert_eq!(read["to"][0], "https://alpha.test/users/alice");
            assert!(read["@context"].is_string() || read["@context"].is_array());
        }
    }
}

/// Undo of a Follow, Like or Announce by the actor who made it.
pub mod undo {
    use serde_json::{Value, json};

    use super::with_context;

    /// Builds an Undo of `object` (the original activity, embedded).
    pub fn build(id: &str, actor: &str, object: Value) -> Value {
        let mut object = object;
        if let Some(map) = object.as_object_mut() {
            map.remove("@context");
        }
        with_context(json!({ "id": id, "type": "Undo", "actor": actor, "object": object }))
    }
}
