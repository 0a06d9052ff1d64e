//! Authorized fetch by servers whose key ids are not `ACTOR#fragment`, over real HTTP: a
//! stand-in server signs GETs of Trellis notes the way GoToSocial does (`ACTOR/main-key`, which
//! serves a stub actor) or with a standalone `CryptographicKey` document, and Trellis must
//! find the signer from the key's owner, and refuse keys whose owner is on another server or
//! does not name the key as its own.

use crate::common;

use common::{FakePeer, TestInstance};
use serde_json::{Value, json};
use trellis::db::models::Account;
use trellis::federation::signatures::SigningKey;
use trellis::services::keys;

const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
];

/// A remote person: the key pair, and the key id it signs with.
struct Remote {
    public_pem: String,
    private_pem: String,
}

impl Remote {
    /// A key pair from `instance`'s key source (its test pool: none of its own actors' pairs).
    async fn new(instance: &TestInstance) -> Self {
        let pair = keys::generate(instance.state()).await.unwrap();
        Self {
            public_pem: pair.public_key,
            private_pem: pair.private_key,
        }
    }

    /// Its private key, presented as `key_id`.
    fn signing_key(&self, key_id: &str) -> SigningKey {
        SigningKey::from_pem(key_id, &self.private_pem).unwrap()
    }

    /// Its actor document at `/users/NAME` on `peer`, with `publicKey.id` = `key_id`.
    fn actor(&self, peer: &FakePeer, name: &str, key_id: &str) -> Value {
        let id = peer.url(&format!("/users/{name}"));
        json!({
            "@context": CONTEXT,
            "id": id,
            "type": "Person",
            "preferredUsername": name,
            "inbox": format!("{id}/inbox"),
            "outbox": format!("{id}/outbox"),
            "publicKey": {"id": key_id, "owner": id, "publicKeyPem": self.public_pem},
        })
    }
}

/// What GoToSocial serves at a key id: the owner's id, type, username and key, nothing more.
fn gotosocial_stub(actor: &Value) -> Value {
    json!({
        "@context": CONTEXT,
        "id": actor["id"],
        "type": "Person",
        "preferredUsername": actor["preferredUsername"],
        "publicKey": actor["publicKey"],
    })
}

/// A standalone key document naming its owner.
fn key_document(key_id: &str, owner: &str, public_pem: &str) -> Value {
    json!({
        "@context": "https://w3id.org/security/v1",
        "id": key_id,
        "type": "CryptographicKey",
        "owner": owner,
        "publicKeyPem": public_pem,
    })
}

async fn stored_account(instance: &TestInstance, uri: &str) -> Option<Account> {
    let uri = uri.to_string();
    instance
        .state()
        .db()
        .read(move |conn| Account::find_by_uri(conn, &uri))
        .await
        .unwrap()
}

#[tokio::test]
async fn gotosocial_key_ids_identify_the_signer() {
    let trellis = TestInstance::start_with_internal().await;
    trellis.create_user("author", |_| {}).await;
    let private = trellis
        .post_as("author", "for my followers", "private")
        .await["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let public = trellis.post_as("author", "for everyone", "public").await["uri"]
        .as_str()
        .unwrap()
        .to_string();

    let peer = FakePeer::start().await;
    let alice = Remote::new(&trellis).await;
    let key_id = peer.url("/users/gts_alice/main-key");
    let actor = alice.actor(&peer, "gts_alice", &key_id);
    peer.set("/users/gts_alice", actor.clone());
    peer.set("/users/gts_alice/main-key", gotosocial_stub(&actor));
    let key = alice.signing_key(&key_id);

    // Known signer, not a follower: the followers-only note stays hidden (404, not 401), and
    // the owner is now stored with its key.
    assert_eq!(trellis.signed_get(&private, &key).await.status(), 404);
    let stored = stored_account(&trellis, &peer.url("/users/gts_alice"))
        .await
        .expect("the key's owner is stored");
    assert_eq!(stored.public_key_id, key_id);
    assert_eq!(trellis.signed_get(&public, &key).await.status(), 200);

    // gts_alice follows the author, signing the Follow with the same key.
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": peer.url("/users/gts_alice/follows/1"),
        "type": "Follow",
        "actor": actor["id"],
        "object": format!("{}/users/author", trellis.base),
    });
    let body = serde_json::to_vec(&follow).unwrap();
    assert_eq!(trellis.signed_post(&key, &body, &body).await.status(), 202);

    let response = trellis.signed_get(&private, &key).await;
    assert_eq!(response.status(), 200);
    let note: Value = response.json().await.unwrap();
    assert_eq!(note["id"], private.as_str());
    assert!(
        note["content"]
            .as_str()
            .unwrap()
            .contains("for my followers")
    );
    let unsigned = trellis
        .get(
            &private.replace(&trellis.base, ""),
            "application/activity+json",
        )
        .await;
    assert_eq!(unsigned.status(), 404);
    // Once stored, the signer is found by its key id: the stub is not fetched again.
    assert_eq!(peer.fetches("/users/gts_alice/main-key"), 1);

    // Key rotation under the same key id: the stored key fails, the owner is refetched once.
    let rotated = Remote::new(&trellis).await;
    let actor = rotated.actor(&peer, "gts_alice", &key_id);
    peer.set("/users/gts_alice", actor.clone());
    peer.set("/users/gts_alice/main-key", gotosocial_stub(&actor));
    let response = trellis
        .signed_get(&private, &rotated.signing_key(&key_id))
        .await;
    assert_eq!(response.status(), 200);
    // The old key no longer verifies.
    assert_eq!(trellis.signed_get(&private, &key).await.status(), 401);

    trellis.stop().await;
}

