//! The statuses API: posting, reading, editing and deleting statuses, threads, favourites,
//! boosts, bookmarks and the favourites and bookmarks lists.

use crate::common;

use common::{TestInstance, link_param};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn post_read_edit_and_delete_a_status() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let (alice, bob) = (&tokens[0], &tokens[1]);

    // Url-encoded, as most clients send it.
    let reply = api
        .api_form(
            "/api/v1/statuses",
            alice,
            &[
                ("status", "Hello #Trellis world"),
                ("spoiler_text", "greeting"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let status = reply.body;
    let id = status["id"].as_str().unwrap().to_string();
    assert!(status["content"].as_str().unwrap().contains("Hello"));
    assert_eq!(status["visibility"], "public");
    assert_eq!(status["spoiler_text"], "greeting");
    assert_eq!(status["sensitive"], true);
    assert_eq!(status["language"], "en");
    assert_eq!(status["account"]["username"], "alice");
    assert_eq!(status["tags"][0]["name"], "trellis");
    assert_eq!(status["favourited"], false);
    assert!(status["edited_at"].is_null());

    // Anyone may read a public status.
    let reply = api.api_get(&format!("/api/v1/statuses/{id}"), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.id(), id);

    let reply = api
        .api_get(&format!("/api/v1/statuses/{id}/source"), Some(alice))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["text"], "Hello #Trellis world");
    assert_eq!(reply.body["spoiler_text"], "greeting");
    // Only the author reads the source.
    let reply = api
        .api_get(&format!("/api/v1/statuses/{id}/source"), Some(bob))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // Edit (JSON body).
    let reply = api
        .api(
            Method::PUT,
            &format!("/api/v1/statuses/{id}"),
            Some(alice),
            Some(json!({ "status": "Edited text", "spoiler_text": "" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert!(reply.body["content"].as_str().unwrap().contains("Edited"));
    assert!(reply.body["edited_at"].is_string());
    assert_eq!(reply.body["spoiler_text"], "");
    // Someone else's status cannot be edited.
    let reply = api
        .api(
            Method::PUT,
            &format!("/api/v1/statuses/{id}"),
            Some(bob),
            Some(json!({ "status": "hijack" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = api
        .api(
            Method::PUT,
            &format!("/api/v1/statuses/{id}"),
            Some(alice),
            Some(json!({ "status": "  " })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);

    let reply = api
        .api_get(&format!("/api/v1/statuses/{id}/history"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let versions = reply.body.as_array().unwrap();
    assert!(!versions.is_empty());
    assert!(
        versions.last().unwrap()["content"]
            .as_str()
            .unwrap()
            .contains("Edited")
    );

    // Delete: only one's own, answered with the source text.
    let reply = api
        .api(
            Method::DELETE,
            &format!("/api/v1/statuses/{id}"),
            Some(bob),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = api
        .api(
            Method::DELETE,
            &format!("/api/v1/statuses/{id}"),
            Some(alice),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["text"], "Edited text");
    let reply = api
        .api_get(&format!("/api/v1/statuses/{id}"), Some(alice))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    api.stop().await;
}

#[tokio::test]
async fn followers_only_and_direct_statuses_reach_only_their_audience() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob", "carol"]).await;
    let (alice, bob, carol) = (&tokens[0], &tokens[1], &tokens[2]);
    api.follow_as("bob", "alice").await;

    let private = api
        .post_status(
            alice,
            json!({ "status": "for followers", "visibility": "private" }),
        )
        .await;
    let private_id = private["id"].as_str().unwrap();
    assert_eq!(private["visibility"], "private");
    let path = format!("/api/v1/statuses/{private_id}");
    assert_eq!(api.api_get(&path, Some(bob)).await.status, StatusCode::OK);
    assert_eq!(api.api_get(&path, Some(alice)).await.status, StatusCode::OK);
    assert_eq!(
        api.api_get(&path, Some(carol)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api.api_get(&path, None).await.status, StatusCode::NOT_FOUND);
    // Nor can a non-follower act on it.
    let reply = api
        .api_post(&format!("{path}/favourite"), Some(carol), Some(json!({})))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Followers-only statuses cannot be boosted.
    let reply = api
        .api_post(&format!("{path}/reblog"), Some(bob), Some(json!({})))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);

    let home = api.api_get("/api/v1/timelines/home", Some(bob)).await;
    assert!(home.ids().contains(&private_id.to_string()));
    let home = api.api_get("/api/v1/timelines/home", Some(carol)).await;
    assert!(!home.ids().contains(&private_id.to_string()));
    let public = api.api_get("/api/v1/timelines/public", Some(bob)).await;
    assert!(!public.ids().contains(&private_id.to_string()));

    let direct = api
        .post_status(
            alice,
            json!({ "status": "@carol just for you", "visibility": "direct" }),
        )
        .await;
    let direct_id = direct["id"].as_str().unwrap().to_string();
    assert_eq!(direct["mentions"][0]["username"], "carol");
    let path = format!("/api/v1/statuses/{direct_id}");
    assert_eq!(api.api_get(&path, Some(carol)).await.status, StatusCode::OK);
    assert_eq!(
        api.api_get(&path, Some(bob)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api.api_get(&path, None).await.status, StatusCode::NOT_FOUND);
    assert!(
        api.api_get("/api/v1/timelines/home", Some(carol))
            .await
            .ids()
            .contains(&direct_id)
    );
    assert!(
        !api.api_get("/api/v1/timelines/home", Some(bob))
            .await
            .ids()
            .contains(&direct_id)
    );
    assert_eq!(
        api.api_get("/api/v1/timelines/direct", Some(carol))
            .await
            .ids(),
        vec![direct_id.clone()]
    );
    assert!(
        api.api_get("/api/v1/timelines/direct", Some(bob))
            .await
            .ids()
            .is_empty()
    );
    assert!(
        !api.api_get("/api/v1/timelines/public", None)
            .await
            .ids()
            .contains(&direct_id)
    );
    api.stop().await;
}

#[tokio::test]
async fn replies_appear_in_the_context() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob", "carol"]).await;
    let (alice, bob, carol) = (&tokens[0], &tokens[1], &tokens[2]);
    let parent = api
        .post_status(alice, json!({ "status": "A question" }))
        .await;
    let parent_id = parent["id"].as_str().unwrap();
    let reply = api
        .post_status(
            bob,
            json!({ "status": "An answer", "in_reply_to_id": parent_id }),
        )
        .await;
    let reply_id = reply["id"].as_str().unwrap();
    assert_eq!(reply["in_reply_to_id"], parent_id);
    assert_eq!(
        reply["in_reply_to_account_id"],
        api.account_id("alice").await.as_str()
    );
    // A reply to the reply, followers-only: carol (not a follower of bob) does not see it.
    let nested = api
        .post_status(
            bob,
            json!({ "status": "More", "in_reply_to_id": reply_id, "visibility": "private" }),
        )
        .await;
    let nested_id = nested["id"].as_str().unwrap();

    let context = api
        .api_get(&format!("/api/v1/statuses/{parent_id}/context"), Some(bob))
        .await;
    assert_eq!(context.status, StatusCode::OK);
    assert!(context.body["ancestors"].as_array().unwrap().is_empty());
    let descendants: Vec<&str> = context.body["descendants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(descendants, vec![reply_id, nested_id]);

    let context = api
        .api_get(
            &format!("/api/v1/statuses/{parent_id}/context"),
            Some(carol),
        )
        .await;
    let descendants: Vec<&str> = context.body["descendants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(descendants, vec![reply_id]);

    let context = api
        .api_get(&format!("/api/v1/statuses/{nested_id}/context"), Some(bob))
        .await;
    let ancestors: Vec<&str> = context.body["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ancestors, vec![parent_id, reply_id]);
    let parent = api
        .api_get(&format!("/api/v1/statuses/{parent_id}"), None)
        .await;
    assert_eq!(parent.body["replies_count"], 1);

    // Replying to an unknown or hidden status is 404.
    let reply = api
        .api_post(
            "/api/v1/statuses",
            Some(carol),
            Some(json!({ "status": "x", "in_reply_to_id": "999999" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = api
        .api_post(
            "/api/v1/statuses",
            Some(carol),
            Some(json!({ "status": "x", "in_reply_to_id": nested_id })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        api.api_get(
            &format!("/api/v1/statuses/{nested_id}/context"),
            Some(carol)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    api.stop().await;
}

#[tokio::test]
async fn favourites_and_reblogs_change_counters_and_flags() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let (alice, bob) = (&tokens[0], &tokens[1]);
    let status = api.post_status(alice, json!({ "status": "Like me" })).await;
    let id = status["id"].as_str().unwrap();
    let bob_id = api.account_id("bob").await;

    let reply = api
        .api_post(
            &format!("/api/v1/statuses/{id}/favourite"),
            Some(bob),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["favourites_count"], 1);
    assert_eq!(reply.body["favourited"], true);
    // Twice is still one like.
    let reply = api
        .api_post(
            &format!("/api/v1/statuses/{id}/favourite"),
            Some(bob),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.body["favourites_count"], 1);
    let by = api
        .api_get(&format!("/api/v1/statuses/{id}/favourited_by"), None)
        .await;
    assert_eq!(by.status, StatusCode::OK);
    assert_eq!(by.ids(), vec![bob_id.clone()]);
    assert!(by.link.is_some());
    // Alice sees the count but not her own flag.
    let seen = api
        .api_get(&format!("/api/v1/statuses/{id}"), Some(alice))
        .await;
    assert_eq!(seen.body["favourites_count"], 1);
    assert_eq!(seen.body["favourited"], false);

    let reply = api
        .api_post(
            &format!("/api/v1/statuses/{id}/unfavourite"),
            Some(bob),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["favourites_count"], 0);
    assert_eq!(reply.body["favourited"], false);
    assert!(
        api.api_get(&format!("/api/v1/statuses/{id}/favourited_by"), None)
            .await
            .ids()
            .is_empty()
    );

    let reply = api
        .api_post(
            &format!("/api/v1/statuses/{id}/reblog"),
            Some(bob),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let boost_id = reply.id();
    assert_ne!(boost_id, id);
    assert_eq!(reply.body["account"]["username"], "bob");
    assert_eq!(reply.body["reblog"]["id"], id);
    assert_eq!(reply.body["reblog"]["reblogs_count"], 1);
    assert_eq!(reply.body["reblog"]["reblogged"], true);
    let by = api
        .api_get(&format!("/api/v1/statuses/{id}/reblogged_by"), None)
        .await;
    assert_eq!(by.ids(), vec![bob_id.clone()]);
    // The boost is in bob's home timeline, wrapping the original.
    let home = api.api_get("/api/v1/timelines/home", Some(bob)).await;
    assert_eq!(home.body[0]["id"], boost_id.as_str());
    assert_eq!(home.body[0]["reblog"]["id"], id);
    // Favouriting the boost favourites the original.
    let reply = api
        .api_post(
            &format!("/api/v1/statuses/{boost_id}/favourite"),
            Some(bob),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.id(), id);

    let reply = api
        .api_post(
            &format!("/api/v1/statuses/{id}/unreblog"),
            Some(bob),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.id(), id);
    assert_eq!(reply.body["reblogs_count"], 0);
    assert_eq!(reply.body["reblogged"], false);
    assert!(
        api.api_get(&format!("/api/v1/statuses/{id}/reblogged_by"), None)
            .await
            .ids()
            .is_empty()
    );
    assert_eq!(
        api.api_get(&format!("/api/v1/statuses/{boost_id}"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    api.stop().await;
}

#[tokio::test]
async fn favourites_and_bookmarks_lists_page_with_link_headers() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let (alice, bob) = (&tokens[0], &tokens[1]);
    let mut ids = Vec::new();
    for n in 0..3 {
        let status = api
            .post_status(alice, json!({ "status": format!("post {n}") }))
            .await;
        ids.push(status["id"].as_str().unwrap().to_string());
    }
    // Liked and bookmarked oldest first: the lists are newest action first.
    for id in &ids {
        api.api_post(
            &format!("/api/v1/statuses/{id}/favourite"),
            Some(bob),
            Some(json!({})),
        )
        .await;
        let reply = api
            .api_post(
                &format!("/api/v1/statuses/{id}/bookmark"),
                Some(bob),
                Some(json!({})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body["bookmarked"], true);
    }
    for list in ["favourites", "bookmarks"] {
        let first = api
            .api_get(&format!("/api/v1/{list}?limit=2"), Some(bob))
            .await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(first.ids(), vec![ids[2].clone(), ids[1].clone()], "{list}");
        let link = first.link.clone().expect("Link header");
        let max_id = link_param(&link, "next", "max_id").expect("next link");
        assert!(link_param(&link, "prev", "min_id").is_some());
        assert!(link.contains("limit=2"));
        let second = api
            .api_get(
                &format!("/api/v1/{list}?limit=2&max_id={max_id}"),
                Some(bob),
            )
            .await;
        assert_eq!(second.ids(), vec![ids[0].clone()], "{list}");
        assert!(
            api.api_get(&format!("/api/v1/{list}"), Some(alice))
                .await
                .ids()
                .is_empty()
        );
    }
    let reply = api
        .api_post(
            &format!("/api/v1/statuses/{}/unbookmark", ids[1]),
            Some(bob),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.body["bookmarked"], false);
    assert_eq!(
        api.api_get("/api/v1/bookmarks", Some(bob)).await.ids(),
        vec![ids[2].clone(), ids[0].clone()]
    );
    api.stop().await;
}

#[tokio::test]
async fn invalid_statuses_are_rejected() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice"]).await;
    let alice = &tokens[0];
    for body in [
        json!({ "status": "" }),
        json!({}),
        json!({ "status": "x".repeat(5001) }),
        json!({ "status": "hi", "visibility": "everyone" }),
        json!({ "status": "hi", "media_ids": ["12345"] }),
        json!({ "status": "hi", "poll": { "options": ["a"], "expires_in": 600 } }),
    ] {
        let reply = api
            .api_post("/api/v1/statuses", Some(alice), Some(body.clone()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(reply.body["error"].is_string());
    }
    // Empty media and JSON nulls are fine; unlisted stays out of the public timeline.
    let status = api
        .post_status(
            alice,
            json!({ "status": "quiet", "visibility": "unlisted", "media_ids": [],
                    "in_reply_to_id": null, "spoiler_text": null, "sensitive": "0" }),
        )
        .await;
    assert_eq!(status["visibility"], "unlisted");
    assert!(
        !api.api_get("/api/v1/timelines/public", None)
            .await
            .ids()
            .contains(&status["id"].as_str().unwrap().to_string())
    );
    let reply = api
        .api_post(
            &format!("/api/v1/statuses/{}/pin", status["id"].as_str().unwrap()),
            Some(alice),
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["pinned"], true);
    api.stop().await;
}

#[tokio::test]
async fn status_endpoints_answer_401_403_and_404() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice"]).await;
    let alice = &tokens[0];
    let revoked = api.revoked_token("alice", "read write").await;
    let narrow = api.token("alice", "read:accounts").await;
    let status = api.post_status(alice, json!({ "status": "target" })).await;
    let id = status["id"].as_str().unwrap();

    api.check_auth_errors(
        Method::POST,
        "/api/v1/statuses",
        &revoked,
        &narrow,
        Some(json!({ "status": "x" })),
    )
    .await;
    for (method, suffix) in [
        (Method::PUT, ""),
        (Method::DELETE, ""),
        (Method::GET, "/source"),
        (Method::POST, "/favourite"),
        (Method::POST, "/unfavourite"),
        (Method::POST, "/reblog"),
        (Method::POST, "/unreblog"),
        (Method::POST, "/bookmark"),
        (Method::POST, "/unbookmark"),
        (Method::POST, "/pin"),
        (Method::POST, "/mute"),
    ] {
        let body =
            (method != Method::GET && method != Method::DELETE).then(|| json!({ "status": "x" }));
        let path = format!("/api/v1/statuses/{id}{suffix}");
        api.check_auth_errors(method.clone(), &path, &revoked, &narrow, body.clone())
            .await;
        for unknown in ["1", "nope"] {
            let path = format!("/api/v1/statuses/{unknown}{suffix}");
            let reply = api
                .api(method.clone(), &path, Some(alice), body.clone())
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
        }
    }
    for list in ["/api/v1/favourites", "/api/v1/bookmarks"] {
        api.check_auth_errors(Method::GET, list, &revoked, &narrow, None)
            .await;
        let reply = api
            .api_get(&format!("{list}?limit=many"), Some(alice))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Public reads: unknown ids are 404, a revoked token is still 401.
    for suffix in [
        "",
        "/context",
        "/history",
        "/favourited_by",
        "/reblogged_by",
    ] {
        let reply = api
            .api_get(&format!("/api/v1/statuses/1{suffix}"), Some(alice))
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{suffix}");
        let reply = api
            .api_get(&format!("/api/v1/statuses/{id}{suffix}"), Some(&revoked))
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{suffix}");
    }
    let reply = api
        .api_get(
            &format!("/api/v1/statuses/{id}/favourited_by?max_id=x"),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    api.stop().await;
}

/// POSTs a status with an `Idempotency-Key`; the status code and body.
async fn post_with_key(
    instance: &TestInstance,
    token: &str,
    key: &str,
    text: &str,
) -> (StatusCode, Value) {
    let response = instance
        .client
        .post(format!("{}/api/v1/statuses", instance.base))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({ "status": text }))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_retried_post_with_the_same_idempotency_key_is_posted_once() {
    let instance = TestInstance::start().await;
    let tokens = instance.people(&["ann", "ben"]).await;
    let (status, first) = post_with_key(&instance, &tokens[0], "retry-1", "Hello once").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (status, again) = post_with_key(&instance, &tokens[0], "retry-1", "Hello once").await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["content"], first["content"]);
    let (_, other_key) = post_with_key(&instance, &tokens[0], "retry-2", "Hello twice").await;
    assert_ne!(other_key["id"], first["id"]);
    // Keys are per person.
    let (_, bens) = post_with_key(&instance, &tokens[1], "retry-1", "Mine").await;
    assert_ne!(bens["id"], first["id"]);
    assert_eq!(bens["account"]["username"], "ben");

    let ann = instance.account_id("ann").await;
    let mine = instance
        .api_get(
            &format!("/api/v1/accounts/{ann}/statuses"),
            Some(&tokens[0]),
        )
        .await;
    assert_eq!(mine.body.as_array().unwrap().len(), 2, "{:?}", mine.body);

    let long = "k".repeat(300);
    let (status, body) = post_with_key(&instance, &tokens[0], &long, "Too long a key").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"].as_str().unwrap().contains("Idempotency-Key"));
    instance.stop().await;
}

#[tokio::test]
async fn people_pin_up_to_five_of_their_own_posts_to_their_profile() {
    let api = TestInstance::start().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let (alice, bob) = (&tokens[0], &tokens[1]);
    let alice_id = api.account_id("alice").await;
    let mut ids = Vec::new();
    for n in 0..6 {
        let status = api
            .post_status(alice, json!({ "status": format!("note {n}") }))
            .await;
        ids.push(status["id"].as_str().unwrap().to_string());
    }
    let pin = |id: &str, token: &str| {
        let path = format!("/api/v1/statuses/{id}/pin");
        let token = token.to_string();
        let api = &api;
        async move { api.api_post(&path, Some(&token), None).await }
    };
    for id in &ids[..5] {
        let pinned = pin(id, alice).await;
        assert_eq!(pinned.status, StatusCode::OK, "{:?}", pinned.body);
        assert_eq!(pinned.body["pinned"], true);
    }
    let sixth = pin(&ids[5], alice).await;
    assert_eq!(sixth.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        sixth.body["error"].as_str().unwrap().contains("at most 5"),
        "{:?}",
        sixth.body
    );
    // Pinning again changes nothing; someone else's post is not found.
    assert_eq!(pin(&ids[0], alice).await.status, StatusCode::OK);
    assert_eq!(pin(&ids[0], bob).await.status, StatusCode::NOT_FOUND);

    let profile = format!("/api/v1/accounts/{alice_id}/statuses?pinned=true");
    let mut listed = api.api_get(&profile, None).await.ids();
    listed.sort();
    let mut expected = ids[..5].to_vec();
    expected.sort();
    assert_eq!(listed, expected);
    // `pinned` is the reader's own flag: alice sees it, bob does not.
    let mine = api.api_get(&profile, Some(alice)).await;
    assert!(
        mine.body
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["pinned"] == true)
    );
    let theirs = api.api_get(&profile, Some(bob)).await;
    assert!(
        theirs
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["pinned"] == false)
    );

    let unpinned = api
        .api_post(
            &format!("/api/v1/statuses/{}/unpin", ids[0]),
            Some(alice),
            None,
        )
        .await;
    assert_eq!(unpinned.status, StatusCode::OK);
    assert_eq!(unpinned.body["pinned"], false);
    assert_eq!(pin(&ids[5], alice).await.status, StatusCode::OK);
    assert!(!api.api_get(&profile, None).await.ids().contains(&ids[0]));

    // Direct messages and boosts are not pinned.
    let direct = api
        .post_status(
            alice,
            json!({ "status": "@bob psst", "visibility": "direct" }),
        )
        .await;
    api.api_post(
        &format!("/api/v1/statuses/{}/unpin", ids[1]),
        Some(alice),
        None,
    )
    .await;
    let refused = pin(direct["id"].as_str().unwrap(), alice).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body["error"].as_str().unwrap().contains("direct"));
    // A deleted post leaves the pins.
    let deleted = api
        .api(
            Method::DELETE,
            &format!("/api/v1/statuses/{}", ids[2]),
            Some(alice),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(api.api_get(&profile, None).await.ids().len(), 3);

    // Other servers read the pins from the actor's `featured` collection: public posts only.
    let private = api
        .post_status(
            alice,
            json!({ "status": "followers only", "visibility": "private" }),
        )
        .await;
    assert_eq!(
        pin(private["id"].as_str().unwrap(), alice).await.status,
        StatusCode::OK
    );
    let actor: Value = api
        .get("/users/alice", "application/activity+json")
        .await
        .json()
        .await
        .unwrap();
    let featured = url::Url::parse(actor["featured"].as_str().expect("featured")).unwrap();
    assert_eq!(featured.path(), "/users/alice/collections/featured");
    let collection: Value = api
        .get(featured.path(), "application/activity+json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(collection["type"], "OrderedCollection");
    let items = collection["orderedItems"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{collection}");
    assert!(!items.contains(&private["uri"]), "{collection}");
    api.stop().await;
}
