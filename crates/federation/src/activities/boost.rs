//! Storing a remote actor's boost of a known post: shared by plain announces and by a group's
//! relayed activities.

use diesel::Connection;
use trellis_domain::services::visibility;
use trellis_protocol::{Activity, Announced};

use crate::error::FederationError;
use crate::objects::person::ActorObject;
use trellis_domain::outbound::audience::visibility_of;
use trellis_domain::outbound::delivery;
use trellis_domain::state::FedData;
use trellis_storage::models::post::Counter;
use trellis_storage::models::{NewPost, Post};

use super::Handled;

/// Why a boost is not stored when its object cannot be had or may not be boosted: one answer
/// for both, so the inbox does not tell a hidden post from a missing one.
pub(crate) const UNAVAILABLE: &str = "boosted object unavailable";

/// Stores `actor`'s boost of `boosted`, made by `activity` (once per booster and post).
pub(crate) async fn store_boost(
    data: &FedData,
    activity: &Activity<Announced>,
    actor: &ActorObject,
    boosted: Post,
) -> Result<Handled, FederationError> {
    let to = activity.addressed.to_ids();
    let cc = activity.addressed.cc_ids();
    let visibility = visibility_of(&to, &cc, actor.account.followers_url.as_deref());
    let now = delivery::now();
    let new = NewPost {
        id: data.ids().next_id(),
        uri: activity.id.to_string(),
        url: None,
        account_id: actor.account.id,
        object_type: "Announce".into(),
        in_reply_to_id: None,
        in_reply_to_uri: None,
        in_reply_to_account_id: None,
        reblog_of_id: Some(boosted.id),
        content: String::new(),
        source_text: None,
        summary: String::new(),
        sensitive: false,
        visibility,
        language: None,
        attachments: "[]".into(),
        local: false,
        created_at: now,
        edited_at: None,
        updated_at: now,
        local_only: false,
    };
    let state = (*data).clone();
    Ok(data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                if !visibility::can_see(conn, &boosted, Some(new.account_id))?
                    || !boosted.visibility.is_world_readable()
                {
                    return Ok(Handled::Ignored(UNAVAILABLE));
                }
                if Post::find_by_uri(conn, &new.uri)?.is_some()
                    || Post::find_reblog(conn, new.account_id, boosted.id)?.is_some()
                {
                    return Ok(Handled::Ignored("already boosted"));
                }
                trellis_domain::changes::posts::store_post(conn, state.ids(), &new, &[], &[])?;
                Post::add_to_counter(conn, boosted.id, Counter::Reblogs, 1)?;
                Ok(Handled::Applied)
            })
        })
        .await?)
}
