//! Who owns a signing key.
//!
//! A key id is an opaque URL. Mastodon, Pleroma, Misskey and Trellis use `ACTOR#main-key`;
//! GoToSocial uses `ACTOR/main-key`, which serves a stub actor document; other servers serve a
//! standalone `CryptographicKey` (or `Key`) document that names its `owner`. So the owner is
//! never read off the key id: it is an actor on the key id's host whose `publicKey.id` is the
//! key id, found in storage or through the key document, the way Mastodon and GoToSocial
//! resolve it.

use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Object;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use trellis_domain::urls::Urls;
use trellis_storage::models::Account;

use super::error::FederationError;
use super::objects::person::ActorObject;
use trellis_domain::state::FedData;
use trellis_protocol::Actor as ActorDocument;
use trellis_protocol::{Many, Reference};

/// The owner of a key, and whether it was just read from its server (so refetching it cannot
/// show a newer key).
pub(crate) struct KeyOwner {
    /// The actor whose `publicKey.id` is the key id.
    pub actor: ActorObject,
    /// True when the actor document was fetched from its server while finding it.
    pub fresh: bool,
}

/// Finds the actor who owns `key_id`; every failure is [`FederationError::Unauthorized`],
/// apart from storage errors.
///
/// 1. An account stored with this key on the key id's host (local keys end here).
/// 2. Otherwise the key id is fetched (signed by the instance actor, at most 1 MiB). Its
///    document names the owner: the `owner` of a key document, the `publicKey.owner` of an
///    actor-shaped one, or else its `id`. The document and the owner must be on the key id's
///    host. When the document is the owner's actor document it is stored as is; otherwise the
///    owner is dereferenced, and refetched once if the stored copy has another key.
///
/// Either way the actor's `publicKey.id` must equal `key_id`.
pub(crate) async fn owner_of_key(
    data: &FedData,
    key_id: &str,
) -> Result<KeyOwner, FederationError> {
    let key_url = Url::parse(key_id).map_err(|_| unauthorized("the key id is not a URL"))?;
    let host = Urls::authority(&key_url).ok_or_else(|| unauthorized("the key id has no host"))?;
    let local = data.urls().is_local(&key_url);
    if let Some(actor) = stored_owner(data, key_id, &host, local).await? {
        return Ok(KeyOwner {
            actor,
            fresh: false,
        });
    }
    if local {
        return Err(unauthorized("unknown key id"));
    }
    fetched_owner(data, &key_url, key_id, &host).await
}

/// The stored account with this key on `host`, refreshed from its server when the stored copy
/// is old (as every dereference does); `None` when there is none or it no longer has the key.
async fn stored_owner(
    data: &FedData,
    key_id: &str,
    host: &str,
    local: bool,
) -> Result<Option<ActorObject>, FederationError> {
    let key = key_id.to_owned();
    let domain = (!local).then(|| host.to_owned());
    let Some(account) = data
        .db()
        .read(move |conn| Account::find_by_key_id(conn, &key, domain.as_deref()))
        .await?
    else {
        return Ok(None);
    };
    let uri = Url::parse(&account.uri)
        .map_err(|_| unauthorized("the stored key owner's id is not a URL"))?;
    let actor = dereference(data, &uri, false).await?;
    Ok(owns(&actor, key_id, host).then_some(actor))
}

/// Reads the owner from the document at the key id, then checks that it has the key.
async fn fetched_owner(
    data: &FedData,
    key_url: &Url,
    key_id: &str,
    host: &str,
) -> Result<KeyOwner, FederationError> {
    let mut document_url = key_url.clone();
    document_url.set_fragment(None);
    let fetched = fetch_object_http::<_, Value>(&document_url, data)
        .await
        .map_err(|e| unauthorized(format!("cannot fetch the key: {e}")))?;
    if Urls::authority(&fetched.url).as_deref() != Some(host) {
        return Err(unauthorized("the key document is on another server"));
    }
    let owner = owner_named_by(&fetched.object, key_id)
        .ok_or_else(|| unauthorized("the key document names no owner"))?;
    if Urls::authority(&owner).as_deref() != Some(host) {
        return Err(unauthorized(
            "the key's owner is on another server than the key",
        ));
    }
    let (actor, fresh) = if owner == fetched.url {
        // The owner's own actor document, as for `ACTOR#main-key` (and GoToSocial's stub,
        // whose `id` leads to the actor): no need to fetch it again.
        (store_actor(data, fetched.object, &fetched.url).await?, true)
    } else {
        let stored = dereference(data, &owner, false).await?;
        if owns(&stored, key_id, host) {
            (stored, false)
        } else {
            (dereference(data, &owner, true).await?, true)
        }
    };
    if !owns(&actor, key_id, host) {
        return Err(unauthorized("the key's owner does not name it as its key"));
    }
    Ok(KeyOwner { actor, fresh })
}

/// Checks and stores an actor document fetched from `url`.
async fn store_actor(
    data: &FedData,
    document: Value,
    url: &Url,
) -> Result<ActorObject, FederationError> {
    let document: ActorDocument = serde_json::from_value(document)
        .map_err(|e| unauthorized(format!("the key's owner is not an actor: {e}")))?;
    ActorObject::verify(&document, url, data)
        .await
        .map_err(|e| unauthorized(format!("the key's owner is not a valid actor: {e}")))?;
    ActorObject::from_json(document, data)
        .await
        .map_err(|e| owner_error(e, "cannot store the key's owner"))
}

