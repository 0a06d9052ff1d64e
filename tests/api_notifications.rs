//! The notifications API: every kind is recorded and listed, filters, pagination, get,
//! dismiss, clear, the unread count, and the error answers.

mod common;

use std::collections::BTreeSet;

use common::TestInstance;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const INTERNAL_TOKEN: &str = "internal-test-token-notifications";

/// An instance with the internal interface, to act as people without the client API.
async fn start() -> TestInstance {
    TestInstance::start_with(&[("TRELLIS_INTERNAL_API_TOKEN", INTERNAL_TOKEN)]).await
}

async fn internal(t: &TestInstance, method: reqwest::Method, path: &str, body: Value) -> Value {
    let response = t
        .client
        .request(method, format!("{}/internal/v1{path}", t.base))
        .bearer_auth(INTERNAL_TOKEN)
        .json(&body)
        .send()
        .await
        .expect("internal request");
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

async fn post(t: &TestInstance, user: &str, text: &str, visibility: &str) -> Value {
    internal(
        t,
        reqwest::Method::POST,
        &format!("/users/{user}/posts"),
        json!({ "text": text, "visibility": visibility }),
    )
    .await
}

async fn act(t: &TestInstance, user: &str, action: &str, body: Value) -> Value {
    internal(
        t,
        reqwest::Method::POST,
        &format!("/users/{user}/{action}"),
        body,
    )
    .await
}

async fn get(t: &TestInstance, token: &str, path: &str) -> reqwest::Response {
    t.client
        .get(format!("{}{path}", t.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("request sent")
}

async fn post_api(
    t: &TestInstance,
    token: &str,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    t.client
        .post(format!("{}{path}", t.base))
        .bearer_auth(token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish(),
        )
        .send()
        .await
        .expect("request sent")
}

async fn list(t: &TestInstance, token: &str, query: &str) -> Vec<Value> {
    let response = get(t, token, &format!("/api/v1/notifications{query}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn kinds(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|n| n["type"].as_str().unwrap().to_string())
        .collect()
}

async fn account_id(t: &TestInstance, username: &str) -> i64 {
    let state = &t.running.as_ref().unwrap().state;
    trellis::services::accounts::find(state, username)
        .await
        .unwrap()
        .account
        .id
}

/// alice is followed by bob, mentioned by bob, and her post is liked and boosted by bob; she
/// boosts carol's post, which carol then edits; dave asks to follow the locked erin.
async fn scenario(t: &TestInstance) -> Value {
    for user in ["alice", "bob", "carol", "dave", "erin"] {
        t.create_user(user, |_| {}).await;
    }
    act(t, "erin", "locked", json!({ "locked": true })).await;
    act(t, "bob", "follow", json!({ "target": "alice" })).await;
    post(t, "bob", "hello @alice", "public").await;
    let mine = post(t, "alice", "my post", "public").await;
    act(t, "bob", "like", json!({ "object": mine["uri"] })).await;
    act(t, "bob", "boost", json!({ "object": mine["uri"] })).await;
    let theirs = post(t, "carol", "first version", "public").await;
    act(t, "alice", "boost", json!({ "object": theirs["uri"] })).await;
    internal(
        t,
        reqwest::Method::PUT,
        &format!("/users/carol/posts/{}", theirs["id"].as_str().unwrap()),
        json!({ "text": "second version" }),
    )
    .await;
    act(t, "dave", "follow", json!({ "target": "erin" })).await;
    mine
}

#[tokio::test]
async fn every_kind_is_listed_with_its_account_and_status() {
    let t = start().await;
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
    let bob = account_id(&t, "bob").await.to_string();
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
    let t = start().await;
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
    let carol = account_id(&t, "carol").await;
    assert_eq!(
        kinds(&list(&t, &token, &format!("?account_id={carol}")).await),
        only(&["update"])
    );
    t.stop().await;
}

#[tokio::test]
async fn pages_follow_the_link_header() {
    let t = start().await;
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
    let t = start().await;
    scenario(&t).await;
    let alice = t.token("alice", "read write").await;
    let bob = t.token("bob", "read write").await;
    let items = list(&t, &alice, "").await;
    let first = items[0]["id"].as_str().unwrap().to_string();
    let second = items[1]["id"].as_str().unwrap().to_string();

    let one = get(&t, &alice, &format!("/api/v1/notifications/{first}")).await;
    assert_eq!(one.status(), StatusCode::OK);
    let one: Value = one.json().await.unwrap();
    assert_eq!(one["id"], first.as_str());
    assert_eq!(one["type"], items[0]["type"]);

    // Someone else's notification does not exist for bob.
    let theirs = get(&t, &bob, &format!("/api/v1/notifications/{first}")).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let body: Value = theirs.json().await.unwrap();
    assert!(body["error"].is_string());
    let dismiss_theirs = post_api(
        &t,
        &bob,
        &format!("/api/v1/notifications/{first}/dismiss"),
        &[],
    )
    .await;
    assert_eq!(dismiss_theirs.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        get(&t, &alice, "/api/v1/notifications/123456789")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&t, &alice, "/api/v1/notifications/abc").await.status(),
        StatusCode::NOT_FOUND
    );

    let dismissed = post_api(
        &t,
        &alice,
        &format!("/api/v1/notifications/{first}/dismiss"),
        &[],
    )
    .await;
    assert_eq!(dismissed.status(), StatusCode::OK);
    assert_eq!(dismissed.json::<Value>().await.unwrap(), json!({}));
    assert_eq!(
        get(&t, &alice, &format!("/api/v1/notifications/{first}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let legacy = post_api(
        &t,
        &alice,
        "/api/v1/notifications/dismiss",
        &[("id", &second)],
    )
    .await;
    assert_eq!(legacy.status(), StatusCode::OK);
    let left = list(&t, &alice, "").await;
    assert_eq!(left.len(), 3);
    assert!(
        left.iter()
            .all(|n| n["id"] != first.as_str() && n["id"] != second.as_str())
    );
    let missing_id = post_api(&t, &alice, "/api/v1/notifications/dismiss", &[]).await;
    assert_eq!(missing_id.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let cleared = post_api(&t, &alice, "/api/v1/notifications/clear", &[]).await;
    assert_eq!(cleared.status(), StatusCode::OK);
    assert!(list(&t, &alice, "").await.is_empty());
    // Other people's notifications are untouched.
    let erin = t.token("erin", "read").await;
    assert_eq!(list(&t, &erin, "").await.len(), 1);
    t.stop().await;
}

#[tokio::test]
async fn unread_count_starts_after_the_marker() {
    let t = start().await;
    scenario(&t).await;
    let token = t.token("alice", "read").await;
    let count = |query: &'static str| {
        let t = &t;
        let token = token.clone();
        async move {
            let response = get(
                t,
                &token,
                &format!("/api/v1/notifications/unread_count{query}"),
            )
            .await;
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()["count"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(count("").await, 5);
    assert_eq!(count("?limit=2").await, 2);
    assert_eq!(count("?types[]=mention").await, 1);
    let items = list(&t, &token, "").await;
    let third = items[2]["id"].as_str().unwrap().to_string();
    let alice = account_id(&t, "alice").await;
    let state = t.running.as_ref().unwrap().state.clone();
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
    let t = start().await;
    for user in ["alice", "carol"] {
        t.create_user(user, |_| {}).await;
    }
    act(&t, "alice", "follow", json!({ "target": "carol" })).await;
    let private = post(&t, "carol", "followers only", "private").await;
    act(&t, "alice", "like", json!({ "object": private["uri"] })).await;
    internal(
        &t,
        reqwest::Method::PUT,
        &format!("/users/carol/posts/{}", private["id"].as_str().unwrap()),
        json!({ "text": "followers only, edited" }),
    )
    .await;
    let token = t.token("alice", "read").await;
    let before = list(&t, &token, "?types[]=update").await;
    assert_eq!(before.len(), 1);
    let id = before[0]["id"].as_str().unwrap().to_string();
    act(&t, "alice", "unfollow", json!({ "target": "carol" })).await;
    assert!(list(&t, &token, "?types[]=update").await.is_empty());
    assert_eq!(
        get(&t, &token, &format!("/api/v1/notifications/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    t.stop().await;
}

#[tokio::test]
async fn error_answers() {
    let t = start().await;
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
            get(&t, "not-a-token", &path).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            get(&t, &no_scope, &path).await.status(),
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
            post_api(&t, &no_scope, &path, &[]).await.status(),
            StatusCode::FORBIDDEN
        );
        // Reading does not allow writing.
        assert_eq!(
            post_api(&t, &items_token, &path, &[]).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    // Invalid parameters.
    for query in ["?limit=many", "?max_id=abc", "?account_id=x"] {
        let response = get(&t, &items_token, &format!("/api/v1/notifications{query}")).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}"
        );
        assert!(response.json::<Value>().await.unwrap()["error"].is_string());
    }
    // A revoked token.
    let revoked = t.token("alice", "read").await;
    assert_eq!(
        get(&t, &revoked, "/api/v1/notifications").await.status(),
        StatusCode::OK
    );
    let hash = trellis::services::oauth::secret_hash(&revoked);
    let state = t.running.as_ref().unwrap().state.clone();
    state
        .db()
        .write(move |conn| {
            use trellis::db::schema::oauth_access_tokens as tokens;
            diesel::update(tokens::table.filter(tokens::token_hash.eq(hash)))
                .set(tokens::revoked_at.eq(Some(chrono::Utc::now().naive_utc())))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(
        get(&t, &revoked, "/api/v1/notifications").await.status(),
        StatusCode::UNAUTHORIZED
    );
    t.stop().await;
}
