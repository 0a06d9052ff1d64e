//! Follow: a remote actor asks to follow a local one.

use diesel::Connection;
use trellis_protocol::{Activity, ActivityKind, Reference};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::outbound::delivery;
use trellis_domain::state::FedData;
use trellis_storage::models::{Account, Follow};

use trellis_domain::outbound::activities::accept;

use super::Handled;

/// Records the follow; accepts it at once unless the target approves followers manually.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Reference>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let target_uri = activity.object.as_str().to_string();
    let activity_id = activity.id.to_string();
    let follower = actor.account.clone();
    let state = (*data).clone();
    let follow_activity = activity.clone();
    let handled = data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let Some(target) =
                    Account::find_by_uri(conn, &target_uri)?.filter(Account::is_local)
                else {
                    return Ok(Handled::Ignored("the followed actor is not local"));
                };
                if !trellis_domain::changes::follows::may_follow(conn, follower.id, target.id)? {
                    let reject = accept::build(
                        &state.urls().new_activity(),
                        &target.uri,
                        ActivityKind::Reject,
                        &follow_activity,
                    );
                    let inbox = [follower.inbox_url.clone()];
                    delivery::enqueue(conn, &state, target.id, &reject, inbox)?;
                    return Ok(Handled::Ignored("a block stands between the two accounts"));
                }
                let follow = trellis_domain::changes::follows::store_follow(
                    conn,
                    state.ids(),
                    &Follow {
                        id: state.ids().next_id(),
                        account_id: follower.id,
                        target_account_id: target.id,
                        uri: activity_id,
                        accepted: !target.locked,
                        created_at: delivery::now(),
                    },
                )?;
                if follow.accepted {
                    let accept = accept::build(
                        &state.urls().new_activity(),
                        &target.uri,
                        ActivityKind::Accept,
                        &follow_activity,
                    );
                    delivery::enqueue(
                        conn,
                        &state,
                        target.id,
                        &accept,
                        [follower.inbox_url.clone()],
                    )?;
                }
                Ok(Handled::Applied)
            })
        })
        .await?;
    data.wake_delivery();
    Ok(handled)
}
