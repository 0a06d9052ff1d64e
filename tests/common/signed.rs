//! Requests signed as another server would sign them (draft-cavage, Mastodon's header sets).

use std::time::SystemTime;

use trellis::federation::signatures::{SigningKey, sign_get, sign_post};
use url::Url;

use serde_json::json;
use trellis::services::keys;

use super::{FakePeer, TestInstance};

/// The media type of signed requests.
const ACTIVITY_JSON: &str = "application/activity+json";

impl TestInstance {
    /// A person `username` on the stand-in server `peer` (its actor document served there),
    /// and the key that signs as them.
    pub async fn stand_in_signer(&self, peer: &FakePeer, username: &str) -> SigningKey {
        let pair = keys::generate(self.state()).await.unwrap();
        let id = peer.url(&format!("/users/{username}"));
        let key_id = format!("{id}#main-key");
        peer.set(
            &format!("/users/{username}"),
            json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": id,
                "type": "Person",
                "preferredUsername": username,
                "inbox": format!("{id}/inbox"),
                "publicKey": {"id": key_id, "owner": id, "publicKeyPem": pair.public_key},
            }),
        );
        SigningKey::from_pem(&key_id, &pair.private_key).unwrap()
    }

    /// A GET of `url` (on this instance) signed with `key`.
    pub async fn signed_get(&self, url: &str, key: &SigningKey) -> reqwest::Response {
        let url = Url::parse(url).unwrap();
        let headers = sign_get(key, &url, ACTIVITY_JSON, SystemTime::now()).unwrap();
        let mut request = self.client.get(url).header("accept", ACTIVITY_JSON);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send().await.unwrap()
    }

    /// A POST to this instance's shared inbox signed with `key` over `signed_body`, sending
    /// `sent_body` (the same bytes, unless the test tampers with them).
    pub async fn signed_post(
        &self,
        key: &SigningKey,
        signed_body: &[u8],
        sent_body: &[u8],
    ) -> reqwest::Response {
        let inbox = Url::parse(&format!("{}/inbox", self.base)).unwrap();
        let headers =
            sign_post(key, &inbox, signed_body, ACTIVITY_JSON, SystemTime::now()).unwrap();
        let mut request = self
            .client
            .post(inbox)
            .header("content-type", ACTIVITY_JSON);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.body(sent_body.to_vec()).send().await.unwrap()
    }
}
