//! Client API search: `/api/v2/search` and `/api/v1/accounts/search`, locally and across two
//! instances (WebFinger resolution, then a follow through the API).

use crate::common;

use std::time::Duration;

use common::{ALL_SCOPES, TestInstance};
use reqwest::Method;
use serde_json::{Value, json};

/// Publishes a post through the internal interface; returns its URI.
async fn publish(instance: &TestInstance, user: &str, text: &str, visibility: &str) -> String {
    instance.post_as(user, text, visibility).await["uri"]
        .as_str()
        .unwrap()
        .to_string()
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
    let instance = TestInstance::start_with_internal().await;
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
    let token = instance.token("alice", ALL_SCOPES).await;
    publish(
        &instance,
        "bob",
        "Quarterly #Rustacean meetup #rust",
        "public",
    )
    .await;
    publish(&instance, "bob", "#Budget review", "public").await;

    let (status, body) = instance
        .api_get("/api/v2/search?q=ali", Some(&token))
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(usernames(&body["accounts"]), vec!["alice", "alicia"]);
    assert_eq!(body["statuses"], json!([]));
    assert!(body["accounts"][0]["avatar"].is_string());
    // Case-insensitive, on display names too, anonymous allowed.
    let (status, body) = instance
        .api_get("/api/v2/search?q=MARTIN", None)
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(usernames(&body["accounts"]), vec!["bob"]);
    let body = instance
        .api_get("/api/v2/search?q=%40alice", None)
        .await
        .body;
    assert_eq!(usernames(&body["accounts"]), vec!["alice"]);
    let body = instance
        .api_get(
            &format!(
                "/api/v2/search?q={}",
                encode(&format!("alice@{}", instance.domain))
            ),
            None,
        )
        .await
        .body;
    assert_eq!(usernames(&body["accounts"]), vec!["alice"]);
    // LIKE wildcards are literal.
    let body = instance.api_get("/api/v2/search?q=a_", None).await.body;
    assert_eq!(usernames(&body["accounts"]), vec!["a_b"]);
    let body = instance.api_get("/api/v2/search?q=%25", None).await.body;
    assert_eq!(body["accounts"], json!([]));
    // Limit and offset.
    let body = instance
        .api_get("/api/v2/search?q=a&type=accounts&limit=1&offset=1", None)
        .await
        .body;
    assert_eq!(body["accounts"].as_array().unwrap().len(), 1);

    let (status, body) = instance
        .api_get("/api/v2/search?q=%23rust", Some(&token))
        .await
        .parts();
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
    let body = instance
        .api_get("/api/v2/search?q=bud&type=hashtags", None)
        .await
        .body;
    assert_eq!(body["hashtags"][0]["name"], "budget");
    assert_eq!(body["accounts"], json!([]));

    let (status, list) = instance
        .api_get("/api/v1/accounts/search?q=bo", Some(&token))
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(usernames(&list), vec!["bob"]);

    // Errors.
    let (status, body) = instance
        .api_get("/api/v2/search?q=a&type=people", Some(&token))
        .await
        .parts();
    assert_eq!(status, 422);
    assert!(body["error"].is_string());
    let status = instance
        .api_get("/api/v2/search", Some(&token))
        .await
        .status;
    assert_eq!(status, 422);
    let status = instance
        .api_get("/api/v2/search?q=a&limit=lots", None)
        .await
        .status;
    assert_eq!(status, 422);
    let status = instance
        .api_get("/api/v2/search?q=a&offset=-1", None)
        .await
        .status;
    assert_eq!(status, 422);
    let status = instance
        .api_get("/api/v2/search?q=a", Some("bad-token"))
        .await
        .status;
    assert_eq!(status, 401);
    let narrow = instance.token("alice", "read:statuses").await;
    let status = instance
        .api_get("/api/v2/search?q=a", Some(&narrow))
        .await
        .status;
    assert_eq!(status, 403);
    let status = instance
        .api_get("/api/v1/accounts/search?q=a", None)
        .await
        .status;
    assert_eq!(status, 401);
    let status = instance
        .api_get("/api/v1/accounts/search?q=a", Some(&narrow))
        .await
        .status;
    assert_eq!(status, 403);
    let status = instance
        .api_get("/api/v1/accounts/search", Some(&token))
        .await
        .status;
    assert_eq!(status, 422);
    instance.stop().await;
}

