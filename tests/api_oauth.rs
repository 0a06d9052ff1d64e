//! OAuth2 over real HTTP: app registration, the authorization page (PKCE, out-of-band,
//! custom schemes), the token endpoint's grants, revocation, scopes and the metadata document.

use crate::common;

use base64::Engine;
use common::TestInstance;
use diesel::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trellis::db::schema::{oauth_access_tokens, oauth_applications, oauth_authorization_codes};
use trellis::services::oauth::secret_hash;

const PASSWORD: &str = "correct horse battery";
const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
const VERIFIER: &str = "a-pkce-verifier-that-is-long-enough-0123456789-abcdefghij";

/// A registered app's credentials.
struct App {
    client_id: String,
    client_secret: String,
}

async fn register(instance: &TestInstance, redirect_uris: &str, scopes: &str) -> App {
    let response = instance
        .client
        .post(format!("{}/api/v1/apps", instance.base))
        .json(&json!({
            "client_name": "Test Client",
            "redirect_uris": redirect_uris,
            "scopes": scopes,
            "website": "https://client.example"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    App {
        client_id: body["client_id"].as_str().unwrap().to_string(),
        client_secret: body["client_secret"].as_str().unwrap().to_string(),
    }
}

/// A url-encoded body from pairs.
fn encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        out.append_pair(key.as_ref(), value.as_ref());
    }
    out.finish()
}

/// Adds a url-encoded body to a request.
trait FormBody {
    fn form_body<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self;
}

impl FormBody for reqwest::RequestBuilder {
    fn form_body<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self {
        self.header("Content-Type", "application/x-www-form-urlencoded")
            .body(encode(pairs))
    }
}

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Decodes the character references askama writes into attribute values.
fn unescape(text: &str) -> String {
    let re = regex::Regex::new(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);").unwrap();
    re.replace_all(text, |c: &regex::Captures| {
        let entity = &c[1];
        let code = if let Some(hex) = entity.strip_prefix("#x") {
            u32::from_str_radix(hex, 16).ok()
        } else if let Some(dec) = entity.strip_prefix('#') {
            dec.parse().ok()
        } else {
            None
        };
        match (code.and_then(char::from_u32), entity) {
            (Some(ch), _) => ch.to_string(),
            (None, "amp") => "&".into(),
            (None, "lt") => "<".into(),
            (None, "gt") => ">".into(),
            (None, "quot") => "\"".into(),
            (None, _) => "'".into(),
        }
    })
    .into_owned()
}

/// The hidden fields of the authorization form, as a browser would submit them.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(r#"<input type="hidden" name="([^"]+)" value="([^"]*)">"#).unwrap();
    re.captures_iter(html)
        .map(|c| (c[1].to_string(), unescape(&c[2])))
        .collect()
}

async fn authorize_page(instance: &TestInstance, query: &[(&str, &str)]) -> reqwest::Response {
    instance
        .client
        .get(format!(
            "{}/oauth/authorize?{}",
            instance.base,
            encode(query)
        ))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
}

/// GETs the page, then submits its form with the credentials.
async fn sign_in(
    instance: &TestInstance,
    query: &[(&str, &str)],
    login: &str,
    password: &str,
) -> reqwest::Response {
    let page = authorize_page(instance, query).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let mut form = hidden_fields(&html);
    assert!(!form.is_empty(), "{html}");
    form.push(("username".into(), login.into()));
    form.push(("password".into(), password.into()));
    form.push(("decision".into(), "allow".into()));
    instance
        .client
        .post(format!("{}/oauth/authorize", instance.base))
        .header("Accept", "text/html")
        .form_body(&form)
        .send()
        .await
        .unwrap()
}

