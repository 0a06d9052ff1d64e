//! Undo of a Follow, Like or Announce by the actor who made it.

use diesel::Connection;
use serde_json::Value;

use crate::context::FedData;
use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_protocol::json::values::{first_id, type_of};
use trellis_storage::models::post::Counter;
use trellis_storage::models::{Account, Favourite, Follow, Post};

use super::{Handled, object_id};

/// Reverses the undone activity if `actor` made it.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Value,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let inner = activity.get("object").cloned().unwrap_or(Value::Null);
    let inner_id = object_id(activity)?;
    let inner_type = type_of(&inner).map(str::to_string);
    let inner_object = inner.get("object").and_then(first_id);
    let actor_id = actor.account.id;
    let state = (*data).clone();
    Ok(data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                // Follow: by activity id, or by the (actor, object) pair when ids differ.
                let follow = match Follow::find_by_uri(conn, &inner_id)? {
                    Some(f) => Some(f),
                    None if inner_type.as_deref() == Some("Follow") => match &inner_object {
                        Some(target) => match Account::find_by_uri(conn, target)? {
                            Some(target) => Follow::find_pair(conn, actor_id, target.id)?,
                            None => None,
                        },
                        None => None,
                    },
                    None => None,
                };
                if let Some(follow) = follow.filter(|f| f.account_id == actor_id) {
                    trellis_domain::changes::follows::remove_follow(conn, follow.id)?;
                    return Ok(Handled::Applied);
                }
                let like = match Favourite::find_by_uri(conn, &inner_id)? {
                    Some(l) => Some(l),
                    None if inner_type.as_deref() == Some("Like") => match &inner_object {
                        Some(uri) => match Post::find_by_uri(conn, uri)? {
                            Some(post) => Favourite::find_pair(conn, actor_id, post.id)?,
                            None => None,
                        },
                        None => None,
                    },
                    None => None,
                };
                if let Some(like) = like.filter(|l| l.account_id == actor_id) {
                    Favourite::delete(conn, like.id)?;
                    Post::add_to_counter(conn, like.post_id, Counter::Favourites, -1)?;
                    return Ok(Handled::Applied);
                }
                if let Some(boost) = Post::find_by_uri(conn, &inner_id)?
                    .filter(|p| p.account_id == actor_id && p.reblog_of_id.is_some())
                {
                    trellis_domain::changes::posts::remove_post(conn, state.ids(), &boost)?;
                    return Ok(Handled::Applied);
                }
                Ok(Handled::Ignored("nothing to undo"))
            })
        })
        .await?)
}