#[tokio::test]
async fn statuses_are_found_by_url_when_visible() {
    let instance = TestInstance::start_with_internal().await;
    instance.create_user("alice", |_| {}).await;
    instance.create_user("bob", |_| {}).await;
    let alice = instance.token("alice", ALL_SCOPES).await;
    let bob = instance.token("bob", ALL_SCOPES).await;
    let public = publish(&instance, "alice", "open post", "public").await;
    let private = publish(&instance, "alice", "followers only", "private").await;

    let (status, body) = instance
        .api_get(
            &format!("/api/v2/search?q={}&resolve=true", encode(&public)),
            Some(&bob),
        )
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(body["statuses"][0]["uri"], public);
    assert_eq!(body["statuses"][0]["account"]["username"], "alice");
    assert_eq!(body["accounts"], json!([]));
    let body = instance
        .api_get(
            &format!("/api/v2/search?q={}&type=statuses", encode(&private)),
            Some(&bob),
        )
        .await
        .body;
    assert_eq!(body["statuses"], json!([]), "bob does not follow alice");
    let body = instance
        .api_get(
            &format!("/api/v2/search?q={}", encode(&private)),
            Some(&alice),
        )
        .await
        .body;
    assert_eq!(body["statuses"][0]["uri"], private);
    // An account URL finds the account.
    let body = instance
        .api_get(
            &format!(
                "/api/v2/search?q={}",
                encode(&format!("{}/users/alice", instance.base))
            ),
            None,
        )
        .await
        .body;
    assert_eq!(usernames(&body["accounts"]), vec!["alice"]);
    instance.stop().await;
}

#[tokio::test]
async fn remote_accounts_are_resolved_and_followed() {
    let here = TestInstance::start_with_internal().await;
    let there = TestInstance::start_with_internal().await;
    here.create_user("alice", |_| {}).await;
    there.create_user("bob", |_| {}).await;
    let alice = here.token("alice", ALL_SCOPES).await;
    let handle = format!("@bob@{}", there.domain);

    // Not known yet: nothing without resolve, nor for anonymous readers asking to resolve.
    let path = format!("/api/v2/search?q={}", encode(&handle));
    let (status, body) = here.api_get(&path, Some(&alice)).await.parts();
    assert_eq!(status, 200);
    assert_eq!(body["accounts"], json!([]));
    let (_, body) = here
        .api_get(&format!("{path}&resolve=true"), None)
        .await
        .parts();
    assert_eq!(body["accounts"], json!([]));
    let (status, _) = here
        .api_get(
            &format!("/api/v1/accounts/lookup?acct={}", encode(&handle)),
            None,
        )
        .await
        .parts();
    assert_eq!(status, 404);

    // A handle that does not exist gives an empty answer, not an error.
    let missing = format!(
        "/api/v2/search?q={}&resolve=true",
        encode(&format!("@nobody@{}", there.domain))
    );
    let (status, body) = here.api_get(&missing, Some(&alice)).await.parts();
    assert_eq!(status, 200);
    assert_eq!(body["accounts"], json!([]));

    let (status, body) = here
        .api_get(&format!("{path}&resolve=true"), Some(&alice))
        .await
        .parts();
    assert_eq!(status, 200, "{body}");
    let found = &body["accounts"][0];
    assert_eq!(found["acct"], format!("bob@{}", there.domain));
    assert_eq!(found["url"], format!("{}/users/bob", there.base));
    let bob_id = found["id"].as_str().unwrap().to_string();

    // Known now: lookup and plain search find it.
    let (status, looked_up) = here
        .api_get(
            &format!("/api/v1/accounts/lookup?acct={}", encode(&handle)),
            None,
        )
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(looked_up["id"], bob_id);
    let (_, list) = here
        .api_get("/api/v1/accounts/search?q=bob", Some(&alice))
        .await
        .parts();
    assert_eq!(list[0]["id"], bob_id);

    // Follow through the API; the Accept arrives over federation.
    let (status, rel) = here
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/follow"),
            Some(&alice),
            None,
        )
        .await
        .parts();
    assert_eq!(status, 200, "{rel}");
    assert_eq!(rel["id"], bob_id);
    let mut following = rel["following"] == true;
    for _ in 0..100 {
        if following {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (_, list) = here
            .api_get(
                &format!("/api/v1/accounts/relationships?id[]={bob_id}"),
                Some(&alice),
            )
            .await
            .parts();
        following = list[0]["following"] == true;
    }
    assert!(following, "the remote follow was accepted");

    // The remote side lists alice as a follower.
    let bob = there.token("bob", ALL_SCOPES).await;
    let (_, me) = there
        .api_get("/api/v1/accounts/verify_credentials", Some(&bob))
        .await
        .parts();
    let (_, followers) = there
        .api_get(
            &format!("/api/v1/accounts/{}/followers", me["id"].as_str().unwrap()),
            None,
        )
        .await
        .parts();
    assert_eq!(followers[0]["acct"], format!("alice@{}", here.domain));

    // Unfollow reaches the remote side too.
    let (status, rel) = here
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/unfollow"),
            Some(&alice),
            None,
        )
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(rel["following"], false);
    let mut gone = false;
    for _ in 0..100 {
        let (_, followers) = there
            .api_get(
                &format!("/api/v1/accounts/{}/followers", me["id"].as_str().unwrap()),
                None,
            )
            .await
            .parts();
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
