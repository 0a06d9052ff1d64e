//! Client API accounts: verify_credentials, update_credentials, get, lookup, statuses,
//! followers, following, and the lists kept empty.

use crate::common;

use common::{ALL_SCOPES, ApiResponse, TestInstance, form_body};
use reqwest::Method;
use serde_json::{Value, json};

/// Publishes a post through the internal interface; returns its id.
async fn publish(instance: &TestInstance, user: &str, text: &str, visibility: &str) -> String {
    instance.post_as(user, text, visibility).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn me(instance: &TestInstance, token: &str) -> String {
    let (status, body) = instance
        .api_get("/api/v1/accounts/verify_credentials", Some(token))
        .await
        .parts();
    assert_eq!(status, 200, "{body}");
    body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn verify_credentials_returns_the_credential_account() {
    let instance = TestInstance::start_with_internal().await;
    instance
        .create_user("alice", |p| p.display_name = Some("Alice Martin".into()))
        .await;
    let token = instance.token("alice", ALL_SCOPES).await;
    let (status, body) = instance
        .api_get("/api/v1/accounts/verify_credentials", Some(&token))
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(body["username"], "alice");
    assert_eq!(body["acct"], "alice");
    assert_eq!(body["display_name"], "Alice Martin");
    assert_eq!(body["source"]["privacy"], "public");
    assert_eq!(body["source"]["note"], "");
    assert!(body["id"].as_str().unwrap().parse::<i64>().is_ok());
    assert!(body["avatar"].as_str().unwrap().starts_with("http"));

    let profile = instance.token("alice", "profile").await;
    let status = instance
        .api_get("/api/v1/accounts/verify_credentials", Some(&profile))
        .await
        .status;
    assert_eq!(status, 200);
    let granular = instance.token("alice", "read:accounts").await;
    let status = instance
        .api_get("/api/v1/accounts/verify_credentials", Some(&granular))
        .await
        .status;
    assert_eq!(status, 200);

    let (status, body) = instance
        .api_get("/api/v1/accounts/verify_credentials", None)
        .await
        .parts();
    assert_eq!(status, 401);
    assert!(body["error"].is_string());
    let status = instance
        .api_get("/api/v1/accounts/verify_credentials", Some("nope"))
        .await
        .status;
    assert_eq!(status, 401);
    let narrow = instance.token("alice", "write:statuses").await;
    let status = instance
        .api_get("/api/v1/accounts/verify_credentials", Some(&narrow))
        .await
        .status;
    assert_eq!(status, 403);
    instance.revoke(&token).await;
    let status = instance
        .api_get("/api/v1/accounts/verify_credentials", Some(&token))
        .await
        .status;
    assert_eq!(status, 401);
    instance.stop().await;
}

#[tokio::test]
async fn update_credentials_changes_the_profile() {
    let instance = TestInstance::start_with_internal().await;
    instance.create_user("alice", |_| {}).await;
    let token = instance.token("alice", ALL_SCOPES).await;
    let id = me(&instance, &token).await;

    // Rails-style form, as most clients send it.
    let response = instance
        .client
        .patch(format!(
            "{}/api/v1/accounts/update_credentials",
            instance.base
        ))
        .bearer_auth(&token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("display_name", "Alice <b>M</b>"),
            ("note", "Controller & forecasting"),
            ("locked", "1"),
            ("bot", "false"),
            ("discoverable", "0"),
            ("fields_attributes[0][name]", "Team"),
            ("fields_attributes[0][value]", "Finance"),
            ("fields_attributes[1][name]", "Desk"),
            ("fields_attributes[1][value]", "B4"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["display_name"], "Alice <b>M</b>");
    assert_eq!(body["source"]["note"], "Controller & forecasting");
    assert!(
        body["note"]
            .as_str()
            .unwrap()
            .contains("Controller &amp; forecasting")
    );
    assert_eq!(body["locked"], true);
    assert_eq!(body["discoverable"], false);
    assert_eq!(body["fields"][0]["name"], "Team");
    assert_eq!(body["fields"][1]["value"], "B4");

    let (status, shown) = instance
        .api_get(&format!("/api/v1/accounts/{id}"), None)
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(shown["display_name"], "Alice <b>M</b>");
    assert!(shown["note"].as_str().unwrap().contains("forecasting"));
    assert_eq!(shown["locked"], true);

    // JSON, with the bot flag and fields as an array.
    let (status, body) = instance.api(
        Method::PATCH,
        "/api/v1/accounts/update_credentials",
        Some(&token),
        Some(json!({ "bot": true, "locked": false, "fields_attributes": [{"name": "Only", "value": "one"}] })),)
    .await.parts();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["bot"], true);
    assert_eq!(body["locked"], false);
    assert_eq!(body["fields"].as_array().unwrap().len(), 1);
    assert_eq!(body["display_name"], "Alice <b>M</b>");

    // Multipart with an avatar file: the file is ignored, the rest applies.
    let boundary = "trellis-test-boundary";
    let mut multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"display_name\"\r\n\r\nAlice Multipart\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    multipart.extend_from_slice(&[0x89, b'P', b'N', b'G', 0, 1, 2]);
    multipart.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = instance
        .client
        .patch(format!(
            "{}/api/v1/accounts/update_credentials",
            instance.base
        ))
        .bearer_auth(&token)
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
    assert_eq!(body["display_name"], "Alice Multipart");

    // The actor document federates the new profile.
    let actor: Value = instance
        .get("/users/alice", "application/activity+json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(actor["name"], "Alice Multipart");
    assert_eq!(actor["type"], "Service");

    // Errors.
    let patch = |token: Option<String>, body: Value| {
        let instance = &instance;
        async move {
            instance
                .api(
                    Method::PATCH,
                    "/api/v1/accounts/update_credentials",
                    token.as_deref(),
                    Some(body),
                )
                .await
                .status
        }
    };
    assert_eq!(patch(None, json!({"display_name": "x"})).await, 401);
    let read_only = instance.token("alice", "read").await;
    assert_eq!(
        patch(Some(read_only), json!({"display_name": "x"})).await,
        403
    );
    let long = "x".repeat(101);
    assert_eq!(
        patch(Some(token.clone()), json!({ "display_name": long })).await,
        422
    );
    assert_eq!(
        patch(Some(token.clone()), json!({ "fields_attributes": "nope" })).await,
        422
    );
    let five: Vec<Value> = (0..5)
        .map(|i| json!({ "name": format!("n{i}"), "value": "v" }))
        .collect();
    assert_eq!(
        patch(Some(token.clone()), json!({ "fields_attributes": five })).await,
        422
    );
    assert_eq!(
        patch(Some(token.clone()), json!({ "locked": "maybe" })).await,
        422
    );
    instance.stop().await;
}

#[tokio::test]
async fn accounts_are_shown_and_looked_up() {
    let instance = TestInstance::start_with_internal().await;
    instance.create_user("alice", |_| {}).await;
    let token = instance.token("alice", ALL_SCOPES).await;
    let id = me(&instance, &token).await;
    publish(&instance, "alice", "hello", "public").await;

    let (status, body) = instance
        .api_get(&format!("/api/v1/accounts/{id}"), None)
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(body["id"], id);
    assert_eq!(body["statuses_count"], 1);
    assert_eq!(body["url"], format!("{}/users/alice", instance.base));
    let status = instance
        .api_get(&format!("/api/v1/accounts/{id}"), Some(&token))
        .await
        .status;
    assert_eq!(status, 200);
    let (status, body) = instance
        .api_get("/api/v1/accounts/12345", None)
        .await
        .parts();
    assert_eq!(status, 404);
    assert!(body["error"].is_string());
    let status = instance
        .api_get("/api/v1/accounts/not-a-number", None)
        .await
        .status;
    assert_eq!(status, 404);
    let narrow = instance.token("alice", "write:statuses").await;
    let status = instance
        .api_get(&format!("/api/v1/accounts/{id}"), Some(&narrow))
        .await
        .status;
    assert_eq!(status, 403);
    let status = instance
        .api_get(&format!("/api/v1/accounts/{id}"), Some("bad"))
        .await
        .status;
    assert_eq!(status, 401);

    for acct in ["alice", "@alice", &format!("alice@{}", instance.domain)] {
        let (status, body) = instance
            .api_get(&format!("/api/v1/accounts/lookup?acct={acct}"), None)
            .await
            .parts();
        assert_eq!(status, 200, "{acct}");
        assert_eq!(body["id"], id);
    }
    let status = instance
        .api_get("/api/v1/accounts/lookup?acct=nobody", None)
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_get("/api/v1/accounts/lookup?acct=alice@elsewhere.example", None)
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_get("/api/v1/accounts/lookup", None)
        .await
        .status;
    assert_eq!(status, 422);
    let status = instance
        .api_get("/api/v1/accounts/lookup?acct=alice", Some(&narrow))
        .await
        .status;
    assert_eq!(status, 403);
    instance.stop().await;
}

#[tokio::test]
async fn account_statuses_respect_visibility_and_filters() {
    let instance = TestInstance::start_with_internal().await;
    instance.create_user("alice", |_| {}).await;
    instance.create_user("bob", |_| {}).await;
    instance.create_user("carol", |_| {}).await;
    let alice = instance.token("alice", ALL_SCOPES).await;
    let bob = instance.token("bob", ALL_SCOPES).await;
    let carol = instance.token("carol", ALL_SCOPES).await;
    let alice_id = me(&instance, &alice).await;

    let public = publish(&instance, "alice", "public #Budget post", "public").await;
    let private = publish(&instance, "alice", "followers only", "private").await;
    let direct = publish(&instance, "alice", "@carol just for you", "direct").await;
    let unlisted = publish(&instance, "alice", "quiet one", "unlisted").await;
    let reply = instance
        .post_json_as(
            "alice",
            json!({
                "text": "a reply to myself",
                "in_reply_to": format!("{}/users/alice/statuses/{public}", instance.base),
            }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Bob follows alice (not locked: accepted at once).
    let (status, rel) = instance
        .api_post(
            &format!("/api/v1/accounts/{alice_id}/follow"),
            Some(&bob),
            None,
        )
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(rel["following"], true);

    let ids = |body: &Value| -> Vec<String> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let path = format!("/api/v1/accounts/{alice_id}/statuses");
    let (status, anonymous) = instance.api_get(&path, None).await.parts();
    assert_eq!(status, 200);
    assert_eq!(
        ids(&anonymous),
        vec![reply.clone(), unlisted.clone(), public.clone()]
    );
    assert_eq!(anonymous[2]["account"]["id"], alice_id);
    assert_eq!(anonymous[2]["tags"][0]["name"], "budget");
    let follower = instance.api_get(&path, Some(&bob)).await.body;
    assert_eq!(
        ids(&follower),
        vec![
            reply.clone(),
            unlisted.clone(),
            private.clone(),
            public.clone()
        ]
    );
    let mentioned = instance.api_get(&path, Some(&carol)).await.body;
    assert_eq!(
        ids(&mentioned),
        vec![
            reply.clone(),
            unlisted.clone(),
            direct.clone(),
            public.clone()
        ]
    );
    let own = instance.api_get(&path, Some(&alice)).await.body;
    assert_eq!(ids(&own).len(), 5);

    // Filters.
    let tagged = instance
        .api_get(&format!("{path}?tagged=budget"), None)
        .await
        .body;
    assert_eq!(ids(&tagged), vec![public.clone()]);
    let no_replies = instance
        .api_get(&format!("{path}?exclude_replies=true"), None)
        .await
        .body;
    assert_eq!(
        ids(&no_replies),
        vec![reply.clone(), unlisted.clone(), public.clone()],
        "a reply to oneself is part of a thread, not a reply to others"
    );
    let media = instance
        .api_get(&format!("{path}?only_media=1"), None)
        .await
        .body;
    assert_eq!(media, json!([]));
    let pinned = instance
        .api_get(&format!("{path}?pinned=true"), None)
        .await
        .body;
    assert_eq!(pinned, json!([]));

    // Boosts.
    instance
        .act_as(
            "bob",
            "boost",
            json!({ "object": format!("{}/users/alice/statuses/{public}", instance.base) }),
        )
        .await;
    let bob_id = me(&instance, &bob).await;
    let bob_path = format!("/api/v1/accounts/{bob_id}/statuses");
    let boosts = instance.api_get(&bob_path, None).await.body;
    assert_eq!(boosts.as_array().unwrap().len(), 1);
    assert_eq!(boosts[0]["reblog"]["id"], public);
    let without = instance
        .api_get(&format!("{bob_path}?exclude_reblogs=true"), None)
        .await
        .body;
    assert_eq!(without, json!([]));

    // Pagination.
    let ApiResponse {
        status,
        body: page,
        link,
    } = instance
        .api(Method::GET, &format!("{path}?limit=2"), None, None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&page), vec![reply.clone(), unlisted.clone()]);
    let link = link.expect("Link header");
    assert!(link.contains(&format!("max_id={unlisted}")), "{link}");
    assert!(link.contains(&format!("min_id={reply}")), "{link}");
    let next = instance
        .api_get(&format!("{path}?limit=2&max_id={unlisted}"), None)
        .await
        .body;
    assert_eq!(ids(&next), vec![public.clone()]);
    let newer = instance
        .api_get(&format!("{path}?min_id={public}&limit=1"), None)
        .await
        .body;
    assert_eq!(ids(&newer), vec![unlisted.clone()]);

    // Errors.
    let status = instance
        .api_get("/api/v1/accounts/999/statuses", None)
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_get(&format!("{path}?limit=many"), None)
        .await
        .status;
    assert_eq!(status, 422);
    let narrow = instance.token("alice", "read:accounts").await;
    let status = instance.api_get(&path, Some(&narrow)).await.status;
    assert_eq!(status, 403);
    let status = instance.api_get(&path, Some("bad-token")).await.status;
    assert_eq!(status, 401);
    instance.stop().await;
}

#[tokio::test]
async fn followers_and_following_are_paginated() {
    let instance = TestInstance::start_with_internal().await;
    instance.create_user("alice", |_| {}).await;
    let alice = instance.token("alice", ALL_SCOPES).await;
    let alice_id = me(&instance, &alice).await;
    let mut follower_ids = Vec::new();
    for name in ["bob", "carol", "dave"] {
        instance.create_user(name, |_| {}).await;
        let token = instance.token(name, ALL_SCOPES).await;
        follower_ids.push(me(&instance, &token).await);
        let status = instance
            .api_post(
                &format!("/api/v1/accounts/{alice_id}/follow"),
                Some(&token),
                None,
            )
            .await
            .status;
        assert_eq!(status, 200);
    }
    let path = format!("/api/v1/accounts/{alice_id}/followers");
    let ApiResponse {
        status,
        body: page,
        link,
    } = instance
        .api(Method::GET, &format!("{path}?limit=2"), None, None)
        .await;
    assert_eq!(status, 200);
    let names: Vec<&str> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["dave", "carol"]);
    assert_eq!(page[0]["following_count"], 1);
    let link = link.expect("Link header");
    let next = link
        .split(", ")
        .find(|l| l.ends_with("rel=\"next\""))
        .unwrap()
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .to_string();
    assert!(next.contains("limit=2"), "{next}");
    let rest: Value = instance
        .client
        .get(next)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest.as_array().unwrap().len(), 1);
    assert_eq!(rest[0]["username"], "bob");

    let (status, following) = instance
        .api_get(
            &format!("/api/v1/accounts/{}/following", follower_ids[0]),
            None,
        )
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(following[0]["id"], alice_id);
    let none = instance
        .api_get(&format!("/api/v1/accounts/{alice_id}/following"), None)
        .await
        .body;
    assert_eq!(none, json!([]));

    let status = instance
        .api_get("/api/v1/accounts/42/followers", None)
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_get("/api/v1/accounts/x/following", None)
        .await
        .status;
    assert_eq!(status, 404);
    let status = instance
        .api_get(&format!("{path}?max_id=abc"), None)
        .await
        .status;
    assert_eq!(status, 422);
    let narrow = instance.token("alice", "read:statuses").await;
    let status = instance.api_get(&path, Some(&narrow)).await.status;
    assert_eq!(status, 403);
    instance.stop().await;
}

#[tokio::test]
async fn launch_lists_are_empty() {
    let instance = TestInstance::start_with_internal().await;
    instance.create_user("alice", |_| {}).await;
    let token = instance.token("alice", ALL_SCOPES).await;
    let id = me(&instance, &token).await;
    for path in [
        "/api/v1/featured_tags".to_string(),
        "/api/v1/followed_tags".to_string(),
        "/api/v1/endorsements".to_string(),
        "/api/v1/domain_blocks".to_string(),
        "/api/v1/filters".to_string(),
        "/api/v2/filters".to_string(),
        format!("/api/v1/accounts/{id}/lists"),
        format!("/api/v1/accounts/{id}/featured_tags"),
    ] {
        let (status, body) = instance.api_get(&path, Some(&token)).await.parts();
        assert_eq!(status, 200, "{path}");
        assert_eq!(body, json!([]), "{path}");
    }
    let (status, body) = instance
        .api_get(
            &format!("/api/v1/accounts/familiar_followers?id[]={id}&id[]=7"),
            Some(&token),
        )
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([{"id": id, "accounts": []}, {"id": "7", "accounts": []}])
    );

    for path in [
        "/api/v1/featured_tags",
        "/api/v1/followed_tags",
        "/api/v1/endorsements",
        "/api/v1/domain_blocks",
        "/api/v1/filters",
        "/api/v2/filters",
        "/api/v1/accounts/familiar_followers",
    ] {
        let status = instance.api_get(path, None).await.status;
        assert_eq!(status, 401, "{path}");
    }
    let narrow = instance.token("alice", "write:statuses").await;
    let status = instance
        .api_get("/api/v1/filters", Some(&narrow))
        .await
        .status;
    assert_eq!(status, 403);
    let status = instance
        .api_get("/api/v1/accounts/1/lists", Some(&token))
        .await
        .status;
    assert_eq!(status, 404);
    instance.stop().await;
}
