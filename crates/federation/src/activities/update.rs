//! Update of a post (an edit) or of an actor (a profile change).

use activitypub_federation::traits::Object as _;
use trellis_protocol::{Activity, Updated};

use crate::error::FederationError;
use crate::objects::note::store_remote_note;
use crate::objects::person::ActorObject;
use trellis_domain::services::communities::posting;
use trellis_domain::state::FedData;
use trellis_storage::models::Post;

use super::Handled;
use super::create::check_author;

/// Applies an edit or a profile change made by `actor` to their own object.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Updated>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    match &activity.object {
        Updated::Actor(document) => {
            if document.id.as_str() != actor.account.uri {
                return Err(FederationError::Forbidden(
                    "an actor may only update itself".into(),
                ));
            }
            ActorObject::verify(document, &document.id, data).await?;
            ActorObject::from_json((**document).clone(), data).await?;
            Ok(Handled::Applied)
        }
        Updated::Object(note) => {
            check_author(note, actor)?;
            let uri = note.id.to_string();
            let known = data
                .db()
                .read(move |conn| Post::find_by_uri(conn, &uri))
                .await?;
            if known.is_none() {
                return Ok(Handled::Ignored("update of an unknown object"));
            }
            store_remote_note((**note).clone(), data).await?;
            posting::received_edit(data, note.id.as_str(), activity.id.as_str()).await?;
            Ok(Handled::Applied)
        }
        Updated::Reference(_) => Ok(Handled::Ignored("object type not supported")),
    }
}
