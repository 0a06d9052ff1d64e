//! Inbound activities: signature and digest verification, de-duplication, dispatch.
//!
//! Every POST to an inbox must carry a SHA-256 Digest of its body and a draft-cavage HTTP
//! signature, made for this server, by a key of the activity's actor. Anything else is
//! answered with 401 and changes nothing. A server the federation policy does not admit (a
//! blocked domain; in `allowlist` mode, anyone but a peer) is answered with 403. Everything that can be checked without the key (the
//! Digest, the signature's form, date and host, the ids) is checked before anything the request
//! names is fetched. A key that no longer verifies triggers one refetch of the actor (key
//! rotation).
//!
//! Once the signature verifies, what became of the activity (applied, ignored, a duplicate, or
//! refused because it names an object that is missing or not the actor's) is logged and never
//! told to the sender, so an inbox cannot be used to probe for objects.

use std::time::SystemTime;
use trellis_protocol::signatures::{OwnHost, check_request};

use activitypub_federation::fetch::object_id::ObjectId;
use axum::http::{HeaderMap, Method};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use trellis_domain::urls::Urls;
use trellis_storage::models::ReceivedActivity;

use super::activities::{self, Handled};
use super::error::FederationError;
use super::objects::person::ActorObject;
use trellis_domain::state::FedData;
use trellis_protocol::signatures::{
    SignatureHeader, parse_signature_header, verify_digest, verify_request,
};
use trellis_protocol::{ActivityKind, Inbound, Many, Reference};

/// A request as it reached an inbox.
pub struct InboxRequest<'a> {
    /// POST.
    pub method: &'a Method,
    /// Path and query as received.
    pub path_and_query: &'a str,
    /// Request headers.
    pub headers: &'a HeaderMap,
    /// Raw body.
    pub body: &'a [u8],
}

/// What the inbox did with an accepted request. It is for the log only: the sender gets the
/// same answer whatever it is.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// Verified and applied (or ignored as irrelevant).
    Processed(Handled),
    /// Already processed earlier.
    Duplicate,
    /// Verified, but it names an object that does not exist or is not the actor's to act on.
    NotApplied,
}

/// Verifies and applies one inbound activity.
pub async fn receive(
    data: &FedData,
    request: InboxRequest<'_>,
) -> Result<Received, FederationError> {
    let own_host = OwnHost::new(data.urls().base());
    verify_digest(request.headers, request.body)
        .map_err(|e| FederationError::Unauthorized(e.to_string()))?;
    let signature = parse_signature_header(request.headers)
        .map_err(|e| FederationError::Unauthorized(e.to_string()))?;
    check_request(
        &signature,
        request.method,
        request.headers,
        &own_host,
        SystemTime::now(),
    )
    .map_err(|e| FederationError::Unauthorized(e.to_string()))?;
    let activity: Value = serde_json::from_slice(request.body)
        .map_err(|e| FederationError::Invalid(format!("the body is not JSON: {e}")))?;
    let activity_id = activity
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| Url::parse(id).ok())
        .ok_or_else(|| FederationError::Invalid("the activity has no id".into()))?;
    let actor_url = activity
        .get("actor")
        .and_then(|actor| Many::<Reference>::deserialize(actor).ok())
        .and_then(|actors| actors.first().map(|actor| actor.url().clone()))
        .ok_or_else(|| FederationError::Invalid("the activity has no actor".into()))?;
    if Urls::authority(&activity_id) != Urls::authority(&actor_url) {
        return Err(FederationError::Invalid(
            "the activity id and its actor are on different servers".into(),
        ));
    }
    if data.urls().is_local(&actor_url) {
        return Err(FederationError::Invalid(
            "activities from this instance are not accepted here".into(),
        ));
    }
    let key_authority = Url::parse(&signature.key_id)
        .ok()
        .and_then(|key| Urls::authority(&key));
    if key_authority.is_none() || key_authority != Urls::authority(&actor_url) {
        return Err(FederationError::Unauthorized(
            "the signing key is not on the actor's server".into(),
        ));
    }
    admit(data, &actor_url).await?;
    let activity = read_activity(&activity)?;

    let outcome = apply(
        data,
        &request,
        &signature,
        &own_host,
        &activity_id,
        &actor_url,
        &activity,
    )
    .await;
    match &outcome {
        Ok(received) => {
            tracing::info!(activity = %activity_id, kind = activity.kind().name(), actor = %actor_url, outcome = ?received, "received")
        }
        Err(e) => {
            tracing::info!(activity = %activity_id, actor = %actor_url, error = %e.log_detail(), "inbound activity refused")
        }
    }
    outcome
}

