//! The notifications API: every kind is recorded and listed, filters, pagination, get,
//! dismiss, clear, the unread count, and the error answers.

use crate::common;

use std::collections::BTreeSet;

use common::TestInstance;
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn list(t: &TestInstance, token: &str, query: &str) -> Vec<Value> {
    let response = t
        .api_get(&format!("/api/v1/notifications{query}"), Some(token))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    serde_json::from_value(response.body).unwrap()
}

fn kinds(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|n| n["type"].as_str().unwrap().to_string())
        .collect()
}

/// alice is followed by bob, mentioned by bob, and her post is liked and boosted by bob; she
/// boosts carol's post, which carol then edits; dave asks to follow the locked erin.
async fn scenario(t: &TestInstance) -> Value {
    for user in ["alice", "bob", "carol", "dave", "erin"] {
        t.create_user(user, |_| {}).await;
    }
    t.act_as("erin", "locked", json!({ "locked": true })).await;
    t.follow_as("bob", "alice").await;
    t.post_as("bob", "hello @alice", "public").await;
    let mine = t.post_as("alice", "my post", "public").await;
    t.act_as("bob", "like", json!({ "object": mine["uri"] }))
        .await;
    t.act_as("bob", "boost", json!({ "object": mine["uri"] }))
        .await;
    let theirs = t.post_as("carol", "first version", "public").await;
    t.act_as("alice", "boost", json!({ "object": theirs["uri"] }))
        .await;
    t.internal(
        Method::PUT,
        &format!("/users/carol/posts/{}", theirs["id"].as_str().unwrap()),
        json!({ "text": "second version" }),
    )
    .await;
    t.follow_as("dave", "erin").await;
    mine
}

