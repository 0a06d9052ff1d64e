//! Undo of a Follow, Like or Announce by the actor who made it.

use diesel::Connection;
use trellis_protocol::{Activity, Announced, Inbound, Undone};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::state::FedData;
use trellis_storage::models::post::Counter;
use trellis_storage::models::{Account, Favourite, Follow, Post};

use super::Handled;

/// Reverses the undone activity if `actor` made it.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Undone>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let inner_id = activity
        .object
        .id()
        .map(ToString::to_string)
        .unwrap_or_default();
    // The (actor, object) pair of an embedded Follow, Like or boost, for servers whose ids
    // differ (a group's boost may be stored under the id of its Announce of the Create).
    let (mut undone_follow, mut undone_like, mut undone_boost) = (None, None, None);
    if let Undone::Activity(inner) = &activity.object {
        match inner.as_ref() {
            Inbound::Follow(follow) => undone_follow = Some(follow.object.as_str().to_string()),
            Inbound::Like(like) => undone_like = Some(like.object.as_str().to_string()),
            Inbound::Announce(announce) => {
                if let Announced::Object(_) | Announced::Reference(_) = &announce.object {
                    undone_boost = announce.object.id().map(ToString::to_string);
                }
            }
            _ => {}
        }
    }
    let actor_id = actor.account.id;
    let state = (*data).clone();
    Ok(data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                // Follow: by activity id, or by the (actor, object) pair when ids differ.
                let follow = match Follow::find_by_uri(conn, &inner_id)? {
                    Some(f) => Some(f),
                    None => match &undone_follow {
                        Some(target) => match Account::find_by_uri(conn, target)? {
                            Some(target) => Follow::find_pair(conn, actor_id, target.id)?,
                            None => None,
                        },
                        None => None,
                    },
                };
                if let Some(follow) = follow.filter(|f| f.account_id == actor_id) {
                    trellis_domain::changes::follows::remove_follow(conn, follow.id)?;
                    return Ok(Handled::Applied);
                }
                let like = match Favourite::find_by_uri(conn, &inner_id)? {
                    Some(l) => Some(l),
                    None => match &undone_like {
                        Some(uri) => match Post::find_by_uri(conn, uri)? {
                            Some(post) => Favourite::find_pair(conn, actor_id, post.id)?,
                            None => None,
                        },
                        None => None,
                    },
                };
                if let Some(like) = like.filter(|l| l.account_id == actor_id) {
                    Favourite::delete(conn, like.id)?;
                    Post::add_to_counter(conn, like.post_id, Counter::Favourites, -1)?;
                    return Ok(Handled::Applied);
                }
                let boost = match Post::find_by_uri(conn, &inner_id)? {
                    Some(boost) => Some(boost),
                    None => match &undone_boost {
                        Some(uri) => match Post::find_by_uri(conn, uri)? {
                            Some(post) => Post::find_reblog(conn, actor_id, post.id)?,
                            None => None,
                        },
                        None => None,
                    },
                };
                if let Some(boost) =
                    boost.filter(|p| p.account_id == actor_id && p.reblog_of_id.is_some())
                {
                    trellis_domain::changes::posts::remove_post(conn, state.ids(), &boost)?;
                    return Ok(Handled::Applied);
                }
                Ok(Handled::Ignored("nothing to undo"))
            })
        })
        .await?)
}
