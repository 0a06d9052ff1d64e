//! Client API relationships: relationships, follow, unfollow, follow requests, blocks and
//! mutes, with their effects on home feeds and notifications.

use crate::common;

use common::{ALL_SCOPES, TestInstance};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// `actor` POSTs `/api/v1/accounts/{target}/{action}` (follow, block, mute, ...).
async fn act_on(
    instance: &TestInstance,
    actor: &Person,
    action: &str,
    target: &Person,
) -> (StatusCode, Value) {
    instance
        .api_post(
            &format!("/api/v1/accounts/{}/{action}", target.id),
            Some(&actor.token),
            None,
        )
        .await
        .parts()
}

/// A person with a full-scope token and their account id.
struct Person {
    token: String,
    id: String,
}

async fn person(instance: &TestInstance, name: &str, locked: bool) -> Person {
    instance.create_user(name, |_| {}).await;
    let token = instance.token(name, ALL_SCOPES).await;
    let (status, body) = instance
        .api_get("/api/v1/accounts/verify_credentials", Some(&token))
        .await
        .parts();
    assert_eq!(status, 200);
    let id = body["id"].as_str().unwrap().to_string();
    if locked {
        let (status, body) = instance
            .api(
                Method::PATCH,
                "/api/v1/accounts/update_credentials",
                Some(&token),
                Some(json!({ "locked": true })),
            )
            .await
            .parts();
        assert_eq!(status, 200);
        assert_eq!(body["locked"], true);
    }
    Person { token, id }
}

async fn relationship(instance: &TestInstance, reader: &Person, other: &Person) -> Value {
    let (status, body) = instance
        .api_get(
            &format!("/api/v1/accounts/relationships?id[]={}", other.id),
            Some(&reader.token),
        )
        .await
        .parts();
    assert_eq!(status, 200);
    body[0].clone()
}

