//! The lists API: CRUD, members and the list timeline.

use crate::common;

use common::{TestInstance, link_param};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn lists_can_be_created_changed_and_deleted() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let (alice, bob) = (&tokens[0], &tokens[1]);
    assert_eq!(
        api.api_get("/api/v1/lists", Some(alice)).await.body,
        json!([])
    );
    let reply = api
        .api_form("/api/v1/lists", alice, &[("title", "Colleagues")])
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let id = reply.id();
    assert_eq!(
        reply.body,
        json!({ "id": id, "title": "Colleagues", "replies_policy": "list", "exclusive": false })
    );
    let reply = api
        .api_post(
            "/api/v1/lists",
            Some(alice),
            Some(json!({ "title": "Team", "replies_policy": "none", "exclusive": true })),
        )
        .await;
    assert_eq!(reply.body["replies_policy"], "none");
    assert_eq!(reply.body["exclusive"], true);
    let team = reply.id();
    assert_eq!(
        api.api_get("/api/v1/lists", Some(alice)).await.ids(),
        vec![id.clone(), team.clone()]
    );
    // Other people's lists are invisible.
    assert!(
        api.api_get("/api/v1/lists", Some(bob))
            .await
            .ids()
            .is_empty()
    );
    let path = format!("/api/v1/lists/{id}");
    assert_eq!(
        api.api_get(&path, Some(bob)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api_get(&path, Some(alice)).await.body["title"],
        "Colleagues"
    );

    let reply = api
        .api(
            Method::PUT,
            &path,
            Some(alice),
            Some(json!({ "title": "Friends", "replies_policy": "followed" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["title"], "Friends");
    assert_eq!(reply.body["replies_policy"], "followed");
    let reply = api
        .api(
            Method::PUT,
            &path,
            Some(bob),
            Some(json!({ "title": "Mine" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    for body in [
        json!({ "title": "" }),
        json!({ "title": "ok", "replies_policy": "everyone" }),
        json!({ "title": "x".repeat(300) }),
    ] {
        let reply = api
            .api(Method::PUT, &path, Some(alice), Some(body.clone()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    for body in [
        json!({}),
        json!({ "title": "  " }),
        json!({ "title": "x", "replies_policy": "no" }),
    ] {
        let reply = api
            .api_post("/api/v1/lists", Some(alice), Some(body.clone()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }

    let reply = api.api(Method::DELETE, &path, Some(bob), None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = api.api(Method::DELETE, &path, Some(alice), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        api.api_get(&path, Some(alice)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api_get("/api/v1/lists", Some(alice)).await.ids(),
        vec![team]
    );
    api.stop().await;
}

#[tokio::test]
async fn list_members_and_timeline() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob", "carol", "dave"]).await;
    let (alice, bob, carol, dave) = (&tokens[0], &tokens[1], &tokens[2], &tokens[3]);
    let bob_id = api.account_id("bob").await;
    let carol_id = api.account_id("carol").await;
    let dave_id = api.account_id("dave").await;
    api.follow_as("alice", "bob").await;
    api.follow_as("alice", "carol").await;
    api.follow_as("alice", "dave").await;
    let list = api
        .api_post(
            "/api/v1/lists",
            Some(alice),
            Some(json!({ "title": "Team" })),
        )
        .await
        .id();
    let members = format!("/api/v1/lists/{list}/accounts");

    // Only followed accounts may be added.
    let reply = api
        .api_post(
            &members,
            Some(bob),
            Some(json!({ "account_ids": [carol_id] })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "not bob's list");
    let alice_id = api.account_id("alice").await;
    let reply = api
        .api_post(
            &format!("/api/v1/lists/{list}/accounts"),
            Some(alice),
            Some(json!({ "account_ids": [alice_id] })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = api
        .api_post(
            &members,
            Some(alice),
            Some(json!({ "account_ids": ["424242"] })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = api.api_post(&members, Some(alice), Some(json!({}))).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = api
        .api_form(
            &members,
            alice,
            &[
                ("account_ids[]", bob_id.as_str()),
                ("account_ids[]", carol_id.as_str()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let reply = api
        .api_post(
            &members,
            Some(alice),
            Some(json!({ "account_ids": [dave_id] })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut all = api.api_get(&members, Some(alice)).await.ids();
    all.sort();
    let mut expected = vec![bob_id.clone(), carol_id.clone(), dave_id.clone()];
    expected.sort();
    assert_eq!(all, expected);
    // Paged by account id, newest first.
    let page = api
        .api_get(&format!("{members}?limit=2"), Some(alice))
        .await;
    assert_eq!(page.ids().len(), 2);
    let max_id = link_param(&page.link.unwrap(), "next", "max_id").unwrap();
    let rest = api
        .api_get(&format!("{members}?limit=2&max_id={max_id}"), Some(alice))
        .await;
    assert_eq!(rest.ids().len(), 1);
    assert_eq!(
        api.api_get(&format!("{members}?limit=0"), Some(alice))
            .await
            .ids()
            .len(),
        3
    );
    // Removing dave (ids in the query string).
    let reply = api
        .api(
            Method::DELETE,
            &format!("{members}?account_ids[]={dave_id}"),
            Some(alice),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(api.api_get(&members, Some(alice)).await.ids().len(), 2);

    let from_bob = api.post_status(bob, json!({ "status": "bob here" })).await;
    let from_carol = api
        .post_status(
            carol,
            json!({ "status": "carol, followers only", "visibility": "private" }),
        )
        .await;
    let from_dave = api
        .post_status(dave, json!({ "status": "dave is not listed" }))
        .await;
    let direct = api
        .post_status(
            bob,
            json!({ "status": "@dave psst", "visibility": "direct" }),
        )
        .await;
    let boost = api
        .api_post(
            &format!(
                "/api/v1/statuses/{}/reblog",
                from_dave["id"].as_str().unwrap()
            ),
            Some(bob),
            Some(json!({})),
        )
        .await
        .id();
    let id = |v: &serde_json::Value| v["id"].as_str().unwrap().to_string();
    let timeline = format!("/api/v1/timelines/list/{list}");
    let reply = api.api_get(&timeline, Some(alice)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.ids(),
        vec![boost.clone(), id(&from_carol), id(&from_bob)]
    );
    assert!(!reply.ids().contains(&id(&direct)));
    assert!(reply.link.is_some());
    let reply = api
        .api_get(&format!("{timeline}?limit=1&max_id={boost}"), Some(alice))
        .await;
    assert_eq!(reply.ids(), vec![id(&from_carol)]);
    // Replies to people outside the list are left out under the "list" policy.
    let reply_to_dave = api
        .post_status(
            bob,
            json!({ "status": "answering dave", "in_reply_to_id": id(&from_dave) }),
        )
        .await;
    assert!(
        !api.api_get(&timeline, Some(alice))
            .await
            .ids()
            .contains(&id(&reply_to_dave))
    );
    api.api(
        Method::PUT,
        &format!("/api/v1/lists/{list}"),
        Some(alice),
        Some(json!({ "replies_policy": "followed" })),
    )
    .await;
    assert!(
        api.api_get(&timeline, Some(alice))
            .await
            .ids()
            .contains(&id(&reply_to_dave))
    );
    // Someone else's list timeline is 404.
    assert_eq!(
        api.api_get(&timeline, Some(bob)).await.status,
        StatusCode::NOT_FOUND
    );
    api.stop().await;
}

#[tokio::test]
async fn list_endpoints_answer_401_403_404_and_422() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice"]).await;
    let alice = &tokens[0];
    let revoked = api.revoked_token("alice", "read write").await;
    let narrow = api.token("alice", "read:accounts").await;
    let list = api
        .api_post("/api/v1/lists", Some(alice), Some(json!({ "title": "L" })))
        .await
        .id();
    let body = Some(json!({ "title": "T", "account_ids": ["1"] }));
    for (method, path) in [
        (Method::GET, "/api/v1/lists".to_string()),
        (Method::POST, "/api/v1/lists".to_string()),
        (Method::GET, format!("/api/v1/lists/{list}")),
        (Method::PUT, format!("/api/v1/lists/{list}")),
        (Method::DELETE, format!("/api/v1/lists/{list}")),
        (Method::GET, format!("/api/v1/lists/{list}/accounts")),
        (Method::POST, format!("/api/v1/lists/{list}/accounts")),
        (Method::DELETE, format!("/api/v1/lists/{list}/accounts")),
        (Method::GET, format!("/api/v1/timelines/list/{list}")),
    ] {
        api.check_auth_errors(method.clone(), &path, &revoked, &narrow, body.clone())
            .await;
        if path != "/api/v1/lists" {
            for unknown in ["1", "abc"] {
                let missing = path.replace(&list, unknown);
                let reply = api
                    .api(method.clone(), &missing, Some(alice), body.clone())
                    .await;
                assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {missing}");
            }
        }
    }
    let reply = api
        .api_get(
            &format!("/api/v1/timelines/list/{list}?limit=lots"),
            Some(alice),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = api
        .api_post(
            "/api/v1/lists",
            Some(alice),
            Some(json!({ "title": "x", "exclusive": "perhaps" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    api.stop().await;
}
