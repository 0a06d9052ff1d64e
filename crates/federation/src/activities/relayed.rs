//! Activities a group relays (FEP-1b12; Lemmy, Mbin): an Announce whose object is an
//! activity made by a member. The group signs the Announce, not the member, so:
//!
//! - the relayed activity's actor must be on the server of the relayed activity's id;
//! - a created or updated post is taken as embedded only when its id is on the group's
//!   server, and is otherwise fetched from its origin by id (the embedded copy is dropped);
//! - a post must be attributed to the relayed activity's actor, on that actor's server;
//! - a Delete or Remove by someone other than the author (a moderator) removes only a post
//!   the group relayed, or a reply in such a thread.
//!
//! A relayed top-level post is also stored as the group's boost of it, so it reaches the
//! home timelines of the group's followers once, whichever of Lemmy's two Announces comes
//! first.

use activitypub_federation::fetch::object_id::ObjectId;
use diesel::Connection;
use trellis_protocol::{Activity, Announced, Inbound, Object, Reference, Updated};

use crate::error::FederationError;
use crate::objects::note::{NoteObject, store_remote_note};
use crate::objects::person::ActorObject;
use trellis_domain::state::FedData;
use trellis_domain::urls::Urls;
use trellis_storage::models::Post;
use trellis_storage::models::article::Article;

use super::create::check_author;
use super::{Handled, delete, dislike, like, undo};

/// How far up a thread a moderator's removal looks for the post the group relayed.
const MAX_THREAD_DEPTH: usize = 32;

/// Applies the activity `group` relays with `announce`, as done by its own actor.
pub(crate) async fn receive(
    data: &FedData,
    announce: &Activity<Announced>,
    inner: &Inbound,
    group: &ActorObject,
) -> Result<Handled, FederationError> {
    let (Some(inner_id), Some(inner_actor)) = (inner.id(), inner.actor()) else {
        return Ok(Handled::Ignored("relayed activity type not supported"));
    };
    if Urls::authority(inner_id) != Urls::authority(inner_actor.url()) {
        return Err(FederationError::Forbidden(
            "the relayed activity's actor is not on its server".into(),
        ));
    }
    if data.urls().is_local(inner_actor.url()) {
        return Ok(Handled::Ignored("relayed activity of this instance"));
    }
    crate::inbox::admit(data, inner_actor.url()).await?;
    let actor = ObjectId::<ActorObject>::from(inner_actor.url().clone())
        .dereference(data)
        .await
        .map_err(|e| FederationError::NotFound(format!("the relayed actor: {e}")))?;
    match inner {
        Inbound::Create(create) => relay_post(data, announce, &create.object, &actor, group).await,
        Inbound::Update(update) => match &update.object {
            Updated::Object(object) => relay_post(data, announce, object, &actor, group).await,
            _ => Ok(Handled::Ignored(
                "relayed update of something else than a post",
            )),
        },
        Inbound::Like(vote) => like::receive(data, vote, &actor).await,
        Inbound::Dislike(vote) => dislike::receive(data, vote, &actor).await,
        Inbound::Undo(undone) => undo::receive(data, undone, &actor).await,
        Inbound::Delete(removal) => remove(data, removal, &actor, group).await,
        Inbound::Remove(removal) if removal.target.is_none() => {
            remove(data, removal, &actor, group).await
        }
        _ => Ok(Handled::Ignored("relayed activity type not supported")),
    }
}

/// Stores (or updates) the relayed post, then the group's boost of a top-level one.
async fn relay_post(
    data: &FedData,
    announce: &Activity<Announced>,
    object: &Object,
    actor: &ActorObject,
    group: &ActorObject,
) -> Result<Handled, FederationError> {
    check_author(object, actor)?;
    let on_group_host =
        group.account.domain.is_some() && Urls::authority(&object.id) == group.account.domain;
    let stored = if on_group_host {
        store_remote_note(object.clone(), data).await?
    } else {
        ObjectId::<NoteObject>::from(object.id.clone())
            .dereference_forced(data)
            .await
            .map_err(|e| FederationError::NotFound(format!("the relayed object: {e}")))?
    };
    if stored.post.account_id != actor.account.id {
        return Err(FederationError::Forbidden(
            "the relayed object belongs to someone else".into(),
        ));
    }
    if stored.post.in_reply_to_uri.is_none() {
        super::boost::store_boost(data, announce, group, stored.post).await?;
    }
    Ok(Handled::Applied)
}

/// A Delete by the author, or a removal by a moderator of a post the group relayed.
async fn remove(
    data: &FedData,
    removal: &Activity<Reference>,
    actor: &ActorObject,
    group: &ActorObject,
) -> Result<Handled, FederationError> {
    let target = removal.object.as_str().to_string();
    let (remover, group_id) = (actor.account.id, group.account.id);
    let state = (*data).clone();
    let handled = data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let Some(post) = Post::find_by_uri(conn, &target)? else {
                    return Ok(None);
                };
                if post.account_id != remover && !relayed_by(conn, &post, group_id)? {
                    return Ok(Some(Handled::Ignored(
                        "removal of a post the group did not relay",
                    )));
                }
                Article::delete_by_post(conn, post.id)?;
                trellis_domain::changes::posts::remove_post(conn, state.ids(), &post)?;
                Ok(Some(Handled::Applied))
            })
        })
        .await?;
    match handled {
        Some(handled) => Ok(handled),
        // An actor deleting itself, or an unknown object: as a Delete sent directly.
        None => delete::receive(data, removal, actor).await,
    }
}

/// True when the group boosted `post`, or the top of its thread.
fn relayed_by(
    conn: &mut trellis_storage::DbConnection,
    post: &Post,
    group_id: i64,
) -> Result<bool, trellis_storage::DbError> {
    let mut current = post.clone();
    for _ in 0..MAX_THREAD_DEPTH {
        if Post::find_reblog(conn, group_id, current.id)?.is_some() {
            return Ok(true);
        }
        match current.in_reply_to_id {
            Some(parent) => match Post::find(conn, parent)? {
                Some(parent) => current = parent,
                None => return Ok(false),
            },
            None => return Ok(false),
        }
    }
    Ok(false)
}
