//! Client API search: `/api/v2/search` and `/api/v1/accounts/search`, locally and across two
//! instances (WebFinger resolution, then a follow through the API).

mod common;

use std::time::Duration;

use common::TestInstance;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const INTERNAL: &str = "internal-token-for-search-tests-000";
const ALL: &str = "read write follow";

async fn start() -> TestInstance {
    TestInstance::start_with(&[("TRELLIS_INTERNAL_API_TOKEN", INTERNAL)]).await
}

async fn call(
    instance: &TestInstance,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = instance
        .client
        .request(method, format!("{}{}", instance.base, path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn get(instance: &TestInstance, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    call(instance, Method::GET, path, token).await
}

async fn publish(instance: &TestInstance, user: &str, text: &str, visibility: &str) -> String {
    let response = instance
        .client
        .post(format!("{}/internal/v1/users/{user}/posts", instance.base))
        .bearer_auth(INTERNAL)
        .json(&json!({ "text": text, "visibility": visibility }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["uri"].as_str().unwrap().to_string()
}

fn usernames(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["acct"].as_str().unwrap().to_string())
        .collect()
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn local_accounts_and_hashtags_are_found() {
    let instance = start().await;
    instance
        .create_user("alice", |p| p.display_name = Some("Alice Martin".into()))
        .await;
    instance
        .create_user("alicia", |p| p.display_name = Some("Zed".into()))
        .await;
    instance
        .create_user("bob", |p| p.display_name = Some("Martine Bob".into()))
        .await;
    instance.create_user("a_b", |_| {}).await;
    let token = instance.token("alice", ALL).await;
    publish(
        &instance,
        "bob",
        "Quarterly #Rustacean meetup #rust",
        "public",
    )
    .await;
    publish(&instance, "bob", "#Budget review", "public").await;

    let (status, body) = get(&instance, "/api/v2/search?q=ali", Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(usernames(&body["accounts"]), vec!["alice", "alicia"]);
    assert_eq!(body["statuses"], json!([]));
    assert!(body["accounts"][0]["avatar"].is_string());
    // Case-insensitive, on display names too, anonymous allowed.
    let (status, body) = get(&instance, "/api/v2/search?q=MARTIN", None).await;
    assert_eq!(status, 200);
    assert_eq!(usernames(&body["accounts"]), vec!["bob"]);
    let (_, body) = get(&instance, "/api/v2/search?q=%40alice", None).await;
    assert_eq!(usernames(&body["accounts"]), vec!["alice"]);
    let (_, body) = get(
        &instance,
        &format!(
            "/api/v2/search?q={}",
            encode(&format!("alice@{}", instance.domain))
        ),
        None,
    )
    .await;
    assert_eq!(usernames(&body["accounts"]), vec!["alice"]);
    // LIKE wildcards are literal.
    let (_, body) = get(&instance, "/api/v2/search?q=a_", None).await;
    assert_eq!(usernames(&body["accounts"]), vec!["a_b"]);
    let (_, body) = get(&instance, "/api/v2/search?q=%25", None).await;
    assert_eq!(body["accounts"], json!([]));
    // Limit and offset.
    let (_, body) = get(
        &instance,
        "/api/v2/search?q=a&type=accounts&limit=1&offset=1",
        None,
    )
    .await;
    assert_eq!(body["accounts"].as_array().unwrap().len(), 1);

    let (status, body) = get(&instance, "/api/v2/search?q=%23rust", Some(&token)).await;
    assert_eq!(status, 200);
    let tags: Vec<&str> = body["hashtags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, vec!["rust", "rustacean"]);
    assert!(
        body["hashtags"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("http")
    );
    assert_eq!(body["hashtags"][0]["history"], json!([]));
    let (_, body) = get(&instance, "/api/v2/search?q=bud&type=hashtags", None).await;
    assert_eq!(body["hashtags"][0]["name"], "budget");
    assert_eq!(body["accounts"], json!([]));

    let (status, list) = get(&instance, "/api/v1/accounts/search?q=bo", Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(usernames(&list), vec!["bob"]);

    // Errors.
    let (status, body) = get(&instance, "/api/v2/search?q=a&type=people", Some(&token)).await;
    assert_eq!(status, 422);
    assert!(body["error"].is_string());
    let (status, _) = get(&instance, "/api/v2/search", Some(&token)).await;
    assert_eq!(status, 422);
    let (status, _) = get(&instance, "/api/v2/search?q=a&limit=lots", None).await;
    assert_eq!(status, 422);
    let (status, _) = get(&instance, "/api/v2/search?q=a&offset=-1", None).await;
    assert_eq!(status, 422);
    let (status, _) = get(&instance, "/api/v2/search?q=a", Some("bad-token")).await;
    assert_eq!(status, 401);
    let narrow = instance.token("alice", "read:statuses").await;
    let (status, _) = get(&instance, "/api/v2/search?q=a", Some(&narrow)).await;
    assert_eq!(status, 403);
    let (status, _) = get(&instance, "/api/v1/accounts/search?q=a", None).await;
    assert_eq!(status, 401);
    let (status, _) = get(&instance, "/api/v1/accounts/search?q=a", Some(&narrow)).await;
    assert_eq!(status, 403);
    let (status, _) = get(&instance, "/api/v1/accounts/search", Some(&token)).await;
    assert_eq!(status, 422);
    instance.stop().await;
}

#[tokio::test]
async fn statuses_are_found_by_url_when_visible() {
    let instance = start().await;
    instance.create_user("alice", |_| {}).await;
    instance.create_user("bob", |_| {}).await;
    let alice = instance.token("alice", ALL).await;
    let bob = instance.token("bob", ALL).await;
    let public = publish(&instance, "alice", "open post", "public").await;
    let private = publish(&instance, "alice", "followers only", "private").await;

    let (status, body) = get(
        &instance,
        &format!("/api/v2/search?q={}&resolve=true", encode(&public)),
        Some(&bob),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["statuses"][0]["uri"], public);
    assert_eq!(body["statuses"][0]["account"]["username"], "alice");
    assert_eq!(body["accounts"], json!([]));
    let (_, body) = get(
        &instance,
        &format!("/api/v2/search?q={}&type=statuses", encode(&private)),
        Some(&bob),
    )
    .await;
    assert_eq!(body["statuses"], json!([]), "bob does not follow alice");
    let (_, body) = get(
        &instance,
        &format!("/api/v2/search?q={}", encode(&private)),
        Some(&alice),
    )
    .await;
    assert_eq!(body["statuses"][0]["uri"], private);
    // An account URL finds the account.
    let (_, body) = get(
        &instance,
        &format!(
            "/api/v2/search?q={}",
            encode(&format!("{}/users/alice", instance.base))
        ),
        None,
    )
    .await;
    assert_eq!(usernames(&body["accounts"]), vec!["alice"]);
    instance.stop().await;
}

#[tokio::test]
async fn remote_accounts_are_resolved_and_followed() {
    let here = start().await;
    let there = start().await;
    here.create_user("alice", |_| {}).await;
    there.create_user("bob", |_| {}).await;
    let alice = here.token("alice", ALL).await;
    let handle = format!("@bob@{}", there.domain);

    // Not known yet: nothing without resolve, nor for anonymous readers asking to resolve.
    let path = format!("/api/v2/search?q={}", encode(&handle));
    let (status, body) = get(&here, &path, Some(&alice)).await;
    assert_eq!(status, 200);
    assert_eq!(body["accounts"], json!([]));
    let (_, body) = get(&here, &format!("{path}&resolve=true"), None).await;
    assert_eq!(body["accounts"], json!([]));
    let (status, _) = get(
        &here,
        &format!("/api/v1/accounts/lookup?acct={}", encode(&handle)),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // A handle that does not exist gives an empty answer, not an error.
    let missing = format!(
        "/api/v2/search?q={}&resolve=true",
        encode(&format!("@nobody@{}", there.domain))
    );
    let (status, body) = get(&here, &missing, Some(&alice)).await;
    assert_eq!(status, 200);
    assert_eq!(body["accounts"], json!([]));

    let (status, body) = get(&here, &format!("{path}&resolve=true"), Some(&alice)).await;
    assert_eq!(status, 200, "{body}");
    let found = &body["accounts"][0];
    assert_eq!(found["acct"], format!("bob@{}", there.domain));
    assert_eq!(found["url"], format!("{}/users/bob", there.base));
    let bob_id = found["id"].as_str().unwrap().to_string();

    // Known now: lookup and plain search find it.
    let (status, looked_up) = get(
        &here,
        &format!("/api/v1/accounts/lookup?acct={}", encode(&handle)),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(looked_up["id"], bob_id);
    let (_, list) = get(&here, "/api/v1/accounts/search?q=bob", Some(&alice)).await;
    assert_eq!(list[0]["id"], bob_id);

    // Follow through the API; the Accept arrives over federation.
    let (status, rel) = call(
        &here,
        Method::POST,
        &format!("/api/v1/accounts/{bob_id}/follow"),
        Some(&alice),
    )
    .await;
    assert_eq!(status, 200, "{rel}");
    assert_eq!(rel["id"], bob_id);
    let mut following = rel["following"] == true;
    for _ in 0..100 {
        if following {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (_, list) = get(
            &here,
            &format!("/api/v1/accounts/relationships?id[]={bob_id}"),
            Some(&alice),
        )
        .await;
        following = list[0]["following"] == true;
    }
    assert!(following, "the remote follow was accepted");

    // The remote side lists alice as a follower.
    let bob = there.token("bob", ALL).await;
    let (_, me) = get(&there, "/api/v1/accounts/verify_credentials", Some(&bob)).await;
    let (_, followers) = get(
        &there,
        &format!("/api/v1/accounts/{}/followers", me["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(followers[0]["acct"], format!("alice@{}", here.domain));

    // Unfollow reaches the remote side too.
    let (status, rel) = call(
        &here,
        Method::POST,
        &format!("/api/v1/accounts/{bob_id}/unfollow"),
        Some(&alice),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(rel["following"], false);
    let mut gone = false;
    for _ in 0..100 {
        let (_, followers) = get(
            &there,
            &format!("/api/v1/accounts/{}/followers", me["id"].as_str().unwrap()),
            None,
        )
        .await;
        if followers == json!([]) {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "the Undo reached the remote instance");
    here.stop().await;
    there.stop().await;
}
