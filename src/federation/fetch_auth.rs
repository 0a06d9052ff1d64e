//! Authorized fetch: who is asking, from the HTTP signature of a GET.

use std::time::SystemTime;

use activitypub_federation::fetch::object_id::ObjectId;
use axum::http::{HeaderMap, Method};
use url::Url;

use crate::db::models::Account;

use super::context::FedData;
use super::error::FederationError;
use super::objects::person::ActorObject;
use super::signatures::{key_owner_hint, parse_signature_header, verify_request};

/// The actor who signed this request; `None` when it is unsigned. A signature that is present
/// but does not verify is an error (401), never an anonymous request.
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
    let owner = Url::parse(key_owner_hint(&signature.key_id))
        .map_err(|_| FederationError::Unauthorized("the key id is not a URL".into()))?;
    let id = ObjectId::<ActorObject>::from(owner);
    let actor = id
        .dereference(data)
        .await
        .map_err(|e| FederationError::Unauthorized(format!("cannot fetch the signer: {e}")))?;
    let verify = |actor: &ActorObject| {
        if actor.account.public_key_id != signature.key_id {
            return Err(FederationError::Unauthorized("unknown key id".into()));
        }
        verify_request(
            &signature,
            method,
            path_and_query,
            headers,
            &actor.account.public_key_pem,
            SystemTime::now(),
        )
        .map_err(|e| FederationError::Unauthorized(e.to_string()))
    };
    if verify(&actor).is_ok() {
        return Ok(Some(actor.account));
    }
    if actor.account.is_local() {
        return Err(FederationError::Unauthorized(
            "the signature does not verify".into(),
        ));
    }
    let refreshed = id
        .dereference_forced(data)
        .await
        .map_err(|e| FederationError::Unauthorized(format!("cannot refetch the signer: {e}")))?;
    verify(&refreshed)?;
    Ok(Some(refreshed.account))
}
