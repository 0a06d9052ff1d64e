//! Announce (boost) of a post.

use activitypub_federation::fetch::object_id::ObjectId;
use diesel::Connection;
use serde_json::{Value, json};
use url::Url;

use crate::db::models::post::Counter;
use crate::db::models::{NewPost, Post};
use crate::federation::audience::visibility_of;
use crate::federation::context::FedData;
use crate::federation::delivery;
use crate::federation::error::FederationError;
use crate::federation::objects::note::NoteObject;
use crate::federation::objects::person::ActorObject;
use crate::federation::protocol::values::ids;
use crate::services::visibility;

use super::{Handled, activity_id, object_id, with_context};

/// Builds an Announce of `object_uri`.
pub fn build(
    id: &str,
    actor: &str,
    object_uri: &str,
    to: &[String],
    cc: &[String],
    published: &str,
) -> Value {
    with_context(json!({
        "id": id,
        "type": "Announce",
        "actor": actor,
        "published": published,
        "to": to,
        "cc": cc,
        "object": object_uri,
    }))
}

/// Why a boost is not stored when its object cannot be had or may not be boosted: one answer
/// for both, so the inbox does not tell a hidden post from a missing one.
const UNAVAILABLE: &str = "boosted object unavailable";

/// Stores the boost (fetching the boosted post if it is not known yet). Only a public or
/// unlisted post its booster may see can be boosted, as for local boosts.
pub async fn receive(
    data: &FedData,
    activity: &Value,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    let target = object_id(activity)?;
    let uri = activity_id(activity)?;
    let target_url =
        Url::parse(&target).map_err(|_| FederationError::Invalid("object is not a URL".into()))?;
    let boosted = match ObjectId::<NoteObject>::from(target_url)
        .dereference(data)
        .await
    {
        Ok(note) => note.post,
        // Storage trouble here is ours: the sender should try again later.
        Err(e @ FederationError::Db(_)) => return Err(e),
        Err(e) => {
            tracing::debug!(error = %e, "boosted object unavailable");
            return Ok(Handled::Ignored(UNAVAILABLE));
        }
    };
    let to = ids(activity.get("to").unwrap_or(&Value::Null));
    let cc = ids(activity.get("cc").unwrap_or(&Value::Null));
    let visibility = visibility_of(&to, &cc, actor.account.followers_url.as_deref());
    let now = delivery::now();
    let new = NewPost {
        id: data.ids().next_id(),
        uri,
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
        visibility: visibility.as_str().into(),
        language: None,
        attachments: "[]".into(),
        local: false,
        created_at: now,
        edited_at: None,
        updated_at: now,
    };
    let state = (*data).clone();
    Ok(data
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                if !visibility::can_see(conn, &boosted, Some(new.account_id))?
                    || !boosted.visibility().is_world_readable()
                {
                    return Ok(Handled::Ignored(UNAVAILABLE));
                }
                if Post::find_by_uri(conn, &new.uri)?.is_some()
                    || Post::find_reblog(conn, new.account_id, boosted.id)?.is_some()
                {
                    return Ok(Handled::Ignored("already boosted"));
                }
                Post::insert(conn, state.ids(), &new, &[], &[])?;
                Post::add_to_counter(conn, boosted.id, Counter::Reblogs, 1)?;
                Ok(Handled::Applied)
            })
        })
        .await?)
}