/// The actor at `id`, from storage or its server (`forced`: always from its server).
async fn dereference(
    data: &FedData,
    id: &Url,
    forced: bool,
) -> Result<ActorObject, FederationError> {
    let object_id = ObjectId::<ActorObject>::from(id.clone());
    let actor = if forced {
        object_id.dereference_forced(data).await
    } else {
        object_id.dereference(data).await
    };
    actor.map_err(|e| owner_error(e, "cannot fetch the key's owner"))
}

/// A storage error as it is; anything else as a 401 saying what failed.
fn owner_error(error: FederationError, what: &str) -> FederationError {
    match error {
        FederationError::Db(e) => FederationError::Db(e),
        other => unauthorized(format!("{what}: {other}")),
    }
}

/// True when `actor` lives on `host` and its key is `key_id`.
fn owns(actor: &ActorObject, key_id: &str, host: &str) -> bool {
    actor.account.public_key_id == key_id && Urls::authority(actor.id()).as_deref() == Some(host)
}

/// The parts of a key document (a `CryptographicKey`, or an actor with its `publicKey`) that
/// name the key's owner.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyDocument {
    #[serde(default)]
    id: Many<Reference>,
    #[serde(default)]
    owner: Many<Reference>,
    #[serde(default)]
    public_key: Many<KeyEntry>,
}

/// One `publicKey` entry of an actor.
#[derive(Deserialize)]
struct KeyEntry {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    owner: Many<Reference>,
}

/// The owner a key document names: the `owner` of a key document, the `owner` of the
/// `publicKey` entry with this id (or of the first one) in an actor-shaped document, or else the
/// document's `id`.
fn owner_named_by(document: &Value, key_id: &str) -> Option<Url> {
    let document = KeyDocument::deserialize(document).ok()?;
    let first = |ids: &Many<Reference>| ids.first().map(|id| id.url().clone());
    if let Some(owner) = first(&document.owner) {
        return Some(owner);
    }
    let key = document
        .public_key
        .iter()
        .find(|key| key.id.as_deref() == Some(key_id))
        .or_else(|| document.public_key.first());
    key.and_then(|key| first(&key.owner))
        .or_else(|| first(&document.id))
}

fn unauthorized(message: impl Into<String>) -> FederationError {
    FederationError::Unauthorized(message.into())
}

#[cfg(test)]
mod tests {
    use super::owner_named_by;
    use serde_json::json;

    const PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIB...\n-----END PUBLIC KEY-----\n";

    fn owner(document: serde_json::Value, key_id: &str) -> Option<String> {
        owner_named_by(&document, key_id).map(String::from)
    }

    #[test]
    fn gotosocial_stub_names_the_actor() {
        let key = "https://gts.example/users/alice/main-key";
        let stub = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": "https://gts.example/users/alice",
            "type": "Person",
            "preferredUsername": "alice",
            "publicKey": {
                "id": key,
                "owner": "https://gts.example/users/alice",
                "publicKeyPem": PEM,
            },
        });
        assert_eq!(
            owner(stub, key).as_deref(),
            Some("https://gts.example/users/alice")
        );
    }

    #[test]
    fn key_document_names_its_owner() {
        let key = "https://pl.example/keys/7";
        for kind in ["CryptographicKey", "Key"] {
            let document = json!({
                "@context": "https://w3id.org/security/v1",
                "id": key,
                "type": kind,
                "owner": "https://pl.example/users/bob",
                "publicKeyPem": PEM,
            });
            assert_eq!(
                owner(document, key).as_deref(),
                Some("https://pl.example/users/bob"),
                "{kind}"
            );
        }
        let owner_as_object = json!({
            "id": key,
            "type": "CryptographicKey",
            "owner": {"id": "https://pl.example/users/bob", "type": "Person"},
        });
        assert_eq!(
            owner(owner_as_object, key).as_deref(),
            Some("https://pl.example/users/bob")
        );
    }

    #[test]
    fn actor_document_names_the_owner_of_the_matching_key() {
        let key = "https://ms.example/users/carol/publickey";
        let actor = json!({
            "id": "https://ms.example/users/carol",
            "type": "Person",
            "publicKey": [
                {"id": "https://ms.example/users/carol#ed25519", "owner": "https://ms.example/users/other"},
                {"id": key, "owner": "https://ms.example/users/carol", "publicKeyPem": PEM},
            ],
        });
        assert_eq!(
            owner(actor, key).as_deref(),
            Some("https://ms.example/users/carol")
        );
        let mastodon = json!({
            "id": "https://m.example/users/dave",
            "type": "Person",
            "publicKey": {
                "id": "https://m.example/users/dave#main-key",
                "owner": "https://m.example/users/dave",
                "publicKeyPem": PEM,
            },
        });
        assert_eq!(
            owner(mastodon, "https://m.example/users/dave#main-key").as_deref(),
            Some("https://m.example/users/dave")
        );
    }

    #[test]
    fn without_an_owner_the_document_id_is_the_owner() {
        let key = "https://x.example/users/erin/main-key";
        let actor = json!({
            "id": "https://x.example/users/erin",
            "type": "Person",
            "publicKey": {"id": key, "publicKeyPem": PEM},
        });
        assert_eq!(
            owner(actor, key).as_deref(),
            Some("https://x.example/users/erin")
        );
    }

    #[test]
    fn documents_naming_nothing_usable_have_no_owner() {
        let key = "https://x.example/keys/1";
        assert_eq!(owner(json!({}), key), None);
        assert_eq!(owner(json!({"id": "not a url"}), key), None);
        assert_eq!(owner(json!({"owner": 7, "publicKey": "x"}), key), None);
        assert_eq!(owner(json!([1, 2]), key), None);
        assert_eq!(owner(json!(null), key), None);
    }
}
