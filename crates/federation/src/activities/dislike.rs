//! Dislike (a Lemmy or Mbin downvote). Downvotes are not counted: a person's vote is one
//! value, so a Dislike withdraws that person's favourite of the post, if any.

use diesel::Connection;
use trellis_protocol::{Activity, Reference};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::state::FedData;
use trellis_storage::models::post::Counter;
use trellis_storage::models::{Favourite, Post};

use super::Handled;

/// Withdraws `actor`'s favourite of the disliked post.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Reference>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let target = activity.object.as_str().to_string();
    let account_id = actor.account.id;
    Ok(data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let Some(post) = Post::find_by_uri(conn, &target)? else {
                    return Ok(Handled::Ignored("dislike of an unknown object"));
                };
                let Some(like) = Favourite::find_pair(conn, account_id, post.id)? else {
                    return Ok(Handled::Ignored("downvotes are not counted"));
                };
                Favourite::delete(conn, like.id)?;
                Post::add_to_counter(conn, post.id, Counter::Favourites, -1)?;
                Ok(Handled::Applied)
            })
        })
        .await?)
}
