//! A remote person on a stand-in server: its actor document served by a [`FakePeer`], and
//! signed deliveries of its activities to an instance.

use serde_json::{Value, json};
use trellis::federation::signatures::SigningKey;

use super::{FakePeer, TestInstance};

const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
];
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// A remote person on a [`FakePeer`]: its key pair and actor document.
pub struct Remote {
    /// The actor id.
    pub id: String,
    /// The key that signs as the actor.
    pub key: SigningKey,
}

impl Remote {
    /// Serves `/users/NAME` on `peer`, changed by `edit` before it is served.
    pub async fn on(peer: &FakePeer, name: &str, edit: impl FnOnce(&mut Value)) -> Self {
        let pair = super::remote_keypair();
        let id = peer.url(&format!("/users/{name}"));
        let key_id = format!("{id}#main-key");
        let mut actor = json!({
            "@context": CONTEXT,
            "id": id,
            "type": "Person",
            "preferredUsername": name,
            "inbox": format!("{id}/inbox"),
            "outbox": format!("{id}/outbox"),
            "followers": format!("{id}/followers"),
            "endpoints": {"sharedInbox": peer.url("/inbox")},
            "publicKey": {"id": key_id, "owner": id, "publicKeyPem": pair.public_key},
        });
        edit(&mut actor);
        peer.set(&format!("/users/{name}"), actor);
        Self {
            key: SigningKey::from_pem(&key_id, &pair.private_key).unwrap(),
            id,
        }
    }

    /// Delivers `activity` to the instance's shared inbox, signed; returns the status.
    pub async fn deliver(&self, to: &TestInstance, activity: &Value) -> u16 {
        let body = serde_json::to_vec(activity).unwrap();
        to.signed_post(&self.key, &body, &body)
            .await
            .status()
            .as_u16()
    }

    /// A public Create of `object` (given its id, author and audience here).
    pub fn create(&self, n: u32, mut object: Value) -> Value {
        let object_id = format!("{}/objects/{n}", self.id);
        object["id"] = json!(object_id);
        object["attributedTo"] = json!(self.id);
        object["to"] = json!([PUBLIC]);
        json!({
            "@context": CONTEXT,
            "id": format!("{object_id}/activity"),
            "type": "Create",
            "actor": self.id,
            "to": [PUBLIC],
            "object": object,
        })
    }
}
