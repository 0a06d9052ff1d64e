//! Create of a note (or another post type) by its author.

use serde_json::{Value, json};

use crate::federation::context::FedData;
use crate::federation::error::FederationError;
use crate::federation::objects::note::store_remote_note;
use crate::federation::objects::person::ActorObject;
use crate::federation::protocol::note::NoteJson;
use crate::federation::protocol::values::first_id;

use super::{Handled, with_context};

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

/// Parses the embedded object and checks it belongs to the activity's actor.
pub fn embedded_note(
    activity: &Value,
    actor: &ActorObject,
) -> Result<Option<NoteJson>, FederationError> {
    let Some(object) = activity.get("object").filter(|o| o.is_object()) else {
        return Err(FederationError::Invalid(
            "the object must be embedded".into(),
        ));
    };
    let note: NoteJson = match serde_json::from_value(object.clone()) {
        Ok(note) => note,
        Err(_) => return Ok(None),
    };
    let author = first_id(&note.attributed_to).unwrap_or_default();
    if author != actor.account.uri {
        return Err(FederationError::Forbidden(
            "the object is attributed to someone else".into(),
        ));
    }
    if crate::urls::Urls::authority(&note.id) != actor.account.domain {
        return Err(FederationError::Forbidden(
            "the object is not on the actor's server".into(),
        ));
    }
    Ok(Some(note))
}

/// Stores the new post (fetching its author and thread parent as needed).
pub async fn receive(
    data: &FedData,
    activity: &Value,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let Some(note) = embedded_note(activity, actor)? else {
        return Ok(Handled::Ignored("object type not supported"));
    };
    if !["Note", "Article", "Page", "Question"].contains(&note.kind.as_str()) {
        return Ok(Handled::Ignored("object type not supported"));
    }
    store_remote_note(note, data).await?;
    Ok(Handled::Applied)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::build;
    use crate::federation::protocol::context::ACTIVITYSTREAMS;
    use crate::federation::protocol::note::NoteJson;

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