fn query_param(location: &str, key: &str) -> Option<String> {
    let url = url::Url::parse(location).unwrap();
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn token_request(instance: &TestInstance, form: &[(&str, &str)]) -> reqwest::Response {
    instance
        .client
        .post(format!("{}/oauth/token", instance.base))
        .form_body(form)
        .send()
        .await
        .unwrap()
}

async fn get_with(instance: &TestInstance, path: &str, token: &str) -> reqwest::Response {
    instance
        .client
        .get(format!("{}{}", instance.base, path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn password_token(instance: &TestInstance, app: &App, login: &str, scope: &str) -> String {
    let response = token_request(
        instance,
        &[
            ("grant_type", "password"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("username", login),
            ("password", PASSWORD),
            ("scope", scope),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn app_registration_returns_the_application_entity() {
    let instance = TestInstance::start().await;
    let response = instance
        .client
        .post(format!("{}/api/v1/apps", instance.base))
        .form_body(&[
            ("client_name", "Form Client"),
            (
                "redirect_uris",
                "https://client.example/cb\noauth2redirect://callback",
            ),
            ("scopes", "read write follow"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let app: Value = response.json().await.unwrap();
    assert_eq!(app["name"], "Form Client");
    assert!(app["id"].is_string());
    assert_eq!(app["website"], Value::Null);
    assert_eq!(
        app["redirect_uri"],
        "https://client.example/cb\noauth2redirect://callback"
    );
    assert_eq!(
        app["redirect_uris"],
        json!(["https://client.example/cb", "oauth2redirect://callback"])
    );
    assert_eq!(app["scopes"], json!(["follow", "read", "write"]));
    assert_eq!(app["client_secret_expires_at"], 0);
    assert!(app["vapid_key"].as_str().is_some_and(|k| !k.is_empty()));
    let client_id = app["client_id"].as_str().unwrap();
    let client_secret = app["client_secret"].as_str().unwrap();
    assert!(client_id.len() >= 32 && client_secret.len() >= 32);

    // Arrays (JSON and Rails-style), and the default scope.
    let response = instance
        .client
        .post(format!("{}/api/v1/apps", instance.base))
        .json(&json!({"client_name": "Json", "redirect_uris": [OOB, "https://a.example/cb"]}))
        .send()
        .await
        .unwrap();
    let app: Value = response.json().await.unwrap();
    assert_eq!(app["redirect_uris"], json!([OOB, "https://a.example/cb"]));
    assert_eq!(app["scopes"], json!(["read"]));

    // The secret is stored only as a hash.
    let (stored_id, stored) = (client_id.to_string(), client_secret.to_string());
    let hashes: Vec<String> = instance
        .state()
        .db()
        .read(move |conn| {
            Ok(oauth_applications::table
                .filter(oauth_applications::client_id.eq(stored_id))
                .select(oauth_applications::client_secret_hash)
                .load(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(hashes, vec![secret_hash(&stored)]);
    instance.stop().await;
}

#[tokio::test]
async fn app_registration_rejects_bad_input() {
    let instance = TestInstance::start().await;
    let cases = [
        json!({"redirect_uris": OOB}),
        json!({"client_name": "  ", "redirect_uris": OOB}),
        json!({"client_name": "x"}),
        json!({"client_name": "x", "redirect_uris": "/relative/path"}),
        json!({"client_name": "x", "redirect_uris": "javascript:alert(1)"}),
        json!({"client_name": "x", "redirect_uris": "https://a.example/#frag"}),
        json!({"client_name": "x", "redirect_uris": OOB, "scopes": "read admin:everything"}),
        json!({"client_name": "x", "redirect_uris": OOB, "scopes": "everything"}),
        json!({"client_name": "x", "redirect_uris": OOB, "website": "not a url"}),
    ];
    for case in cases {
        let response = instance
            .client
            .post(format!("{}/api/v1/apps", instance.base))
            .json(&case)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{case}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{case}: {body}");
    }
    instance.stop().await;
}

#[tokio::test]
async fn authorization_code_flow_with_pkce() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    let redirect = "https://client.example/callback";
    let app = register(&instance, redirect, "read write follow").await;
    let challenge = s256(VERIFIER);
    let query = [
        ("response_type", "code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", redirect),
        ("scope", "read write"),
        ("state", "xyz&state=1"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("force_login", "true"),
        ("lang", "en"),
    ];

    // The page names the app and the scopes, and refuses to be framed.
    let page = authorize_page(&instance, &query).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    assert!(html.contains("Test Client"));
    assert!(html.contains("<code>read</code>") && html.contains("<code>write</code>"));
    assert!(!html.contains("<code>follow</code>"));
    assert!(html.contains(r#"type="password""#));

    let response = sign_in(&instance, &query, "alice", PASSWORD).await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(redirect), "{location}");
    assert_eq!(
        query_param(&location, "state").as_deref(),
        Some("xyz&state=1")
    );
    let code = query_param(&location, "code").unwrap();

    // The code is stored hashed, with its challenge.
    let stored: Vec<(String, Option<String>)> = instance
        .state()
        .db()
        .read(|conn| {
            Ok(oauth_authorization_codes::table
                .select((
                    oauth_authorization_codes::code_hash,
                    oauth_authorization_codes::code_challenge,
                ))
                .load(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(stored, vec![(secret_hash(&code), Some(challenge.clone()))]);

    // A wrong verifier fails (and consumes the code).
    let response = token_request(
        &instance,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("redirect_uri", redirect),
            ("code", &code),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier-0000",
            ),
        ],
    )
    .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"].is_string());

    // A fresh code with the right verifier works, once; the public client may omit its secret.
    let response = sign_in(&instance, &query, "alice", PASSWORD).await;
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let code = query_param(&location, "code").unwrap();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", redirect),
        ("code", code.as_str()),
        ("code_verifier", VERIFIER),
    ];
    let response = token_request(&instance, &exchange).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let token: Value = response.json().await.unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["scope"], "read write");
    let now = chrono::Utc::now().timestamp();
    let created_at = token["created_at"].as_i64().unwrap();
    assert!((now - created_at).abs() < 60, "{created_at}");
    let access_token = token["access_token"].as_str().unwrap();

    let response = get_with(&instance, "/api/v1/preferences", access_token).await;
    assert_eq!(response.status(), 200);
    let prefs: Value = response.json().await.unwrap();
    assert_eq!(prefs["posting:default:visibility"], "public");

    let response = token_request(&instance, &exchange).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");

    // The token is stored only as a hash.
    let hashes: Vec<String> = instance
        .state()
        .db()
        .read(|conn| {
            Ok(oauth_access_tokens::table
                .select(oauth_access_tokens::token_hash)
                .load(conn)?)
        })
        .await
        .unwrap();
    assert!(hashes.contains(&secret_hash(access_token)));
    assert!(!hashes.iter().any(|h| h == access_token));
    instance.stop().await;
}

#[tokio::test]
async fn authorization_code_exchange_checks_redirect_client_expiry_and_plain_pkce() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    let redirect = "https://client.example/callback";
    let app = register(
        &instance,
        &format!("{redirect} https://client.example/other"),
        "read",
    )
    .await;
    let other = register(&instance, redirect, "read").await;
    let query = [
        ("response_type", "code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", redirect),
        ("code_challenge", VERIFIER),
        ("code_challenge_method", "plain"),
    ];
    let new_code = || async {
        let response = sign_in(&instance, &query, "alice", PASSWORD).await;
        assert_eq!(response.status(), 302);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        query_param(&location, "code").unwrap()
    };
    let exchange = |app: &App, code: String, redirect: &'static str| {
        let form = vec![
            ("grant_type".to_string(), "authorization_code".to_string()),
            ("client_id".into(), app.client_id.clone()),
            ("client_secret".into(), app.client_secret.clone()),
            ("redirect_uri".into(), redirect.to_string()),
            ("code".into(), code),
            ("code_verifier".into(), VERIFIER.to_string()),
        ];
        let client = instance.client.clone();
        let url = format!("{}/oauth/token", instance.base);
        async move { client.post(url).form_body(&form).send().await.unwrap() }
    };

    // Another registered redirect URI than the one the code went to.
    let response = exchange(&app, new_code().await, "https://client.example/other").await;
    assert_eq!(response.status(), 400);
    // Another client.
    let response = exchange(&other, new_code().await, redirect).await;
    assert_eq!(response.status(), 400);
    // A wrong secret is an invalid client.
    let bad = App {
        client_id: app.client_id.clone(),
        client_secret: "not-the-secret".into(),
    };
    let response = exchange(&bad, new_code().await, redirect).await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    // An expired code.
    let code = new_code().await;
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(11);
    instance
        .state()
        .db()
        .write(move |conn| {
            diesel::update(oauth_authorization_codes::table)
                .set(oauth_authorization_codes::expires_at.eq(past))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let response = exchange(&app, code, redirect).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    // Without PKCE the client must prove its secret, even if it sends a verifier.
    let no_pkce = [
        ("response_type", "code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", redirect),
    ];
    let response = sign_in(&instance, &no_pkce, "alice", PASSWORD).await;
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let code = query_param(&location, "code").unwrap();
    let response = token_request(
        &instance,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &app.client_id),
            ("redirect_uri", redirect),
            ("code", &code),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    // Plain PKCE with the right verifier and HTTP Basic client credentials.
    let code = new_code().await;
    let response = instance
        .client
        .post(format!("{}/oauth/token", instance.base))
        .basic_auth(&app.client_id, Some(&app.client_secret))
        .json(&json!({
            "grant_type": "authorization_code",
            "redirect_uri": redirect,
            "code": code,
            "code_verifier": VERIFIER
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["scope"], "read");
    instance.stop().await;
}

#[tokio::test]
async fn out_of_band_shows_the_code_and_custom_schemes_redirect() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    let app = register(
        &instance,
        &format!("{OOB}\noauth2redirect://callback"),
        "read write",
    )
    .await;

    let query = [
        ("response_type", "code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", OOB),
        ("scope", "read"),
    ];
    let response = sign_in(&instance, &query, "alice", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let re = regex::Regex::new(r#"<code id="authorization-code"[^>]*>([^<]+)</code>"#).unwrap();
    let code = re.captures(&html).expect("code shown")[1].to_string();
    let response = token_request(
        &instance,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("redirect_uri", OOB),
            ("code", &code),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);

    let query = [
        ("response_type", "code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", "oauth2redirect://callback"),
        ("scope", "read write"),
        ("state", "s1"),
    ];
    let response = sign_in(&instance, &query, "alice@corp.example", PASSWORD).await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("oauth2redirect://callback?"),
        "{location}"
    );
    assert!(query_param(location, "code").is_some());
    assert_eq!(query_param(location, "state").as_deref(), Some("s1"));
    instance.stop().await;
}

#[tokio::test]
async fn the_authorization_page_refuses_bad_requests_without_redirecting() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    instance
        .create_user("bob", |p| p.email = "bob@corp.example".into())
        .await;
    let state = instance.state();
    instance.set_disabled("bob", true).await;
    let redirect = "https://client.example/callback";
    let app = register(&instance, redirect, "read").await;

    let bad = [
        vec![
            ("response_type", "code"),
            ("client_id", "nope"),
            ("redirect_uri", redirect),
        ],
        vec![
            ("response_type", "code"),
            ("client_id", app.client_id.as_str()),
            ("redirect_uri", "https://evil.example/cb"),
        ],
        vec![
            ("response_type", "token"),
            ("client_id", app.client_id.as_str()),
            ("redirect_uri", redirect),
        ],
        vec![
            ("response_type", "code"),
            ("client_id", app.client_id.as_str()),
            ("redirect_uri", redirect),
            ("scope", "read write"),
        ],
    ];
    for query in &bad {
        let response = authorize_page(&instance, query).await;
        assert_eq!(response.status(), 400, "{query:?}");
        assert!(response.headers().get("location").is_none());
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        // POSTing the same parameters with valid credentials is refused too.
        let mut form = query.clone();
        form.extend([("username", "alice"), ("password", PASSWORD)]);
        let response = instance
            .client
            .post(format!("{}/oauth/authorize", instance.base))
            .form_body(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query:?}");
        assert!(response.headers().get("location").is_none());
    }

    // Wrong passwords, unknown people and disabled people get the page again.
    let query = [
        ("response_type", "code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", redirect),
    ];
    for (login, password) in [
        ("alice", "wrong password"),
        ("nobody", PASSWORD),
        ("bob", PASSWORD),
        ("alice", ""),
    ] {
        let response = sign_in(&instance, &query, login, password).await;
        assert_eq!(response.status(), 401, "{login}");
        assert!(response.headers().get("location").is_none());
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"id="login-error""#), "{login}");
        assert!(html.contains(r#"type="password""#));
    }
    let codes: i64 = state
        .db()
        .read(|conn| Ok(oauth_authorization_codes::table.count().get_result(conn)?))
        .await
        .unwrap();
    assert_eq!(codes, 0);

    // Denying redirects with access_denied.
    let mut form: Vec<(&str, &str)> = query.to_vec();
    form.extend([("decision", "deny"), ("state", "s")]);
    let response = instance
        .client
        .post(format!("{}/oauth/authorize", instance.base))
        .form_body(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("access_denied")
    );
    assert!(query_param(location, "code").is_none());

    // A trailing slash is served too.
    let response = instance
        .client
        .get(format!(
            "{}/oauth/authorize/?{}",
            instance.base,
            encode(&query)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    instance.stop().await;
}

#[tokio::test]
async fn password_grant_accepts_username_or_email_within_the_app_scopes() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    let app = register(&instance, OOB, "read write").await;

    for login in ["alice", "alice@corp.example", "ALICE@corp.example"] {
        let token = password_token(&instance, &app, login, "read").await;
        let response = get_with(&instance, "/api/v1/preferences", &token).await;
        assert_eq!(response.status(), 200, "{login}");
    }

    // Multipart bodies work too.
    let boundary = "trellis-test-boundary";
    let mut multipart = String::new();
    for (name, value) in [
        ("grant_type", "password"),
        ("client_id", app.client_id.as_str()),
        ("client_secret", app.client_secret.as_str()),
        ("username", "alice"),
        ("password", PASSWORD),
        ("scope", "read write"),
    ] {
        multipart.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    multipart.push_str(&format!("--{boundary}--\r\n"));
    let response = instance
        .client
        .post(format!("{}/oauth/token", instance.base))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(multipart)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["scope"], "read write");

    let failures = [
        (vec![("password", "wrong password")], 400, "invalid_grant"),
        (vec![("username", "nobody")], 400, "invalid_grant"),
        (vec![("scope", "read follow")], 400, "invalid_scope"),
        (vec![("scope", "admin")], 400, "invalid_scope"),
        (vec![("client_secret", "wrong")], 401, "invalid_client"),
        (vec![("client_id", "unknown")], 401, "invalid_client"),
        (
            vec![("grant_type", "refresh_magic")],
            400,
            "unsupported_grant_type",
        ),
        (vec![("grant_type", "")], 400, "invalid_request"),
    ];
    for (overrides, status, error) in failures {
        let mut form = vec![
            ("grant_type", "password"),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.as_str()),
            ("username", "alice"),
            ("password", PASSWORD),
            ("scope", "read"),
        ];
        for (key, value) in &overrides {
            for entry in form.iter_mut() {
                if entry.0 == *key {
                    entry.1 = value;
                }
            }
        }
        let response = token_request(&instance, &form).await;
        assert_eq!(response.status(), status, "{overrides:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], error, "{overrides:?}: {body}");
        assert!(body["error_description"].is_string());
    }
    instance.stop().await;
}

#[tokio::test]
async fn client_credentials_tokens_act_for_no_one() {
    let instance = TestInstance::start().await;
    let app = register(&instance, OOB, "read write").await;
    let response = token_request(
        &instance,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("scope", "read"),
        ],
    )
    .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(body["scope"], "read");

    let response = get_with(&instance, "/api/v1/preferences", &token).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());

    let response = get_with(&instance, "/api/v1/apps/verify_credentials", &token).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["name"], "Test Client");
    assert_eq!(body["website"], "https://client.example");
    assert_eq!(body["scopes"], json!(["read", "write"]));
    assert!(body["vapid_key"].is_string());
    assert!(body.get("client_secret").is_none());

    let accounts: Vec<Option<i64>> = instance
        .state()
        .db()
        .read(|conn| {
            Ok(oauth_access_tokens::table
                .select(oauth_access_tokens::account_id)
                .load(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(accounts, vec![None]);

    let response = instance
        .client
        .get(format!("{}/api/v1/apps/verify_credentials", instance.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    instance.stop().await;
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    let app = register(&instance, OOB, "read").await;
    let other = register(&instance, OOB, "read").await;
    let token = password_token(&instance, &app, "alice", "read").await;
    assert_eq!(
        get_with(&instance, "/api/v1/preferences", &token)
            .await
            .status(),
        200
    );

    // Another app cannot revoke it; bad client credentials are refused.
    let response = instance
        .client
        .post(format!("{}/oauth/revoke", instance.base))
        .form_body(&[
            ("client_id", other.client_id.as_str()),
            ("client_secret", other.client_secret.as_str()),
            ("token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        get_with(&instance, "/api/v1/preferences", &token)
            .await
            .status(),
        200
    );
    let response = instance
        .client
        .post(format!("{}/oauth/revoke", instance.base))
        .form_body(&[
            ("client_id", app.client_id.as_str()),
            ("client_secret", "wrong"),
            ("token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    let response = instance
        .client
        .post(format!("{}/oauth/revoke", instance.base))
        .json(&json!({
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "token": token
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({}));
    let response = get_with(&instance, "/api/v1/preferences", &token).await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());
    instance.stop().await;
}

#[tokio::test]
async fn scopes_are_enforced() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    let narrow = instance.token("alice", "read:statuses write").await;
    let response = get_with(&instance, "/api/v1/preferences", &narrow).await;
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());
    let granular = instance.token("alice", "read:accounts").await;
    assert_eq!(
        get_with(&instance, "/api/v1/preferences", &granular)
            .await
            .status(),
        200
    );
    assert_eq!(
        get_with(&instance, "/api/v1/preferences", "not-a-token")
            .await
            .status(),
        401
    );
    instance.stop().await;
}

#[tokio::test]
async fn authorization_server_metadata() {
    let instance = TestInstance::start().await;
    let response = instance
        .get(
            "/.well-known/oauth-authorization-server",
            "application/json",
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let body: Value = response.json().await.unwrap();
    let base = &instance.base;
    assert_eq!(body["issuer"], format!("{base}/"));
    assert_eq!(
        body["authorization_endpoint"],
        format!("{base}/oauth/authorize")
    );
    assert_eq!(body["token_endpoint"], format!("{base}/oauth/token"));
    assert_eq!(body["revocation_endpoint"], format!("{base}/oauth/revoke"));
    assert_eq!(
        body["app_registration_endpoint"],
        format!("{base}/api/v1/apps")
    );
    let scopes = body["scopes_supported"].as_array().unwrap();
    assert_eq!(scopes.len(), trellis::services::scopes::KNOWN.len());
    assert!(scopes.contains(&json!("read:statuses")));
    assert_eq!(body["response_types_supported"], json!(["code"]));
    assert!(body["response_modes_supported"].is_array());
    assert_eq!(
        body["grant_types_supported"],
        json!(["authorization_code", "password", "client_credentials"])
    );
    assert_eq!(body["code_challenge_methods_supported"], json!(["S256"]));
    assert!(
        body["token_endpoint_auth_methods_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("client_secret_post"))
    );
    assert!(body["service_documentation"].is_string());
    instance.stop().await;
}

#[tokio::test]
async fn token_endpoint_answers_cors_preflights() {
    let instance = TestInstance::start().await;
    for path in ["/oauth/token", "/oauth/revoke", "/api/v1/apps"] {
        let response = instance
            .client
            .request(reqwest::Method::OPTIONS, format!("{}{path}", instance.base))
            .header("Origin", "https://web-client.example")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}");
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
    }
    instance.stop().await;
}
