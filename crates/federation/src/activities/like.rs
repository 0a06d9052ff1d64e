//! Like of a post.

use diesel::Connection;
use trellis_domain::services::visibility;
use trellis_protocol::{Activity, Reference};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::outbound::delivery;
use trellis_domain::state::FedData;
use trellis_storage::models::post::Counter;
use trellis_storage::models::{Favourite, Post};

use super::Handled;

/// Why a like changes nothing: its object is unknown here or hidden from the liker.
const UNKNOWN: &str = "like of an unknown object";

/// Counts the like on a known post that the liker may see.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Reference>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let target = activity.object.as_str().to_string();
    let uri = activity.id.to_string();
    let account_id = actor.account.id;
    let id = data.ids().next_id();
    let state = (*data).clone();
    Ok(data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                // A post the liker may not see is answered as unknown: a like neither
                // counts on it nor tells whether it exists.
                let Some(post) = Post::find_by_uri(conn, &target)? else {
                    return Ok(Handled::Ignored(UNKNOWN));
                };
                if !visibility::can_see(conn, &post, Some(account_id))? {
                    return Ok(Handled::Ignored(UNKNOWN));
                }
                let inserted = trellis_domain::changes::favourites::store_favourite(
                    conn,
                    state.ids(),
                    &Favourite {
                        id,
                        account_id,
                        post_id: post.id,
                        uri,
                        created_at: delivery::now(),
                    },
                )?;
                if inserted {
                    Post::add_to_counter(conn, post.id, Counter::Favourites, 1)?;
                }
                Ok(Handled::Applied)
            })
        })
        .await?)
}
