//! Announce (boost) of a post, or a group relaying an activity (see [`super::relayed`]).

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::verification::verify_domains_match;
use trellis_protocol::{Activity, Announced};

use crate::error::FederationError;
use crate::objects::note::{NoteObject, store_remote_note};
use crate::objects::person::ActorObject;
use trellis_domain::state::FedData;
use trellis_domain::urls::Urls;

use super::Handled;
use super::boost::UNAVAILABLE;

/// Stores the boost (fetching the boosted post if it is not known yet). Only a public or
/// unlisted post its booster may see can be boosted, as for local boosts. An embedded post on
/// the booster's own server (a group relaying its posts, as Lemmy does) is taken as sent, so
/// an edited post is updated; any other is fetched from its origin.
pub(crate) async fn receive(
    data: &FedData,
    activity: &Activity<Announced>,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    if let Announced::Activity(inner) = &activity.object {
        return super::relayed::receive(data, activity, inner, actor).await;
    }
    let target_url = activity
        .object
        .id()
        .cloned()
        .ok_or_else(|| FederationError::Invalid("the activity has no object".into()))?;
    let on_booster_host =
        actor.account.domain.is_some() && Urls::authority(&target_url) == actor.account.domain;
    let fetched = match &activity.object {
        Announced::Object(object) if on_booster_host => {
            match object.author() {
                Some(author) => verify_domains_match(author.url(), &object.id)?,
                None => return Ok(Handled::Ignored(UNAVAILABLE)),
            }
            store_remote_note((**object).clone(), data).await
        }
        _ => {
            ObjectId::<NoteObject>::from(target_url)
                .dereference(data)
                .await
        }
    };
    let boosted = match fetched {
        Ok(note) => note.post,
        // Storage trouble here is ours: the sender should try again later.
        Err(e @ FederationError::Db(_)) => return Err(e),
        Err(e) => {
            tracing::debug!(error = %e, "boosted object unavailable");
            return Ok(Handled::Ignored(UNAVAILABLE));
        }
    };
    super::boost::store_boost(data, activity, actor, boosted).await
}
