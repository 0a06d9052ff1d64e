//! Accept and Reject of a Follow that a local actor sent.

use diesel::Connection;
use serde_json::{Value, json};

use crate::db::models::{Account, Follow};
use crate::federation::context::FedData;
use crate::federation::error::FederationError;
use crate::federation::objects::person::ActorObject;
use crate::federation::protocol::values::first_id;

use super::{Handled, object_id, with_context};

/// Builds an Accept or Reject (`kind`) of the given Follow activity.
pub fn build(id: &str, actor: &str, kind: &str, follow: &Value) -> Value {
    let follow = json!({
        "id": follow.get("id").cloned().unwrap_or(Value::Null),
        "type": "Follow",
        "actor": first_id(follow.get("actor").unwrap_or(&Value::Null)),
        "object": first_id(follow.get("object").unwrap_or(&Value::Null)),
    });
    with_context(json!({ "id": id, "type": kind, "actor": actor, "object": follow }))
}

/// Marks the follow accepted, or removes it when rejected.
pub async fn receive(
    data: &FedData,
    activity: &Value,
    actor: &ActorObject,
    accepted: bool,
) -> Result<Handled, FederationError> {
    let follow_uri = object_id(activity)?;
    let embedded_follower = activity
        .get("object")
        .and_then(|o| o.get("actor"))
        .and_then(first_id);
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
                    Follow::accept(conn, state.ids(), follow.id)?;
                } else {
                    Follow::delete(conn, follow.id)?;
                }
                Ok(Handled::Applied)
            })
        })
        .await?)
}