async fn publish(instance: &TestInstance, user: &str, text: &str) -> i64 {
    instance.post_json_as(user, json!({ "text": text })).await["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Post ids in a person's stored home feed.
async fn home_feed(instance: &TestInstance, account: &Person) -> Vec<i64> {
    use diesel::prelude::*;
    use trellis::db::schema::home_feed;
    let id: i64 = account.id.parse().unwrap();
    let state = instance.state();
    state
        .db()
        .read(move |conn| {
            Ok(home_feed::table
                .filter(home_feed::account_id.eq(id))
                .select(home_feed::post_id)
                .order(home_feed::post_id.desc())
                .load::<i64>(conn)?)
        })
        .await
        .unwrap()
}

/// Kinds of the notifications a person received.
async fn notifications(instance: &TestInstance, account: &Person) -> Vec<String> {
    use diesel::prelude::*;
    use trellis::db::schema::notifications;
    let id: i64 = account.id.parse().unwrap();
    let state = instance.state();
    state
        .db()
        .read(move |conn| {
            Ok(notifications::table
                .filter(notifications::account_id.eq(id))
                .select(notifications::kind)
                .order(notifications::id.asc())
                .load::<String>(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn relationships_are_computed_for_many_ids() {
    let instance = TestInstance::start_with_internal().await;
    let alice = person(&instance, "alice", false).await;
    let bob = person(&instance, "bob", false).await;
    let carol = person(&instance, "carol", true).await;
    act_on(&instance, &alice, "follow", &bob).await;
    act_on(&instance, &bob, "follow", &alice).await;
    act_on(&instance, &alice, "follow", &carol).await;

    let (status, body) = instance
        .api_get(
            &format!(
                "/api/v1/accounts/relationships?id[]={}&id[]={}&id[]=123&id[]=abc&id[]={}",
                bob.id, carol.id, bob.id
            ),
            Some(&alice.token),
        )
        .await
        .parts();
    assert_eq!(status, 200);
    let list = body.as_array().unwrap();
    assert_eq!(
        list.len(),
        2,
        "unknown ids and duplicates are left out: {body}"
    );
    assert_eq!(list[0]["id"], bob.id);
    assert_eq!(list[0]["following"], true);
    assert_eq!(list[0]["showing_reblogs"], true);
    assert_eq!(list[0]["followed_by"], true);
    assert_eq!(list[0]["requested"], false);
    assert_eq!(list[0]["blocking"], false);
    assert_eq!(list[0]["muting"], false);
    assert_eq!(list[0]["domain_blocking"], false);
    assert_eq!(list[0]["note"], "");
    assert_eq!(list[1]["id"], carol.id);
    assert_eq!(list[1]["following"], false);
    assert_eq!(list[1]["requested"], true);
    let single = instance
        .api_get(
            &format!("/api/v1/accounts/relationships?id={}", bob.id),
            Some(&alice.token),
        )
        .await
        .body;
    assert_eq!(single[0]["id"], bob.id);
    let none = instance
        .api_get("/api/v1/accounts/relationships", Some(&alice.token))
        .await
        .body;
    assert_eq!(none, json!([]));
    let carol_view = relationship(&instance, &carol, &alice).await;
    assert_eq!(carol_view["requested_by"], true);
    assert_eq!(carol_view["followed_by"], false);

    let status = instance
        .api(
            Method::GET,
            "/api/v1/accounts/relationships?id[]=1",
            None,
            None,
        )
        .await
        .status;
    assert_eq!(status, 401);
    let narrow = instance.token("alice", "read:statuses").await;
    let status = instance
        .api_get("/api/v1/accounts/relationships?id[]=1", Some(&narrow))
        .await
        .status;
    assert_eq!(status, 403);
    instance.stop().await;
}

#[tokio::test]
async fn locked_account_authorizes_a_request() {
    let instance = TestInstance::start_with_internal().await;
    let alice = person(&instance, "alice", false).await;
    let bob = person(&instance, "bob", true).await;
    let carol = person(&instance, "carol", false).await;

    let (status, rel) = act_on(&instance, &alice, "follow", &bob).await;
    assert_eq!(status, 200);
    assert_eq!(rel["id"], bob.id);
    assert_eq!(rel["requested"], true);
    assert_eq!(rel["following"], false);
    // Following again is idempotent.
    let (status, rel) = act_on(&instance, &alice, "follow", &bob).await;
    assert_eq!(status, 200);
    assert_eq!(rel["requested"], true);
    act_on(&instance, &carol, "follow", &bob).await;

    let (status, requests) = instance
        .api_get("/api/v1/follow_requests", Some(&bob.token))
        .await
        .parts();
    assert_eq!(status, 200);
    let names: Vec<&str> = requests
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["carol", "alice"]);
    let first = instance
        .api_get("/api/v1/follow_requests?limit=1", Some(&bob.token))
        .await
        .body;
    assert_eq!(first.as_array().unwrap().len(), 1);
    assert!(
        notifications(&instance, &bob)
            .await
            .contains(&"follow_request".to_string())
    );

    let (status, rel) = instance
        .api_post(
            &format!("/api/v1/follow_requests/{}/authorize", alice.id),
            Some(&bob.token),
            None,
        )
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(rel["id"], alice.id);
    assert_eq!(rel["followed_by"], true);
    assert_eq!(rel["requested_by"], false);
    let seen = relationship(&instance, &alice, &bob).await;
    assert_eq!(seen["following"], true);
    assert_eq!(seen["requested"], false);

    let (status, rel) = instance
        .api_post(
            &format!("/api/v1/follow_requests/{}/reject", carol.id),
            Some(&bob.token),
            None,
        )
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(rel["followed_by"], false);
    assert_eq!(
        relationship(&instance, &carol, &bob).await["requested"],
        false
    );
    let requests = instance
        .api_get("/api/v1/follow_requests", Some(&bob.token))
        .await
        .body;
    assert_eq!(requests, json!([]));

    // No pending request any more, unknown ids, scopes.
    let status = instance
        .api_post(
            &format!("/api/v1/follow_requests/{}/reject", carol.id),
            Some(&bob.token),
            None,
        )
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_post(
            &format!("/api/v1/follow_requests/{}/authorize", alice.id),
            Some(&bob.token),
            None,
        )
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_post(
            "/api/v1/follow_requests/77/authorize",
            Some(&bob.token),
            None,
        )
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_post("/api/v1/follow_requests/x/reject", Some(&bob.token), None)
        .await
        .status;
    assert_eq!(status, 404);
    let read_only = instance.token("bob", "read").await;
    let status = instance
        .api_post(
            &format!("/api/v1/follow_requests/{}/authorize", carol.id),
            Some(&read_only),
            None,
        )
        .await
        .status;
    assert_eq!(status, 403);
    let write_only = instance.token("bob", "write").await;
    let status = instance
        .api_get("/api/v1/follow_requests", Some(&write_only))
        .await
        .status;
    assert_eq!(status, 403);
    let status = instance
        .api(Method::GET, "/api/v1/follow_requests", None, None)
        .await
        .status;
    assert_eq!(status, 401);
    instance.stop().await;
}

#[tokio::test]
async fn follow_and_unfollow() {
    let instance = TestInstance::start_with_internal().await;
    let alice = person(&instance, "alice", false).await;
    let bob = person(&instance, "bob", false).await;
    let post_id = publish(&instance, "bob", "before the follow").await;

    let (status, rel) = act_on(&instance, &alice, "follow", &bob).await;
    assert_eq!(status, 200);
    assert_eq!(rel["following"], true);
    assert!(home_feed(&instance, &alice).await.contains(&post_id));
    let followers = instance
        .api(
            Method::GET,
            &format!("/api/v1/accounts/{}/followers", bob.id),
            None,
            None,
        )
        .await
        .body;
    assert_eq!(followers[0]["id"], alice.id);

    let (status, rel) = act_on(&instance, &alice, "unfollow", &bob).await;
    assert_eq!(status, 200);
    assert_eq!(rel["following"], false);
    assert!(!home_feed(&instance, &alice).await.contains(&post_id));
    let followers = instance
        .api(
            Method::GET,
            &format!("/api/v1/accounts/{}/followers", bob.id),
            None,
            None,
        )
        .await
        .body;
    assert_eq!(followers, json!([]));
    // Unfollowing again is harmless.
    let (status, _) = act_on(&instance, &alice, "unfollow", &bob).await;
    assert_eq!(status, 200);

    let (status, _) = act_on(&instance, &alice, "follow", &alice).await;
    assert_eq!(status, 422, "following oneself");
    for action in ["follow", "unfollow"] {
        let status = instance
            .api_post(
                &format!("/api/v1/accounts/4242/{action}"),
                Some(&alice.token),
                None,
            )
            .await
            .status;
        assert_eq!(status, 404);
        let status = instance
            .api(
                Method::POST,
                &format!("/api/v1/accounts/{}/{action}", bob.id),
                None,
                None,
            )
            .await
            .status;
        assert_eq!(status, 401);
        let read_only = instance.token("alice", "read").await;
        let status = instance
            .api_post(
                &format!("/api/v1/accounts/{}/{action}", bob.id),
                Some(&read_only),
                None,
            )
            .await
            .status;
        assert_eq!(status, 403);
    }
    instance.stop().await;
}

#[tokio::test]
async fn block_severs_follows_and_hides_posts() {
    let instance = TestInstance::start_with_internal().await;
    let alice = person(&instance, "alice", false).await;
    let bob = person(&instance, "bob", false).await;
    let carol = person(&instance, "carol", false).await;
    act_on(&instance, &alice, "follow", &carol).await;
    let bob_post = publish(&instance, "bob", "from bob").await;
    // Carol boosts bob's post into alice's feed (before alice follows bob: a boost of a post
    // the feed already shows is not added).
    instance
        .act_as(
            "carol",
            "boost",
            json!({ "object": format!("{}/users/bob/statuses/{bob_post}", instance.base) }),
        )
        .await;
    act_on(&instance, &alice, "follow", &bob).await;
    act_on(&instance, &bob, "follow", &alice).await;
    let alice_post = publish(&instance, "alice", "from alice").await;
    assert_eq!(home_feed(&instance, &alice).await.len(), 3);
    assert!(home_feed(&instance, &bob).await.contains(&alice_post));

    let (status, rel) = act_on(&instance, &alice, "block", &bob).await;
    assert_eq!(status, 200);
    assert_eq!(rel["blocking"], true);
    assert_eq!(rel["following"], false);
    assert_eq!(rel["followed_by"], false);
    assert_eq!(
        relationship(&instance, &bob, &alice).await["blocked_by"],
        true
    );
    assert_eq!(
        home_feed(&instance, &alice).await,
        vec![alice_post],
        "bob's post and its boost leave alice's feed"
    );
    assert!(!home_feed(&instance, &bob).await.contains(&alice_post));
    // New posts from bob stay out.
    publish(&instance, "bob", "after the block").await;
    assert_eq!(home_feed(&instance, &alice).await, vec![alice_post]);
    // Neither can follow the other.
    let (status, _) = act_on(&instance, &bob, "follow", &alice).await;
    assert!(status == 422 || status == 403, "{status}");
    let (status, _) = act_on(&instance, &alice, "follow", &bob).await;
    assert!(status == 422 || status == 403, "{status}");
    assert_eq!(
        relationship(&instance, &bob, &alice).await["requested"],
        false
    );
    // Bob no longer sees alice's posts on her profile.
    let statuses = instance
        .api_get(
            &format!("/api/v1/accounts/{}/statuses", alice.id),
            Some(&bob.token),
        )
        .await
        .body;
    assert_eq!(statuses, json!([]));

    let (status, blocked) = instance
        .api_get("/api/v1/blocks", Some(&alice.token))
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(blocked.as_array().unwrap().len(), 1);
    assert_eq!(blocked[0]["id"], bob.id);
    let (status, rel) = act_on(&instance, &alice, "unblock", &bob).await;
    assert_eq!(status, 200);
    assert_eq!(rel["blocking"], false);
    let blocked = instance
        .api_get("/api/v1/blocks", Some(&alice.token))
        .await
        .body;
    assert_eq!(blocked, json!([]));
    let (status, rel) = act_on(&instance, &bob, "follow", &alice).await;
    assert_eq!(status, 200);
    assert_eq!(rel["following"], true);

    // Errors.
    let (status, _) = act_on(&instance, &alice, "block", &alice).await;
    assert_eq!(status, 422);
    let status = instance
        .api_post("/api/v1/accounts/999/block", Some(&alice.token), None)
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_post("/api/v1/accounts/999/unblock", Some(&alice.token), None)
        .await
        .status;
    assert_eq!(status, 404);
    let no_blocks = instance.token("alice", "write:follows read:follows").await;
    let status = instance
        .api_post(
            &format!("/api/v1/accounts/{}/block", bob.id),
            Some(&no_blocks),
            None,
        )
        .await
        .status;
    assert_eq!(status, 403);
    let status = instance
        .api_get("/api/v1/blocks", Some(&no_blocks))
        .await
        .status;
    assert_eq!(status, 403);
    let status = instance
        .api(Method::GET, "/api/v1/blocks", None, None)
        .await
        .status;
    assert_eq!(status, 401);
    let status = instance
        .api_get("/api/v1/blocks?limit=x", Some(&alice.token))
        .await
        .status;
    assert_eq!(status, 422);
    instance.stop().await;
}

#[tokio::test]
async fn mute_hides_posts_and_notifications() {
    let instance = TestInstance::start_with_internal().await;
    let alice = person(&instance, "alice", false).await;
    let bob = person(&instance, "bob", false).await;
    let carol = person(&instance, "carol", false).await;
    act_on(&instance, &alice, "follow", &bob).await;
    let before = publish(&instance, "bob", "before the mute").await;
    assert!(home_feed(&instance, &alice).await.contains(&before));

    let (status, rel) = act_on(&instance, &alice, "mute", &bob).await;
    assert_eq!(status, 200);
    assert_eq!(rel["muting"], true);
    assert_eq!(rel["muting_notifications"], true);
    assert_eq!(rel["following"], true, "a mute keeps the follow");
    assert!(home_feed(&instance, &alice).await.is_empty());
    publish(&instance, "bob", "@alice after the mute").await;
    assert!(home_feed(&instance, &alice).await.is_empty());
    assert!(
        !notifications(&instance, &alice)
            .await
            .contains(&"mention".to_string()),
        "muted notifications are not recorded"
    );
    publish(&instance, "carol", "@alice hello").await;
    assert!(
        notifications(&instance, &alice)
            .await
            .contains(&"mention".to_string())
    );

    // Muting again replaces the settings: posts only, for an hour.
    let (status, rel) = instance
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{}/mute", carol.id),
            Some(&alice.token),
            Some(json!({ "notifications": false, "duration": 3600 })),
        )
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(rel["muting"], true);
    assert_eq!(rel["muting_notifications"], false);
    let (status, muted) = instance
        .api_get("/api/v1/mutes", Some(&alice.token))
        .await
        .parts();
    assert_eq!(status, 200);
    let ids: Vec<&str> = muted
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![carol.id.as_str(), bob.id.as_str()]);

    let (status, rel) = act_on(&instance, &alice, "unmute", &bob).await;
    assert_eq!(status, 200);
    assert_eq!(rel["muting"], false);
    let muted = instance
        .api_get("/api/v1/mutes", Some(&alice.token))
        .await
        .body;
    assert_eq!(muted.as_array().unwrap().len(), 1);
    let later = publish(&instance, "bob", "after the unmute").await;
    assert!(home_feed(&instance, &alice).await.contains(&later));

    // Errors.
    let status = instance
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{}/mute", bob.id),
            Some(&alice.token),
            Some(json!({ "duration": -5 })),
        )
        .await
        .status;
    assert_eq!(status, 422);
    let status = instance
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{}/mute", bob.id),
            Some(&alice.token),
            Some(json!({ "notifications": "perhaps" })),
        )
        .await
        .status;
    assert_eq!(status, 422);
    let status = instance
        .api_post("/api/v1/accounts/999/mute", Some(&alice.token), None)
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_post("/api/v1/accounts/999/unmute", Some(&alice.token), None)
        .await
        .status;
    assert_eq!(status, 404);
    let blocks_only = instance.token("alice", "write:blocks read:blocks").await;
    let status = instance
        .api_post(
            &format!("/api/v1/accounts/{}/mute", bob.id),
            Some(&blocks_only),
            None,
        )
        .await
        .status;
    assert_eq!(status, 403);
    let status = instance
        .api_get("/api/v1/mutes", Some(&blocks_only))
        .await
        .status;
    assert_eq!(status, 403);
    let status = instance
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{}/unmute", bob.id),
            None,
            None,
        )
        .await
        .status;
    assert_eq!(status, 401);
    instance.stop().await;
}
