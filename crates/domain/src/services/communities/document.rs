//! A community's Group actor document as Lemmy shapes it (the actor document of an account,
//! plus `attributedTo` and `moderators` naming the moderators collection, `featured` and
//! `postingRestrictedToMods`), and that moderators collection.

use serde_json::{Value, json};

use crate::outbound::actor::to_document;
use crate::services::ServiceError;
use crate::state::AppState;
use trellis_protocol::json::context::ACTIVITYSTREAMS;
use trellis_storage::models::Account;
use trellis_storage::models::community::{Community, CommunityModerator, Posting};

/// The moderators collection of a community's actor.
pub fn moderators_url(actor: &Account) -> String {
    format!("{}/moderators", actor.uri)
}

/// The document of `account` when it is a local community's Group; `None` otherwise.
pub async fn actor_document(
    state: &AppState,
    account: &Account,
) -> Result<Option<Value>, ServiceError> {
    let id = account.id;
    let Some(community) = state
        .db()
        .read(move |conn| Community::find(conn, id))
        .await?
    else {
        return Ok(None);
    };
    let mut document = serde_json::to_value(to_document(account, state.urls()))
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    if let Value::Object(fields) = &mut document {
        let moderators = moderators_url(account);
        fields.insert("attributedTo".into(), json!(moderators));
        fields.insert("moderators".into(), json!(moderators));
        fields.insert(
            "featured".into(),
            json!(state.urls().user_featured(&account.username)),
        );
        fields.insert(
            "postingRestrictedToMods".into(),
            json!(community.posting == Posting::Moderators),
        );
        fields.insert("name".into(), json!(community.title));
    }
    Ok(Some(document))
}

/// The moderators collection of the community `account`, or `None` when it is none.
pub async fn moderators_collection(
    state: &AppState,
    account: &Account,
) -> Result<Option<Value>, ServiceError> {
    let id = account.id;
    let moderators = state
        .db()
        .read(move |conn| {
            Ok(match Community::find(conn, id)? {
                Some(_) => Some(CommunityModerator::of(conn, id)?),
                None => None,
            })
        })
        .await?;
    Ok(moderators.map(|list| {
        json!({
            "@context": ACTIVITYSTREAMS,
            "type": "OrderedCollection",
            "id": moderators_url(account),
            "totalItems": list.len(),
            "orderedItems": list.iter().map(|a| a.uri.clone()).collect::<Vec<_>>(),
        })
    }))
}
