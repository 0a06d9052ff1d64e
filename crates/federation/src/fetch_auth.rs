//! Authorized fetch: who is asking, from the HTTP signature of a GET.

use std::time::SystemTime;
use trellis_protocol::signatures::{OwnHost, check_request};

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Object;
use axum::http::{HeaderMap, Method};

use trellis_storage::models::Account;

use super::error::FederationError;
use super::key_owner::{KeyOwner, owner_of_key};
use super::objects::person::ActorObject;
use trellis_domain::state::FedData;
use trellis_protocol::signatures::{parse_signature_header, verify_request};

/// The actor who signed this request; `None` when it is unsigned. A signature that is present
/// but does not verify is an error (401), never an anonymous request. A signature by a server
/// the federation policy does not admit is refused (403) before anything is fetched.
///
/// The signature's form, date and signed `host` (which must be this server) are checked before
/// anything is fetched. The signer is the owner of the `keyId` ([`owner_of_key`]), whatever
/// shape the key id has. When the signature does not verify with the stored key, the owner is
/// refetched once (key rotation).
pub async fn requester(
    data: &FedData,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
) -> Result<Option<Account>, FederationError> {
    let has_signature = headers.contains_key("signature")
        || headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("Signature "));
    if !has_signature {
        return Ok(None);
    }
    let signature = parse_signature_header(headers)
        .map_err(|e| FederationError::Unauthorized(e.to_string()))?;
    let own_host = OwnHost::new(data.urls().base());
    check_request(&signature, method, headers, &own_host, SystemTime::now())
        .map_err(|e| FederationError::Unauthorized(e.to_string()))?;
    let key = url::Url::parse(&signature.key_id)
        .map_err(|_| FederationError::Unauthorized("the key id is not a URL".into()))?;
    crate::inbox::admit(data, &key).await?;
    let KeyOwner { actor, fresh } = owner_of_key(data, &signature.key_id).await?;
    let verify = |actor: &ActorObject| {
        if actor.account.public_key_id != signature.key_id {
            return Err(FederationError::Unauthorized("unknown key id".into()));
        }
        verify_request(
            &signature,
            method,
            path_and_query,
            headers,
            &own_host,
            &actor.account.public_key_pem,
            SystemTime::now(),
        )
        .map_err(|e| FederationError::Unauthorized(e.to_string()))
    };
    if verify(&actor).is_ok() {
        return Ok(Some(actor.account));
    }
    if fresh || actor.account.is_local() {
        return Err(FederationError::Unauthorized(
            "the signature does not verify".into(),
        ));
    }
    let refreshed = ObjectId::<ActorObject>::from(actor.id().clone())
        .dereference_forced(data)
        .await
        .map_err(|e| FederationError::Unauthorized(format!("cannot refetch the signer: {e}")))?;
    verify(&refreshed)?;
    Ok(Some(refreshed.account))
}

/// The peer who signed this request, for instances in `allowlist` mode, where every
/// ActivityPub document is served to peers only: unsigned is 401, a signature that does not
/// verify is 401, a signer that is no peer is 403.
pub async fn peer_requester(
    data: &FedData,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
) -> Result<Account, FederationError> {
    requester(data, method, path_and_query, headers)
        .await?
        .ok_or_else(|| {
            FederationError::Unauthorized("this instance serves signed requests only".into())
        })
}
