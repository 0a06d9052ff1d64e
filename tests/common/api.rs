//! Client API requests: JSON calls with an optional bearer token, url-encoded forms, and the
//! account and token helpers the client API tests share.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::TestInstance;

/// The scopes of a full-access client token.
pub const ALL_SCOPES: &str = "read write follow";

/// A client API response: status, JSON body (`Null` when empty or not JSON) and `Link` header.
#[derive(Debug)]
pub struct ApiResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: Value,
    /// The `Link` header, if any.
    pub link: Option<String>,
}

impl ApiResponse {
    /// Status and body.
    pub fn parts(self) -> (StatusCode, Value) {
        (self.status, self.body)
    }

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

impl TestInstance {
    /// The running instance's state.
    pub fn state(&self) -> &trellis::state::AppState {
        &self.running.as_ref().unwrap().state
    }

    /// A client API request with an optional bearer token and JSON body.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> ApiResponse {
        let mut request = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        ApiResponse::read(response).await
    }

    /// GET on the client API.
    pub async fn api_get(&self, path: &str, token: Option<&str>) -> ApiResponse {
        self.api(Method::GET, path, token, None).await
    }

    /// POST on the client API with an optional JSON body.
    pub async fn api_post(
        &self,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> ApiResponse {
        self.api(Method::POST, path, token, body).await
    }

    /// POST on the client API with a url-encoded body.
    pub async fn api_form(&self, path: &str, token: &str, form: &[(&str, &str)]) -> ApiResponse {
        let response = self
            .client
            .post(format!("{}{}", self.base, path))
            .bearer_auth(token)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form_body(form))
            .send()
            .await
            .expect("request sent");
        ApiResponse::read(response).await
    }

    /// Creates people and returns a full-access token for each.
    pub async fn people(&self, names: &[&str]) -> Vec<String> {
        let mut tokens = Vec::new();
        for name in names {
            self.create_user(name, |_| {}).await;
            tokens.push(self.token(name, ALL_SCOPES).await);
        }
        tokens
    }

    /// Creates a person with the admin role and returns a token of theirs with `scopes`
    /// (space-separated, `admin:` scopes included).
    pub async fn admin_token(&self, username: &str, scopes: &str) -> String {
        use trellis::services::accounts::Role;
        self.create_user(username, |person| person.role = Some(Role::Admin))
            .await;
        self.token(username, scopes).await
    }

    /// The local account id of `username`, as the client API writes it.
    pub async fn account_id(&self, username: &str) -> String {
        trellis::services::accounts::find(self.state(), username)
            .await
            .unwrap()
            .account
            .id
            .to_string()
    }

    /// Posts a status through the client API as the token's owner; panics unless it succeeds.
    pub async fn post_status(&self, token: &str, body: Value) -> Value {
        let reply = self
            .api_post("/api/v1/statuses", Some(token), Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        reply.body
    }

    /// Revokes a token as its application would.
    pub async fn revoke(&self, token: &str) {
        use trellis::db::models::oauth::AccessToken;
        use trellis::services::oauth;
        let state = self.state().clone();
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

    /// A token of `username` with `scopes`, already revoked.
    pub async fn revoked_token(&self, username: &str, scopes: &str) -> String {
        let token = self.token(username, scopes).await;
        self.revoke(&token).await;
        token
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
        let reply = self.api(method.clone(), path, None, body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} anonymous"
        );
        assert!(reply.body["error"].is_string(), "{method} {path}");
        let reply = self
            .api(method.clone(), path, Some(revoked), body.clone())
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} revoked"
        );
        let reply = self.api(method.clone(), path, Some(narrow), body).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path} scope");
    }
}

impl ApiResponse {
    async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let link = response
            .headers()
            .get("link")
            .map(|v| v.to_str().expect("ASCII Link header").to_string());
        let text = response.text().await.expect("body read");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self { status, body, link }
    }
}

/// A url-encoded form body.
pub fn form_body<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        form.append_pair(key.as_ref(), value.as_ref());
    }
    form.finish()
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
