//! Create of a note (or another post type) by its author.

use serde_json::Value;

use crate::context::FedData;
use crate::error::FederationError;
use crate::objects::note::store_remote_note;
use crate::objects::person::ActorObject;
use trellis_protocol::json::note::NoteJson;
use trellis_protocol::json::values::first_id;

use super::Handled;

/// Parses the embedded object and checks it belongs to the activity's actor.
pub(crate) fn embedded_note(
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
    if trellis_domain::urls::Urls::authority(&note.id) != actor.account.domain {
        return Err(FederationError::Forbidden(
            "the object is not on the actor's server".into(),
        ));
    }
    Ok(Some(note))
}

/// Stores the new post (fetching its author and thread parent as needed).
pub(crate) async fn receive(
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
