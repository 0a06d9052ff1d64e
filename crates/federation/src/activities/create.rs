//! Create of a note (or another post type) by its author.

use trellis_protocol::{Activity, Object, ObjectKind};

use crate::error::FederationError;
use crate::objects::note::store_remote_note;
use crate::objects::person::ActorObject;
use trellis_domain::state::FedData;

use super::Handled;

/// Checks that an embedded object belongs to the activity's actor: attributed to them and on
/// their server.
pub(crate) fn check_author(object: &Object, actor: &ActorObject) -> Result<(), FederationError> {
    let author = object.author().map(|a| a.as_str()).unwrap_or_default();
    if author != actor.account.uri {
        return Err(FederationError::Forbidden(
            "the object is attributed to someone else".into(),
        ));
    }
    if trellis_domain::urls::Urls::authority(&object.id) != actor.account.domain {
        return Err(FederationError::Forbidden(
            "the object is not on the actor's server".into(),
        ));
    }
    Ok(())
}

/// Stores the new post (fetching its author and thread parent as needed).
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Box<Object>>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    check_author(&activity.object, actor)?;
    if !matches!(
        activity.object.kind,
        ObjectKind::Note
            | ObjectKind::Article
            | ObjectKind::Page
            | ObjectKind::Question
            | ObjectKind::ChatMessage
    ) {
        return Ok(Handled::Ignored("object type not supported"));
    }
    store_remote_note((*activity.object).clone(), data).await?;
    Ok(Handled::Applied)
}
