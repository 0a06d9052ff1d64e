//! The internal interface (`/internal/v1`), to act as local people without the client API.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::TestInstance;

/// The internal API token of instances started with [`TestInstance::start_with_internal`].
pub const INTERNAL_TOKEN: &str = "internal-test-token-0123456789";

impl TestInstance {
    /// Starts an instance with the internal interface enabled.
    pub async fn start_with_internal() -> Self {
        Self::start_with(&[("TRELLIS_INTERNAL_API_TOKEN", INTERNAL_TOKEN)]).await
    }

    /// An internal request: its status and JSON body (`Null` when empty).
    async fn internal_call(&self, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .request(method, format!("{}/internal/v1{path}", self.base))
            .bearer_auth(INTERNAL_TOKEN)
            .json(&body)
            .send()
            .await
            .expect("internal request");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// An internal request; panics unless it succeeds. Returns the JSON body (`Null` when
    /// empty).
    pub async fn internal(&self, method: Method, path: &str, body: Value) -> Value {
        let (status, body) = self.internal_call(method, path, body).await;
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    /// `user` publishes a post; panics unless it is created. Returns the post (`id`, `uri`).
    pub async fn post_as(&self, user: &str, text: &str, visibility: &str) -> Value {
        self.post_json_as(user, json!({ "text": text, "visibility": visibility }))
            .await
    }

    /// `user` publishes a post described by a JSON body (`text`, `visibility`, `in_reply_to`,
    /// `spoiler_text`, `sensitive`); panics unless it is created.
    pub async fn post_json_as(&self, user: &str, post: Value) -> Value {
        let (status, body) = self
            .internal_call(Method::POST, &format!("/users/{user}/posts"), post)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// `user` does `action` (`follow`, `like`, `boost`, `locked`, ...) with a JSON body.
    pub async fn act_as(&self, user: &str, action: &str, body: Value) -> Value {
        self.internal(Method::POST, &format!("/users/{user}/{action}"), body)
            .await
    }

    /// `user` follows `target` (a local username or a remote handle).
    pub async fn follow_as(&self, user: &str, target: &str) {
        self.act_as(user, "follow", json!({ "target": target }))
            .await;
    }
}
