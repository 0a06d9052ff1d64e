//! Account counters (followers_count, following_count, statuses_count, last_status_at) move
//! exactly with posts, boosts, deletes, follows, follow requests, unfollows, blocks and account
//! deletion, locally and when the change arrives from another instance.

use crate::common;

use std::time::Duration;

use common::{ALL_SCOPES, TestInstance};
use reqwest::Method;
use serde_json::{Value, json};

/// What a client shows on a profile.
#[derive(Debug, PartialEq, Eq)]
struct Counters {
    followers: i64,
    following: i64,
    statuses: i64,
    /// `YYYY-MM-DD`, or `None`.
    last_status_at: Option<String>,
}

/// Counters as a literal: followers, following, statuses, and whether there is a last post
/// (dated today).
fn expected(followers: i64, following: i64, statuses: i64, posted: bool) -> Counters {
    Counters {
        followers,
        following,
        statuses,
        last_status_at: posted.then(|| chrono::Utc::now().format("%Y-%m-%d").to_string()),
    }
}

fn counters_of(body: &Value) -> Counters {
    Counters {
        followers: body["followers_count"].as_i64().expect("followers_count"),
        following: body["following_count"].as_i64().expect("following_count"),
        statuses: body["statuses_count"].as_i64().expect("statuses_count"),
        last_status_at: body["last_status_at"].as_str().map(str::to_string),
    }
}

/// The counters of account `id` from `GET /api/v1/accounts/:id`.
async fn counters(instance: &TestInstance, id: &str) -> Counters {
    let (status, body) = instance
        .api_get(&format!("/api/v1/accounts/{id}"), None)
        .await
        .parts();
    assert_eq!(status, 200, "{body}");
    counters_of(&body)
}

/// The counters of the token's owner from verify_credentials.
async fn own_counters(instance: &TestInstance, token: &str) -> Counters {
    let (status, body) = instance
        .api_get("/api/v1/accounts/verify_credentials", Some(token))
        .await
        .parts();
    assert_eq!(status, 200, "{body}");
    counters_of(&body)
}

