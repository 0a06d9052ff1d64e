//! Helpers shared by the statuses, timelines and lists API tests: an instance with the
//! internal interface (to follow people), JSON requests with bearer tokens, token revocation.

#![allow(dead_code)]

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::TestInstance;

/// The internal API token of test instances.
pub const INTERNAL: &str = "internal-test-token-for-statuses-api";

/// An instance with helpers for the client API.
pub struct Api {
    /// The running instance.
    pub inst: TestInstance,
}

/// A response: status, `Link` header and JSON body (`Null` when not JSON).
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// The `Link` header, if any.
    pub link: Option<String>,
    /// The body.
    pub body: Value,
}

impl Reply {
    /// The `id` of each item of a JSON array body.
    pub fn ids(&self) -> Vec<String> {
        self.body
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|i| i["id"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The body's `id`.
    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_default().to_string()
    }
}

impl Api {
    /// Starts an instance with the internal interface enabled.
    pub async fn start() -> Self {
        let inst = TestInstance::start_with(&[("TRELLIS_INTERNAL_API_TOKEN", INTERNAL)]).await;
        Self { inst }
    }

    /// Creates people and returns a full-access token for each.
    pub async fn people(&self, names: &[&str]) -> Vec<String> {
        let mut tokens = Vec::new();
        for name in names {
            self.inst.create_user(name, |_| {}).await;
            tokens.push(self.inst.token(name, "read write follow").await);
        }
        tokens
    }

    /// A request with an optional token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self
            .inst
            .client
            .request(method, format!("{}{}", self.inst.base, path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let link = response
            .headers()
            .get("link")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply { status, link, body }
    }

    /// GET.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// POST with a url-encoded body.
    pub async fn post_form(&self, path: &str, token: &str, form: &[(&str, &str)]) -> Reply {
        let response = self
            .inst
            .client
            .post(format!("{}{}", self.inst.base, path))
            .bearer_auth(token)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(form)
                    .finish(),
            )
            .send()
            .await
            .expect("request sent");
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        Reply {
            status,
            link: None,
            body,
        }
    }

    /// Posts a status as the token's owner; panics unless it succeeds.
    pub async fn status(&self, token: &str, body: Value) -> Value {
        let reply = self.post("/api/v1/statuses", Some(token), body).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        reply.body
    }

    /// `follower` follows `target` (local usernames), through the internal interface.
    pub async fn follow(&self, follower: &str, target: &str) {
        let response = self
            .inst
            .client
            .post(format!(
                "{}/internal/v1/users/{follower}/follow",
                self.inst.base
            ))
            .bearer_auth(INTERNAL)
            .json(&serde_json::json!({ "target": target }))
            .send()
            .await
            .expect("request sent");
        assert!(response.status().is_success(), "{:?}", response.status());
    }

    /// Revokes a token.
    pub async fn revoke(&self, token: &str) {
        use trellis::db::models::oauth::AccessToken;
        use trellis::services::oauth;
        let state = self.inst.running.as_ref().unwrap().state.clone();
        let grant = oauth::authenticate(&state, token)
            .await
            .unwrap()
            .expect("token valid");
        let hash = oauth::secret_hash(token);
        state
            .db()
            .write(move |conn| {
                AccessToken::revoke(
                    conn,
                    &hash,
                    grant.application_id,
                    chrono::Utc::now().naive_utc(),
                )
            })
            .await
            .unwrap();
    }

    /// The local account id of `username`.
    pub async fn account_id(&self, username: &str) -> String {
        let state = &self.inst.running.as_ref().unwrap().state;
        trellis::services::accounts::find(state, username)
            .await
            .unwrap()
            .account
            .id
            .to_string()
    }

    /// Checks the 401 (no token, revoked token) and 403 (token without the scope) answers of
    /// an endpoint.
    pub async fn check_auth_errors(
        &self,
        method: Method,
        path: &str,
        revoked: &str,
        narrow: &str,
        body: Option<Value>,
    ) {
        let reply = self.call(method.clone(), path, None, body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} anonymous"
        );
        assert!(reply.body["error"].is_string(), "{method} {path}");
        let reply = self
            .call(method.clone(), path, Some(revoked), body.clone())
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} revoked"
        );
        let reply = self.call(method.clone(), path, Some(narrow), body).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path} scope");
    }

    /// Stops the instance.
    pub async fn stop(self) {
        self.inst.stop().await;
    }
}

/// The query value of `key` in the first `rel` link of a `Link` header.
pub fn link_param(link: &str, rel: &str, key: &str) -> Option<String> {
    let part = link
        .split(',')
        .find(|p| p.contains(&format!("rel=\"{rel}\"")))?;
    let url = part.trim().split(';').next()?.trim();
    let url = url.trim_start_matches('<').trim_end_matches('>');
    let parsed = url::Url::parse(url).ok()?;
    parsed
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}
