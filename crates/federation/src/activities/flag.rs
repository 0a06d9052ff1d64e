//! Flag: another server reports accounts and posts of this instance (Mastodon sends one from
//! its instance actor when a person there forwards a report). It becomes a report here,
//! made by the sending actor, and the moderators are notified.

use trellis_domain::services::reports;
use trellis_protocol::{Activity, Many, Reference};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::state::FedData;

use super::Handled;

/// Stores the report the Flag carries when it names an account or a post of this instance
/// (once per Flag id); recorded in the audit log as done by the instance itself.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Many<Reference>>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let uri = activity.id.to_string();
    let objects: Vec<String> = activity
        .object
        .iter()
        .take(reports::MAX_STATUSES + 1)
        .map(|o| o.as_str().to_string())
        .collect();
    let comment = activity.content.clone();
    let reporter = actor.account.id;
    let state = (*data).clone();
    let stored = data
        .db()
        .write(move |conn| {
            use diesel::Connection;
            conn.transaction(|conn| {
                reports::receive_flag(conn, &state, reporter, &uri, &objects, comment.as_deref())
            })
        })
        .await?;
    data.events().wake();
    Ok(match stored {
        Some(_) => Handled::Applied,
        None => Handled::Ignored("flag of nothing known here"),
    })
}