/// A successful client API call; returns the body.
async fn call(instance: &TestInstance, method: Method, path: &str, token: &str) -> Value {
    let (status, body) = instance.api(method, path, Some(token), None).await.parts();
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn post(instance: &TestInstance, token: &str, text: &str) -> String {
    instance
        .post_status(token, json!({ "status": text, "visibility": "public" }))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn counters_follow_posts_boosts_deletes_follows_and_blocks() {
    let instance = TestInstance::start().await;
    let tokens = instance.people(&["alice", "bob", "carol"]).await;
    let (alice, bob, carol) = (&tokens[0], &tokens[1], &tokens[2]);
    let alice_id = instance.account_id("alice").await;
    let bob_id = instance.account_id("bob").await;
    let carol_id = instance.account_id("carol").await;
    assert_eq!(
        counters(&instance, &alice_id).await,
        expected(0, 0, 0, false)
    );

    let first = post(&instance, alice, "first").await;
    post(&instance, alice, "second").await;
    assert_eq!(
        counters(&instance, &alice_id).await,
        expected(0, 0, 2, true)
    );
    assert_eq!(
        own_counters(&instance, alice).await,
        expected(0, 0, 2, true)
    );

    // A boost is a status of the booster, and taking it back removes it.
    let path = format!("/api/v1/statuses/{first}/reblog");
    call(&instance, Method::POST, &path, bob).await;
    call(&instance, Method::POST, &path, bob).await;
    assert_eq!(counters(&instance, &bob_id).await, expected(0, 0, 1, true));
    assert_eq!(
        counters(&instance, &alice_id).await,
        expected(0, 0, 2, true)
    );
    let path = format!("/api/v1/statuses/{first}/unreblog");
    call(&instance, Method::POST, &path, bob).await;
    call(&instance, Method::POST, &path, bob).await;
    assert_eq!(own_counters(&instance, bob).await, expected(0, 0, 0, false));

    // Deleting a boosted post removes the boosts too.
    let path = format!("/api/v1/statuses/{first}/reblog");
    call(&instance, Method::POST, &path, bob).await;
    call(&instance, Method::POST, &path, carol).await;
    assert_eq!(
        counters(&instance, &carol_id).await,
        expected(0, 0, 1, true)
    );
    call(
        &instance,
        Method::DELETE,
        &format!("/api/v1/statuses/{first}"),
        alice,
    )
    .await;
    assert_eq!(
        counters(&instance, &alice_id).await,
        expected(0, 0, 1, true)
    );
    assert_eq!(counters(&instance, &bob_id).await, expected(0, 0, 0, false));
    assert_eq!(
        counters(&instance, &carol_id).await,
        expected(0, 0, 0, false)
    );

    // Follows count once, however often they are asked for, and unfollowing twice is
    // harmless.
    let follow_alice = format!("/api/v1/accounts/{alice_id}/follow");
    call(&instance, Method::POST, &follow_alice, bob).await;
    call(&instance, Method::POST, &follow_alice, bob).await;
    call(&instance, Method::POST, &follow_alice, carol).await;
    let follow_bob = format!("/api/v1/accounts/{bob_id}/follow");
    call(&instance, Method::POST, &follow_bob, alice).await;
    assert_eq!(
        own_counters(&instance, alice).await,
        expected(2, 1, 1, true)
    );
    assert_eq!(counters(&instance, &bob_id).await, expected(1, 1, 0, false));
    assert_eq!(
        counters(&instance, &carol_id).await,
        expected(0, 1, 0, false)
    );
    let unfollow_alice = format!("/api/v1/accounts/{alice_id}/unfollow");
    call(&instance, Method::POST, &unfollow_alice, bob).await;
    call(&instance, Method::POST, &unfollow_alice, bob).await;
    assert_eq!(
        counters(&instance, &alice_id).await,
        expected(1, 1, 1, true)
    );
    assert_eq!(own_counters(&instance, bob).await, expected(1, 0, 0, false));

    // A block ends the follows both ways.
    call(
        &instance,
        Method::POST,
        &format!("/api/v1/accounts/{carol_id}/follow"),
        alice,
    )
    .await;
    assert_eq!(
        counters(&instance, &alice_id).await,
        expected(1, 2, 1, true)
    );
    assert_eq!(
        counters(&instance, &carol_id).await,
        expected(1, 1, 0, false)
    );
    call(
        &instance,
        Method::POST,
        &format!("/api/v1/accounts/{carol_id}/block"),
        alice,
    )
    .await;
    assert_eq!(
        counters(&instance, &alice_id).await,
        expected(0, 1, 1, true)
    );
    assert_eq!(
        counters(&instance, &carol_id).await,
        expected(0, 0, 0, false)
    );
    instance.stop().await;
}

#[tokio::test]
async fn follow_requests_count_once_accepted() {
    let instance = TestInstance::start().await;
    let tokens = instance.people(&["dana", "erin", "frank"]).await;
    let (dana, erin, frank) = (&tokens[0], &tokens[1], &tokens[2]);
    let dana_id = instance.account_id("dana").await;
    let erin_id = instance.account_id("erin").await;
    let (status, body) = instance
        .api(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(dana),
            Some(json!({ "locked": true })),
        )
        .await
        .parts();
    assert_eq!(status, 200, "{body}");

    let follow = format!("/api/v1/accounts/{dana_id}/follow");
    assert_eq!(
        call(&instance, Method::POST, &follow, erin).await["requested"],
        true
    );
    call(&instance, Method::POST, &follow, frank).await;
    assert_eq!(
        counters(&instance, &dana_id).await,
        expected(0, 0, 0, false)
    );
    assert_eq!(
        own_counters(&instance, erin).await,
        expected(0, 0, 0, false)
    );

    let authorize = format!("/api/v1/follow_requests/{erin_id}/authorize");
    call(&instance, Method::POST, &authorize, dana).await;
    let frank_id = instance.account_id("frank").await;
    let reject = format!("/api/v1/follow_requests/{frank_id}/reject");
    call(&instance, Method::POST, &reject, dana).await;
    assert_eq!(
        own_counters(&instance, dana).await,
        expected(1, 0, 0, false)
    );
    assert_eq!(
        own_counters(&instance, erin).await,
        expected(0, 1, 0, false)
    );
    assert_eq!(
        own_counters(&instance, frank).await,
        expected(0, 0, 0, false)
    );

    // An accepted follow leaves the counts when it ends.
    let unfollow = format!("/api/v1/accounts/{dana_id}/unfollow");
    call(&instance, Method::POST, &unfollow, erin).await;
    assert_eq!(
        counters(&instance, &dana_id).await,
        expected(0, 0, 0, false)
    );
    assert_eq!(
        counters(&instance, &erin_id).await,
        expected(0, 0, 0, false)
    );
    instance.stop().await;
}

#[tokio::test]
async fn deleting_an_account_takes_it_out_of_the_others_counters() {
    let instance = TestInstance::start().await;
    let tokens = instance.people(&["alice", "bob", "carol"]).await;
    let (alice, bob, carol) = (&tokens[0], &tokens[1], &tokens[2]);
    let alice_id = instance.account_id("alice").await;
    let bob_id = instance.account_id("bob").await;
    let carol_id = instance.account_id("carol").await;
    let carols = post(&instance, carol, "soon gone").await;
    post(&instance, alice, "staying").await;
    call(
        &instance,
        Method::POST,
        &format!("/api/v1/statuses/{carols}/reblog"),
        bob,
    )
    .await;
    for (token, target) in [(carol, &alice_id), (alice, &carol_id), (bob, &carol_id)] {
        let path = format!("/api/v1/accounts/{target}/follow");
        call(&instance, Method::POST, &path, token).await;
    }
    assert_eq!(
        counters(&instance, &alice_id).await,
        expected(1, 1, 1, true)
    );
    assert_eq!(counters(&instance, &bob_id).await, expected(0, 1, 1, true));
    assert_eq!(
        counters(&instance, &carol_id).await,
        expected(2, 1, 1, true)
    );

    trellis::services::account_deletion::delete(instance.state(), "carol")
        .await
        .expect("carol deleted");
    assert_eq!(
        own_counters(&instance, alice).await,
        expected(0, 0, 1, true)
    );
    assert_eq!(own_counters(&instance, bob).await, expected(0, 0, 0, false));
    instance.stop().await;
}

/// Polls `GET /api/v1/accounts/:id` on `instance` until the counters are `want`.
async fn wait_for(instance: &TestInstance, id: &str, want: Counters, what: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = counters(instance, id).await;
        if now == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: {now:?}, expected {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The id of `handle` on `instance`, resolved through WebFinger.
async fn resolve(instance: &TestInstance, token: &str, handle: &str) -> String {
    let path = format!("/api/v2/search?q={handle}&resolve=true&type=accounts");
    let found = call(instance, Method::GET, &path, token).await;
    found["accounts"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{handle} resolved: {found}"))
        .to_string()
}

#[tokio::test]
async fn activities_from_another_instance_move_the_counters() {
    let alpha = TestInstance::start().await;
    let beta = TestInstance::start().await;
    alpha.create_user("alice", |_| {}).await;
    beta.create_user("bob", |_| {}).await;
    let alice = alpha.token("alice", ALL_SCOPES).await;
    let bob = beta.token("bob", ALL_SCOPES).await;
    let alice_id = alpha.account_id("alice").await;
    let bob_id = beta.account_id("bob").await;
    let alice_on_beta = resolve(&beta, &bob, &format!("alice@{}", alpha.domain)).await;
    let bob_on_alpha = resolve(&alpha, &alice, &format!("bob@{}", beta.domain)).await;

    // Follow, then Accept.
    call(
        &beta,
        Method::POST,
        &format!("/api/v1/accounts/{alice_on_beta}/follow"),
        &bob,
    )
    .await;
    wait_for(
        &alpha,
        &alice_id,
        expected(1, 0, 0, false),
        "Follow on alpha",
    )
    .await;
    wait_for(
        &alpha,
        &bob_on_alpha,
        expected(0, 1, 0, false),
        "bob on alpha",
    )
    .await;
    wait_for(&beta, &bob_id, expected(0, 1, 0, false), "Accept on beta").await;
    wait_for(
        &beta,
        &alice_on_beta,
        expected(1, 0, 0, false),
        "alice on beta",
    )
    .await;

    // Create, then Announce.
    let original = post(&alpha, &alice, "hello beta").await;
    wait_for(
        &beta,
        &alice_on_beta,
        expected(1, 0, 1, true),
        "Create on beta",
    )
    .await;
    let home = call(&beta, Method::GET, "/api/v1/timelines/home", &bob).await;
    let on_beta = home[0]["id"]
        .as_str()
        .expect("post in bob's home")
        .to_string();
    call(
        &beta,
        Method::POST,
        &format!("/api/v1/statuses/{on_beta}/reblog"),
        &bob,
    )
    .await;
    assert_eq!(own_counters(&beta, &bob).await, expected(0, 1, 1, true));
    wait_for(
        &alpha,
        &bob_on_alpha,
        expected(0, 1, 1, true),
        "Announce on alpha",
    )
    .await;

    // Delete of the boosted post: the boosts go with it on both sides.
    call(
        &alpha,
        Method::DELETE,
        &format!("/api/v1/statuses/{original}"),
        &alice,
    )
    .await;
    assert_eq!(counters(&alpha, &alice_id).await, expected(1, 0, 0, false));
    assert_eq!(
        counters(&alpha, &bob_on_alpha).await,
        expected(0, 1, 0, false)
    );
    wait_for(
        &beta,
        &alice_on_beta,
        expected(1, 0, 0, false),
        "Delete on beta",
    )
    .await;
    assert_eq!(own_counters(&beta, &bob).await, expected(0, 1, 0, false));

    // Undo of the follow.
    call(
        &beta,
        Method::POST,
        &format!("/api/v1/accounts/{alice_on_beta}/unfollow"),
        &bob,
    )
    .await;
    assert_eq!(own_counters(&beta, &bob).await, expected(0, 0, 0, false));
    wait_for(&alpha, &alice_id, expected(0, 0, 0, false), "Undo on alpha").await;
    wait_for(
        &alpha,
        &bob_on_alpha,
        expected(0, 0, 0, false),
        "bob on alpha",
    )
    .await;

    // Delete of the actor: bob's follow and his boost of its post stop counting.
    call(
        &beta,
        Method::POST,
        &format!("/api/v1/accounts/{alice_on_beta}/follow"),
        &bob,
    )
    .await;
    wait_for(&beta, &bob_id, expected(0, 1, 0, false), "second Accept").await;
    post(&alpha, &alice, "last words").await;
    wait_for(
        &beta,
        &alice_on_beta,
        expected(1, 0, 1, true),
        "second Create",
    )
    .await;
    let home = call(&beta, Method::GET, "/api/v1/timelines/home", &bob).await;
    let on_beta = home[0]["id"]
        .as_str()
        .expect("post in bob's home")
        .to_string();
    call(
        &beta,
        Method::POST,
        &format!("/api/v1/statuses/{on_beta}/reblog"),
        &bob,
    )
    .await;
    assert_eq!(own_counters(&beta, &bob).await, expected(0, 1, 1, true));
    trellis::services::account_deletion::delete(alpha.state(), "alice")
        .await
        .expect("alice deleted");
    wait_for(
        &beta,
        &bob_id,
        expected(0, 0, 0, false),
        "actor Delete on beta",
    )
    .await;
    alpha.stop().await;
    beta.stop().await;
}
