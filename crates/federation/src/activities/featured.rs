//! `Add` and `Remove` of a post to and from its author's `featured` collection: a remote
//! person's pin and unpin, kept so their pinned posts show on their profile here.

use trellis_protocol::{Activity, Reference};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::outbound::delivery;
use trellis_domain::state::FedData;
use trellis_storage::models::Post;
use trellis_storage::models::status_pin::StatusPin;

use super::Handled;

/// Pins (`pinned`) or unpins one of the actor's own known posts. The target must be a
/// collection on the actor's own server; other collections (a group's, another person's)
/// and unknown posts change nothing.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Reference>,
    actor: &ActorObject,
    pinned: bool,
) -> Result<Handled, FederationError> {
    let Some(target) = activity.target.as_ref() else {
        return Ok(Handled::Ignored("add or remove without a target"));
    };
    let actor_host = url::Url::parse(&actor.account.uri)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string));
    if target.0.host_str().map(str::to_string) != actor_host {
        return Ok(Handled::Ignored(
            "add or remove to another server's collection",
        ));
    }
    let object = activity.object.as_str().to_string();
    let account_id = actor.account.id;
    Ok(data
        .db()
        .write(move |conn| {
            let Some(post) = Post::find_by_uri(conn, &object)? else {
                return Ok(Handled::Ignored("pin of an unknown post"));
            };
            if post.account_id != account_id || post.reblog_of_id.is_some() {
                return Ok(Handled::Ignored("pin of someone else's post"));
            }
            if pinned {
                let pin = StatusPin {
                    account_id,
                    post_id: post.id,
                    created_at: delivery::now(),
                };
                StatusPin::insert(conn, &pin)?;
            } else {
                StatusPin::delete(conn, account_id, post.id)?;
            }
            Ok(Handled::Applied)
        })
        .await?)
}
