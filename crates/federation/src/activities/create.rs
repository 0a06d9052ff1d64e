//! Create of a note (or another post type) by its author.

use trellis_protocol::{Activity, Object, ObjectKind};

use crate::error::FederationError;
use crate::objects::note::store_remote_note;
use crate::objects::person::ActorObject;
use trellis_domain::services::communities::posting;
use trellis_domain::services::{polls, visibility};
use trellis_domain::state::FedData;
use trellis_storage::models::Post;

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
    if let Some(handled) = receive_vote(data, &activity.object, actor).await? {
        return Ok(handled);
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

/// A vote in a local poll: a `Note` with a `name` and no content, in reply to the poll's
/// `Question`. It is counted, never stored as a post. `None` when the object is no such vote.
async fn receive_vote(
    data: &FedData,
    object: &Object,
    actor: &ActorObject,
) -> Result<Option<Handled>, FederationError> {
    let (Some(title), Some(parent)) = (&object.name, &object.in_reply_to) else {
        return Ok(None);
    };
    if object.kind != ObjectKind::Note || object.html().is_some_and(|c| !c.trim().is_empty()) {
        return Ok(None);
    }
    let parent = parent.as_str().to_string();
    let title = title.clone();
    let uri = object.id.to_string();
    let voter = actor.account.id;
    let state = (**data).clone();
    let counted = data
        .db()
        .write(move |conn| {
            let Some(post) = Post::find_by_uri(conn, &parent)? else {
                return Ok(None);
            };
            if !post.local || post.object_type != "Question" {
                return Ok(None);
            }
            if !visibility::can_see(conn, &post, Some(voter))? {
                return Ok(Some(false));
            }
            polls::receive_vote(conn, &state, voter, &post, &title, &uri).map(Some)
        })
        .await?;
    Ok(counted.map(|counted| {
        if counted {
            Handled::Applied
        } else {
            Handled::Ignored("vote not counted")
        }
    }))
}