#[tokio::test]
async fn standalone_key_documents_name_their_owner() {
    let trellis = TestInstance::start_with_internal().await;
    trellis.create_user("author", |_| {}).await;
    let public = trellis.post_as("author", "for everyone", "public").await["uri"]
        .as_str()
        .unwrap()
        .to_string();

    let peer = FakePeer::start().await;
    let carol = Remote::new(&trellis).await;
    let key_id = peer.url("/keys/carol");
    let actor = carol.actor(&peer, "carol", &key_id);
    peer.set("/users/carol", actor.clone());
    peer.set(
        "/keys/carol",
        key_document(&key_id, actor["id"].as_str().unwrap(), &carol.public_pem),
    );

    let response = trellis
        .signed_get(&public, &carol.signing_key(&key_id))
        .await;
    assert_eq!(response.status(), 200);
    let stored = stored_account(&trellis, actor["id"].as_str().unwrap())
        .await
        .expect("the key's owner is stored");
    assert_eq!(stored.public_key_id, key_id);

    trellis.stop().await;
}

#[tokio::test]
async fn keys_their_owner_does_not_hold_are_refused() {
    let trellis = TestInstance::start_with_internal().await;
    trellis.create_user("author", |_| {}).await;
    let public = trellis.post_as("author", "for everyone", "public").await["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let peer = FakePeer::start().await;
    let elsewhere = FakePeer::start().await;
    let mallory = Remote::new(&trellis).await;
    let bob = Remote::new(&trellis).await;

    // Every refusal is the same 401: what failed goes to the log, not to the caller.
    let refused = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, json!({"error": "signature verification failed"}));
    };

    // A GoToSocial-shaped stub on the peer whose owner lives on another server, although that
    // actor names the key as its own.
    let key_id = peer.url("/users/gts_mallory/main-key");
    let owner = mallory.actor(&elsewhere, "mallory", &key_id);
    elsewhere.set("/users/mallory", owner.clone());
    peer.set("/users/gts_mallory/main-key", gotosocial_stub(&owner));
    refused(
        trellis
            .signed_get(&public, &mallory.signing_key(&key_id))
            .await,
    )
    .await;
    assert_eq!(peer.fetches("/users/gts_mallory/main-key"), 1);
    assert!(
        stored_account(&trellis, owner["id"].as_str().unwrap())
            .await
            .is_none()
    );

    // A key document on the peer naming an owner on another server.
    let key_id = peer.url("/keys/mallory");
    let owner = mallory.actor(&elsewhere, "mallory2", &key_id);
    elsewhere.set("/users/mallory2", owner.clone());
    peer.set(
        "/keys/mallory",
        key_document(&key_id, owner["id"].as_str().unwrap(), &mallory.public_pem),
    );
    refused(
        trellis
            .signed_get(&public, &mallory.signing_key(&key_id))
            .await,
    )
    .await;
    assert_eq!(peer.fetches("/keys/mallory"), 1);
    assert!(
        stored_account(&trellis, owner["id"].as_str().unwrap())
            .await
            .is_none()
    );

    // The stub names gts_bob, but gts_bob's own document has another key id.
    let bob_actor = bob.actor(&peer, "gts_bob", &peer.url("/users/gts_bob#main-key"));
    peer.set("/users/gts_bob", bob_actor.clone());
    let key_id = peer.url("/users/gts_bob/main-key");
    let mut stub = gotosocial_stub(&bob_actor);
    stub["publicKey"]["id"] = json!(key_id);
    peer.set("/users/gts_bob/main-key", stub);
    refused(trellis.signed_get(&public, &bob.signing_key(&key_id)).await).await;
    // gts_bob is known now, with his own key id only.
    let stored_bob = stored_account(&trellis, bob_actor["id"].as_str().unwrap())
        .await
        .expect("the named owner was read");
    assert_eq!(
        stored_bob.public_key_id,
        peer.url("/users/gts_bob#main-key")
    );

    // Same with a key document naming gts_bob.
    let key_id = peer.url("/keys/bob");
    peer.set(
        "/keys/bob",
        key_document(&key_id, bob_actor["id"].as_str().unwrap(), &bob.public_pem),
    );
    refused(trellis.signed_get(&public, &bob.signing_key(&key_id)).await).await;
    assert_eq!(peer.fetches("/keys/bob"), 1);
    let stored_bob = stored_account(&trellis, bob_actor["id"].as_str().unwrap())
        .await
        .expect("still known");
    assert_eq!(
        stored_bob.public_key_id,
        peer.url("/users/gts_bob#main-key")
    );

    // A key id that answers nothing.
    let key_id = peer.url("/users/nobody/main-key");
    refused(trellis.signed_get(&public, &bob.signing_key(&key_id)).await).await;
    assert_eq!(peer.fetches("/users/nobody/main-key"), 1);
    assert!(
        stored_account(&trellis, &peer.url("/users/nobody"))
            .await
            .is_none()
    );

    // Unsigned, the public note is served.
    assert_eq!(
        trellis
            .get(
                &public.replace(&trellis.base, ""),
                "application/activity+json"
            )
            .await
            .status(),
        200
    );
    trellis.stop().await;
}