/// Refuses (403) a server the federation policy does not admit: a blocked domain, or in
/// `allowlist` mode anyone but a peer. Nothing has been fetched yet.
pub(crate) async fn admit(data: &FedData, url: &Url) -> Result<(), FederationError> {
    let policy = data.federation_policy().await?;
    policy
        .admits_url(url)
        .map_err(|refusal| FederationError::Forbidden(refusal.to_string()))
}

/// The typed activity. A known kind whose required parts are missing or malformed is invalid;
/// a document without a `type`, like an unknown kind, is unsupported (accepted and ignored).
fn read_activity(activity: &Value) -> Result<Inbound, FederationError> {
    match Inbound::parse(activity) {
        Ok(inbound) => Ok(inbound),
        Err(_) if ActivityKind::of(activity).is_none() => {
            Ok(Inbound::Unsupported(ActivityKind::Other(String::new())))
        }
        Err(e) => Err(FederationError::Invalid(e.to_string())),
    }
}

/// Verifies the signature with the actor's key, then applies the activity once.
async fn apply(
    data: &FedData,
    request: &InboxRequest<'_>,
    signature: &SignatureHeader,
    own_host: &OwnHost,
    activity_id: &Url,
    actor_url: &Url,
    activity: &Inbound,
) -> Result<Received, FederationError> {
    let Some(actor) =
        verified_actor(data, request, signature, own_host, actor_url, activity).await?
    else {
        return Ok(Received::Processed(Handled::Ignored(
            "deleted actor is unknown",
        )));
    };

    let id = activity_id.to_string();
    let probe = id.clone();
    if data
        .db()
        .read(move |conn| ReceivedActivity::seen(conn, &probe))
        .await?
    {
        return Ok(Received::Duplicate);
    }
    let handled = match activities::dispatch(data, activity, &actor).await {
        Ok(handled) => handled,
        Err(e @ (FederationError::NotFound(_) | FederationError::Forbidden(_))) => {
            tracing::debug!(activity = %activity_id, error = %e.log_detail(), "not applied");
            return Ok(Received::NotApplied);
        }
        Err(e) => return Err(e),
    };
    let now = chrono::Utc::now().naive_utc();
    match data
        .db()
        .write(move |conn| ReceivedActivity::record(conn, &id, now))
        .await
    {
        Ok(_) => {}
        // A concurrent copy of the same activity recorded it first.
        Err(e) if e.is_unique_violation() => return Ok(Received::Duplicate),
        Err(e) => return Err(e.into()),
    }
    Ok(Received::Processed(handled))
}

/// Fetches (or reads) the actor, checks the signing key is theirs and verifies the signature,
/// refetching the actor once when the stored key does not verify. `None` means the activity
/// is the Delete of an actor we never knew, which is accepted and ignored.
async fn verified_actor(
    data: &FedData,
    request: &InboxRequest<'_>,
    signature: &SignatureHeader,
    own_host: &OwnHost,
    actor_url: &Url,
    activity: &Inbound,
) -> Result<Option<ActorObject>, FederationError> {
    let is_self_delete =
        matches!(activity, Inbound::Delete(delete) if delete.object.url() == actor_url);
    let object_id = ObjectId::<ActorObject>::from(actor_url.clone());
    let actor = match object_id.dereference(data).await {
        Ok(actor) => actor,
        Err(_) if is_self_delete => return Ok(None),
        Err(e) => {
            return Err(FederationError::Unauthorized(format!(
                "cannot fetch the actor's key: {e}"
            )));
        }
    };
    if check(request, signature, own_host, &actor).is_ok() {
        return Ok(Some(actor));
    }
    if is_self_delete {
        // A deleted actor's document is gone; only the stored key can verify its Delete.
        return Err(FederationError::Unauthorized(
            "the signature does not verify".into(),
        ));
    }
    let refreshed = object_id.dereference_forced(data).await.map_err(|e| {
        FederationError::Unauthorized(format!("cannot refetch the actor's key: {e}"))
    })?;
    check(request, signature, own_host, &refreshed)
        .map_err(|e| FederationError::Unauthorized(e.to_string()))?;
    Ok(Some(refreshed))
}

fn check(
    request: &InboxRequest<'_>,
    signature: &SignatureHeader,
    own_host: &OwnHost,
    actor: &ActorObject,
) -> Result<(), FederationError> {
    if signature.key_id != actor.account.public_key_id {
        return Err(FederationError::Unauthorized(
            "the signing key does not belong to the activity's actor".into(),
        ));
    }
    verify_request(
        signature,
        request.method,
        request.path_and_query,
        request.headers,
        own_host,
        &actor.account.public_key_pem,
        SystemTime::now(),
    )
    .map_err(|e| FederationError::Unauthorized(e.to_string()))
}