#[tokio::test]
async fn every_kind_is_listed_with_its_account_and_status() {
    let t = TestInstance::start_with_internal().await;
    let mine = scenario(&t).await;
    let token = t.token("alice", "read write").await;
    let items = list(&t, &token, "").await;
    assert_eq!(
        kinds(&items),
        ["favourite", "follow", "mention", "reblog", "update"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    let bob = t.account_id("bob").await.to_string();
    let ids: Vec<i64> = items
        .iter()
        .map(|n| n["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    for n in &items {
        assert!(n["created_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(n["created_at"].as_str().unwrap().len(), 24, "{n}");
        assert!(n["group_key"].is_string());
        match n["type"].as_str().unwrap() {
            "follow" => {
                assert_eq!(n["account"]["id"], bob.as_str());
                assert_eq!(n["account"]["acct"], "bob");
                assert!(n["status"].is_null());
            }
            "favourite" | "reblog" => {
                assert_eq!(n["account"]["id"], bob.as_str());
                assert_eq!(n["status"]["id"], mine["id"]);
                assert_eq!(n["status"]["account"]["username"], "alice");
            }
            "mention" => {
                assert_eq!(n["account"]["id"], bob.as_str());
                assert!(n["status"]["content"].as_str().unwrap().contains("hello"));
            }
            "update" => {
                assert_eq!(n["account"]["username"], "carol");
                assert!(
                    n["status"]["content"]
                        .as_str()
                        .unwrap()
                        .contains("second version")
                );
                assert!(n["status"]["edited_at"].is_string());
                assert_eq!(n["status"]["reblogged"], true, "the reader's own flag");
            }
            other => panic!("unexpected {other}"),
        }
    }
    let erin = t.token("erin", "read").await;
    let requests = list(&t, &erin, "").await;
    assert_eq!(kinds(&requests), ["follow_request".to_string()].into());
    assert_eq!(requests[0]["account"]["username"], "dave");
    t.stop().await;
}

#[tokio::test]
async fn types_and_exclude_types_filter() {
    let t = TestInstance::start_with_internal().await;
    scenario(&t).await;
    let token = t.token("alice", "read").await;
    let only = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        kinds(&list(&t, &token, "?types[]=mention").await),
        only(&["mention"])
    );
    assert_eq!(
        kinds(
            &list(
                &t,
                &token,
                "?types[]=mention&types[]=poll&types[]=favourite"
            )
            .await
        ),
        only(&["favourite", "mention"])
    );
    assert!(list(&t, &token, "?types[]=poll").await.is_empty());
    assert_eq!(
        kinds(
            &list(
                &t,
                &token,
                "?exclude_types[]=follow&exclude_types[]=favourite"
            )
            .await
        ),
        only(&["mention", "reblog", "update"])
    );
    assert_eq!(
        kinds(
            &list(
                &t,
                &token,
                "?types[]=reblog&types[]=update&exclude_types[]=reblog"
            )
            .await
        ),
        only(&["update"])
    );
    let carol = t.account_id("carol").await;
    assert_eq!(
        kinds(&list(&t, &token, &format!("?account_id={carol}")).await),
        only(&["update"])
    );
    t.stop().await;
}

#[tokio::test]
async fn pages_follow_the_link_header() {
    let t = TestInstance::start_with_internal().await;
    scenario(&t).await;
    let token = t.token("alice", "read").await;
    let all: Vec<String> = list(&t, &token, "")
        .await
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(all.len(), 5);
    let mut seen = Vec::new();
    let mut url = format!(
        "{}/api/v1/notifications?limit=2&exclude_types[]=poll",
        t.base
    );
    for _ in 0..5 {
        let response = t.client.get(&url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let link = response
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_string());
        let page: Vec<Value> = response.json().await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        seen.extend(page.iter().map(|n| n["id"].as_str().unwrap().to_string()));
        let link = link.expect("a Link header");
        assert!(link.contains("rel=\"prev\""), "{link}");
        assert!(
            link.contains("exclude_types"),
            "other parameters kept: {link}"
        );
        let next = link
            .split(", ")
            .find(|l| l.ends_with("rel=\"next\""))
            .expect("next link");
        url = next[1..next.find('>').unwrap()].to_string();
        assert!(url.starts_with(&t.base), "{url}");
    }
    assert_eq!(seen, all);
    let newest = &all[0];
    let newer = list(&t, &token, &format!("?min_id={}", all[2])).await;
    let newer: Vec<&str> = newer.iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(newer, [newest.as_str(), all[1].as_str()]);
    t.stop().await;
}

#[tokio::test]
async fn get_dismiss_and_clear() {
    let t = TestInstance::start_with_internal().await;
    scenario(&t).await;
    let alice = t.token("alice", "read write").await;
    let bob = t.token("bob", "read write").await;
    let items = list(&t, &alice, "").await;
    let first = items[0]["id"].as_str().unwrap().to_string();
    let second = items[1]["id"].as_str().unwrap().to_string();

    let one = t
        .api_get(&format!("/api/v1/notifications/{first}"), Some(&alice))
        .await;
    assert_eq!(one.status, StatusCode::OK);
    let one: Value = one.body;
    assert_eq!(one["id"], first.as_str());
    assert_eq!(one["type"], items[0]["type"]);

    // Someone else's notification does not exist for bob.
    let theirs = t
        .api_get(&format!("/api/v1/notifications/{first}"), Some(&bob))
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let body: Value = theirs.body;
    assert!(body["error"].is_string());
    let dismiss_theirs = t
        .api_form(&format!("/api/v1/notifications/{first}/dismiss"), &bob, &[])
        .await;
    assert_eq!(dismiss_theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.api_get("/api/v1/notifications/123456789", Some(&alice))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.api_get("/api/v1/notifications/abc", Some(&alice))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let dismissed = t
        .api_form(
            &format!("/api/v1/notifications/{first}/dismiss"),
            &alice,
            &[],
        )
        .await;
    assert_eq!(dismissed.status, StatusCode::OK);
    assert_eq!(dismissed.body, json!({}));
    assert_eq!(
        t.api_get(&format!("/api/v1/notifications/{first}"), Some(&alice))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let legacy = t
        .api_form("/api/v1/notifications/dismiss", &alice, &[("id", &second)])
        .await;
    assert_eq!(legacy.status, StatusCode::OK);
    let left = list(&t, &alice, "").await;
    assert_eq!(left.len(), 3);
    assert!(
        left.iter()
            .all(|n| n["id"] != first.as_str() && n["id"] != second.as_str())
    );
    let missing_id = t
        .api_form("/api/v1/notifications/dismiss", &alice, &[])
        .await;
    assert_eq!(missing_id.status, StatusCode::UNPROCESSABLE_ENTITY);

    let cleared = t.api_form("/api/v1/notifications/clear", &alice, &[]).await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert!(list(&t, &alice, "").await.is_empty());
    // Other people's notifications are untouched.
    let erin = t.token("erin", "read").await;
    assert_eq!(list(&t, &erin, "").await.len(), 1);
    t.stop().await;
}

#[tokio::test]
async fn unread_count_starts_after_the_marker() {
    let t = TestInstance::start_with_internal().await;
    scenario(&t).await;
    let token = t.token("alice", "read").await;
    let count = |query: &'static str| {
        let t = &t;
        let token = token.clone();
        async move {
            let response = t
                .api_get(
                    &format!("/api/v1/notifications/unread_count{query}"),
                    Some(&token),
                )
                .await;
            assert_eq!(response.status, StatusCode::OK);
            response.body["count"].as_i64().unwrap()
        }
    };
    assert_eq!(count("").await, 5);
    assert_eq!(count("?limit=2").await, 2);
    assert_eq!(count("?types[]=mention").await, 1);
    let items = list(&t, &token, "").await;
    let third = items[2]["id"].as_str().unwrap().to_string();
    let alice: i64 = t.account_id("alice").await.parse().unwrap();
    let state = t.state().clone();
    state
        .db()
        .write(move |conn| {
            use trellis::db::schema::markers;
            diesel::insert_into(markers::table)
                .values((
                    markers::account_id.eq(alice),
                    markers::timeline.eq("notifications"),
                    markers::last_read_id.eq(third),
                    markers::version.eq(1),
                    markers::updated_at.eq(chrono::Utc::now().naive_utc()),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(count("").await, 2);
    t.stop().await;
}

#[tokio::test]
async fn notifications_about_posts_no_longer_visible_are_left_out() {
    let t = TestInstance::start_with_internal().await;
    for user in ["alice", "carol"] {
        t.create_user(user, |_| {}).await;
    }
    t.follow_as("alice", "carol").await;
    let private = t.post_as("carol", "followers only", "private").await;
    t.act_as("alice", "like", json!({ "object": private["uri"] }))
        .await;
    t.internal(
        Method::PUT,
        &format!("/users/carol/posts/{}", private["id"].as_str().unwrap()),
        json!({ "text": "followers only, edited" }),
    )
    .await;
    let token = t.token("alice", "read").await;
    let before = list(&t, &token, "?types[]=update").await;
    assert_eq!(before.len(), 1);
    let id = before[0]["id"].as_str().unwrap().to_string();
    t.act_as("alice", "unfollow", json!({ "target": "carol" }))
        .await;
    assert!(list(&t, &token, "?types[]=update").await.is_empty());
    assert_eq!(
        t.api_get(&format!("/api/v1/notifications/{id}"), Some(&token))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    t.stop().await;
}

#[tokio::test]
async fn error_answers() {
    let t = TestInstance::start_with_internal().await;
    scenario(&t).await;
    let no_scope = t.token("alice", "read:accounts write:accounts").await;
    let items_token = t.token("alice", "read").await;
    let id = list(&t, &items_token, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // No token, an unknown token.
    for path in [
        "/api/v1/notifications".to_string(),
        format!("/api/v1/notifications/{id}"),
        "/api/v1/notifications/unread_count".to_string(),
    ] {
        let response = t
            .client
            .get(format!("{}{path}", t.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            t.api_get(&path, Some("not-a-token")).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            t.api_get(&path, Some(&no_scope)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    for path in [
        format!("/api/v1/notifications/{id}/dismiss"),
        "/api/v1/notifications/clear".to_string(),
    ] {
        let response = t
            .client
            .post(format!("{}{path}", t.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            t.api_form(&path, &no_scope, &[]).await.status,
            StatusCode::FORBIDDEN
        );
        // Reading does not allow writing.
        assert_eq!(
            t.api_form(&path, &items_token, &[]).await.status,
            StatusCode::FORBIDDEN
        );
    }
    // Invalid parameters.
    for query in ["?limit=many", "?max_id=abc", "?account_id=x"] {
        let response = t
            .api_get(&format!("/api/v1/notifications{query}"), Some(&items_token))
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(response.body["error"].is_string());
    }
    // A revoked token.
    let revoked = t.token("alice", "read").await;
    assert_eq!(
        t.api_get("/api/v1/notifications", Some(&revoked))
            .await
            .status,
        StatusCode::OK
    );
    t.revoke(&revoked).await;
    assert_eq!(
        t.api_get("/api/v1/notifications", Some(&revoked))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    t.stop().await;
}

#[tokio::test]
async fn v2_groups_likes_of_a_post_and_follows_and_lists_each_account_once() {
    let api = TestInstance::start().await;
    let tokens = api.people(&["bob", "ann", "cat", "dan"]).await;
    let bob = &tokens[0];
    let bob_id = api.account_id("bob").await;
    let post = api.post_status(bob, json!({"status": "Ship it"})).await;
    let post_id = post["id"].as_str().unwrap();
    for token in &tokens[1..] {
        let liked = api
            .api_post(
                &format!("/api/v1/statuses/{post_id}/favourite"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(liked.status, StatusCode::OK);
    }
    for token in &tokens[1..3] {
        let followed = api
            .api_post(
                &format!("/api/v1/accounts/{bob_id}/follow"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(followed.status, StatusCode::OK);
    }
    api.post_status(&tokens[3], json!({"status": "@bob look"}))
        .await;

    let page = api.api_get("/api/v2/notifications", Some(bob)).await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    let groups = page.body["notification_groups"].as_array().unwrap();
    let summary: Vec<(String, u64)> = groups
        .iter()
        .map(|g| {
            (
                g["type"].as_str().unwrap().to_string(),
                g["notifications_count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("mention".to_string(), 1),
            ("follow".to_string(), 2),
            ("favourite".to_string(), 3)
        ]
    );
    let likes = &groups[2];
    assert_eq!(likes["status_id"], post_id);
    assert_eq!(likes["sample_account_ids"].as_array().unwrap().len(), 3);
    assert!(
        likes["group_key"]
            .as_str()
            .unwrap()
            .starts_with(&format!("favourite-{post_id}-"))
    );
    assert!(
        groups[0]["group_key"]
            .as_str()
            .unwrap()
            .starts_with("ungrouped-")
    );
    // Each account and status once, whatever the number of groups naming it.
    let accounts = page.body["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 3, "{accounts:?}");
    let statuses = page.body["statuses"].as_array().unwrap();
    assert_eq!(statuses.len(), 2, "the liked post and the mention");

    // v1 names the same groups.
    let v1 = api
        .api_get("/api/v1/notifications?types[]=favourite", Some(bob))
        .await;
    assert_eq!(v1.body[0]["group_key"], likes["group_key"]);
    // Only the types asked for are grouped: the follows fold, the three likes stand alone.
    let ungrouped = api
        .api_get("/api/v2/notifications?grouped_types[]=follow", Some(bob))
        .await;
    assert_eq!(
        ungrouped.body["notification_groups"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    let key = likes["group_key"].as_str().unwrap();
    let one = api
        .api_get(&format!("/api/v2/notifications/{key}"), Some(bob))
        .await;
    assert_eq!(one.body["notification_groups"][0]["notifications_count"], 3);
    let who = api
        .api_get(&format!("/api/v2/notifications/{key}/accounts"), Some(bob))
        .await;
    assert_eq!(who.body.as_array().unwrap().len(), 3);
    let dismissed = api
        .api_post(
            &format!("/api/v2/notifications/{key}/dismiss"),
            Some(bob),
            None,
        )
        .await;
    assert_eq!(dismissed.status, StatusCode::OK);
    let after = api.api_get("/api/v2/notifications", Some(bob)).await;
    assert_eq!(
        after.body["notification_groups"].as_array().unwrap().len(),
        2
    );
    assert_eq!(
        api.api_get(&format!("/api/v2/notifications/{key}"), Some(bob))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let count = api
        .api_get("/api/v2/notifications/unread_count", Some(bob))
        .await;
    // The mention and the two follows: three notifications, two groups.
    assert_eq!(count.body["count"], 2, "{:?}", count.body);
    let v1_count = api
        .api_get("/api/v1/notifications/unread_count", Some(bob))
        .await;
    assert_eq!(v1_count.body["count"], 3, "{:?}", v1_count.body);
    let ungrouped_count = api
        .api_get(
            "/api/v2/notifications/unread_count?grouped_types[]=favourite",
            Some(bob),
        )
        .await;
    assert_eq!(
        ungrouped_count.body["count"], 3,
        "{:?}",
        ungrouped_count.body
    );
    let policy = api.api_get("/api/v2/notifications/policy", Some(bob)).await;
    assert_eq!(policy.body["for_not_following"], "accept");
    assert_eq!(policy.body["summary"]["pending_requests_count"], 0);
    assert_eq!(
        api.api_get("/api/v2/notifications", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    api.stop().await;
}

#[tokio::test]
async fn v2_pages_of_groups_are_linked() {
    let api = TestInstance::start().await;
    let tokens = api.people(&["bob", "ann"]).await;
    for n in 0..3 {
        api.post_status(&tokens[1], json!({"status": format!("@bob note {n}")}))
            .await;
    }
    let first = api
        .api_get("/api/v2/notifications?limit=2", Some(&tokens[0]))
        .await;
    assert_eq!(
        first.body["notification_groups"].as_array().unwrap().len(),
        2
    );
    let next = common::link_param(first.link.as_deref().unwrap(), "next", "max_id").unwrap();
    let second = api
        .api_get(
            &format!("/api/v2/notifications?limit=2&max_id={next}"),
            Some(&tokens[0]),
        )
        .await;
    let groups = second.body["notification_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert!(groups[0]["most_recent_notification_id"].as_str().unwrap() < next.as_str());
    api.stop().await;
}
