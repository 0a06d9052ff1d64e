//! Update of a post (an edit) or of an actor (a profile change).

use activitypub_federation::traits::Object;
use serde_json::Value;

use crate::context::FedData;
use crate::error::FederationError;
use crate::objects::note::store_remote_note;
use crate::objects::person::ActorObject;
use trellis_protocol::json::actor::ActorDocument;
use trellis_protocol::json::values::type_of;
use trellis_storage::models::Post;

use super::Handled;
use super::create::embedded_note;

/// Applies an edit or a profile change made by `actor` to their own object.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Value,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let object = activity.get("object").cloned().unwrap_or(Value::Null);
    match type_of(&object) {
        Some("Person" | "Service" | "Application" | "Group" | "Organization") => {
            let document: ActorDocument = serde_json::from_value(object)
                .map_err(|e| FederationError::Invalid(format!("actor: {e}")))?;
            if document.id.as_str() != actor.account.uri {
                return Err(FederationError::Forbidden(
                    "an actor may only update itself".into(),
                ));
            }
            ActorObject::verify(&document, &document.id.clone(), data).await?;
            ActorObject::from_json(document, data).await?;
            Ok(Handled::Applied)
        }
        _ => {
            let Some(note) = embedded_note(activity, actor)? else {
                return Ok(Handled::Ignored("object type not supported"));
            };
            let uri = note.id.to_string();
            let known = data
                .db()
                .read(move |conn| Post::find_by_uri(conn, &uri))
                .await?;
            if known.is_none() {
                return Ok(Handled::Ignored("update of an unknown object"));
            }
            store_remote_note(note, data).await?;
            Ok(Handled::Applied)
        }
    }
}
