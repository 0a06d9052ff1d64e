//! Accept and Reject of a Follow that a local actor sent.

use diesel::Connection;
use trellis_protocol::{Activity, Undone};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::state::FedData;
use trellis_storage::models::{Account, Follow};

use super::Handled;

/// Marks the follow accepted, or removes it when rejected.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Undone>,
    actor: &ActorObject,
    accepted: bool,
) -> Result<Handled, FederationError> {
    let follow_uri = activity
        .object
        .id()
        .map(ToString::to_string)
        .unwrap_or_default();
    let embedded_follower = match &activity.object {
        Undone::Activity(follow) => follow.actor().map(|a| a.as_str().to_string()),
        Undone::Reference(_) => None,
    };
    let target_id = actor.account.id;
    let state = (*data).clone();
    Ok(data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let mut follow = Follow::find_by_uri(conn, &follow_uri)?;
                if follow.is_none()
                    && let Some(follower_uri) = embedded_follower
                    && let Some(follower) = Account::find_by_uri(conn, &follower_uri)?
                {
                    follow = Follow::find_pair(conn, follower.id, target_id)?;
                }
                let Some(follow) = follow.filter(|f| f.target_account_id == target_id) else {
                    return Ok(Handled::Ignored("no such follow request"));
                };
                if accepted {
                    trellis_domain::changes::follows::accept_follow(conn, state.ids(), follow.id)?;
                } else {
                    trellis_domain::changes::follows::remove_follow(conn, follow.id)?;
                }
                Ok(Handled::Applied)
            })
        })
        .await?)
}
