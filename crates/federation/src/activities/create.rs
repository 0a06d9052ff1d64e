//! Create of a note (or another post type) by its author.

use trellis_protocol::{Activity, Object, ObjectKind};

use crate::error::FederationError;
use crate::objects::note::store_remote_note;
use crate::objects::person::ActorObject;
use trellis_domain::services::communities::posting;
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
    relay_to_community(data, activity).await?;
    Ok(Handled::Applied)
}

/// Hands a stored post to the local community it is addressed to (which announces it), or
/// answers 403 naming the community's rule the author broke.
async fn relay_to_community(
    data: &FedData,
    activity: &Activity<Box<Object>>,
) -> Result<(), FederationError> {
    let object = &activity.object;
    let addressed: Vec<String> = object
        .audience
        .iter()
        .chain(object.addressed.to.0.iter())
        .chain(object.addressed.cc.0.iter())
        .map(|r| r.as_str().to_string())
        .chain(
            object
                .tag
                .0
                .iter()
                .filter_map(|t| t.href.as_ref().map(|h| h.to_string())),
        )
        .collect();
    let outcome =
        posting::received(data, object.id.as_str(), addressed, activity.id.as_str()).await?;
    match outcome {
        posting::Received::Refused(rule) => Err(FederationError::Forbidden(rule)),
        _ => Ok(()),
    }
}
