//! Blocks across instances: a remote account that a local person blocks cannot follow them;
//! its Follow is answered with Reject and nothing is recorded.

use crate::common;

use std::time::Duration;

use common::TestInstance;
use serde_json::Value;

async fn api(instance: &TestInstance, token: &str, method: reqwest::Method, path: &str) -> Value {
    let response = instance
        .client
        .request(method, format!("{}{}", instance.base, path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request sent");
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

/// The id of `handle` on `instance`, resolved through WebFinger.
async fn resolve(instance: &TestInstance, token: &str, handle: &str) -> String {
    let found = api(
        instance,
        token,
        reqwest::Method::GET,
        &format!("/api/v2/search?q={handle}&resolve=true&type=accounts"),
    )
    .await;
    found["accounts"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{handle} resolved: {found}"))
        .to_string()
}

#[tokio::test]
async fn a_blocked_remote_account_cannot_follow() {
    let alpha = TestInstance::start().await;
    let beta = TestInstance::start().await;
    alpha.create_user("alice", |_| {}).await;
    beta.create_user("bob", |_| {}).await;
    let alice = alpha.token("alice", "read write follow").await;
    let bob = beta.token("bob", "read write follow").await;

    let bob_on_alpha = resolve(&alpha, &alice, &format!("bob@{}", beta.domain)).await;
    let blocked = api(
        &alpha,
        &alice,
        reqwest::Method::POST,
        &format!("/api/v1/accounts/{bob_on_alpha}/block"),
    )
    .await;
    assert_eq!(blocked["blocking"], true);

    let alice_on_beta = resolve(&beta, &bob, &format!("alice@{}", alpha.domain)).await;
    let asked = api(
        &beta,
        &bob,
        reqwest::Method::POST,
        &format!("/api/v1/accounts/{alice_on_beta}/follow"),
    )
    .await;
    assert_eq!(
        asked["requested"], true,
        "a remote follow waits for an answer"
    );

    let relationship = format!("/api/v1/accounts/relationships?id[]={alice_on_beta}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = api(&beta, &bob, reqwest::Method::GET, &relationship).await;
        if now[0]["requested"] == false {
            assert_eq!(now[0]["following"], false, "{now}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Reject never arrived: {now}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let me = api(
        &alpha,
        &alice,
        reqwest::Method::GET,
        "/api/v1/accounts/verify_credentials",
    )
    .await;
    let followers = api(
        &alpha,
        &alice,
        reqwest::Method::GET,
        &format!("/api/v1/accounts/{}/followers", me["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(followers, serde_json::json!([]), "nothing was recorded");
    let notifications = api(
        &alpha,
        &alice,
        reqwest::Method::GET,
        "/api/v1/notifications",
    )
    .await;
    assert_eq!(
        notifications,
        serde_json::json!([]),
        "alice was not notified"
    );
}
