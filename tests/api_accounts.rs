//! Client API accounts: verify_credentials, update_credentials, get, lookup, statuses,
//! followers, following, and the lists kept empty.

mod common;

use common::TestInstance;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const INTERNAL: &str = "internal-token-for-account-tests-0123";
const ALL: &str = "read write follow";

async fn start() -> TestInstance {
    TestInstance::start_with(&[("TRELLIS_INTERNAL_API_TOKEN", INTERNAL)]).await
}

/// A client API call: status, JSON body (Null when empty) and the Link header.
async fn call(
    instance: &TestInstance,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value, Option<String>) {
    let mut request = instance
        .client
        .request(method, format!("{}{}", instance.base, path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let link = response
        .headers()
        .get("link")
        .map(|v| v.to_str().unwrap().to_string());
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, value, link)
}

async fn get(instance: &TestInstance, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let (status, value, _) = call(instance, Method::GET, path, token, None).await;
    (status, value)
}

async fn post(instance: &TestInstance, path: &str, token: &str) -> (StatusCode, Value) {
    let (status, value, _) = call(instance, Method::POST, path, Some(token), None).await;
    (status, value)
}

/// Publishes a post through the internal interface; returns its id.
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
    body["id"].as_str().unwrap().to_string()
}

async fn me(instance: &TestInstance, token: &str) -> String {
    let (status, body) = get(instance, "/api/v1/accounts/verify_credentials", Some(token)).await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// A url-encoded form body.
fn form_body(pairs: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        form.append_pair(key, value);
    }
    form.finish()
}

/// Marks a token revoked in the database.
async fn revoke(instance: &TestInstance, token: &str) {
    use diesel::prelude::*;
    use trellis::db::schema::oauth_access_tokens;
    let hash = trellis::services::oauth::secret_hash(token);
    let state = &instance.running.as_ref().unwrap().state;
    state
        .db()
        .write(move |conn| {
            Ok(diesel::update(
                oauth_access_tokens::table.filter(oauth_access_tokens::token_hash.eq(hash)),
            )
            .set(oauth_access_tokens::revoked_at.eq(Some(chrono::Utc::now().naive_utc())))
            .execute(conn)?)
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn verify_credentials_returns_the_credential_account() {
    let instance = start().await;
    instance
        .create_user("alice", |p| p.display_name = Some("Alice Martin".into()))
        .await;
    let token = instance.token("alice", ALL).await;
    let (status, body) = get(
        &instance,
        "/api/v1/accounts/verify_credentials",
        Some(&token),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["username"], "alice");
    assert_eq!(body["acct"], "alice");
    assert_eq!(body["display_name"], "Alice Martin");
    assert_eq!(body["source"]["privacy"], "public");
    assert_eq!(body["source"]["note"], "");
    assert!(body["id"].as_str().unwrap().parse::<i64>().is_ok());
    assert!(body["avatar"].as_str().unwrap().starts_with("http"));

    let profile = instance.token("alice", "profile").await;
    let (status, _) = get(
        &instance,
        "/api/v1/accounts/verify_credentials",
        Some(&profile),
    )
    .await;
    assert_eq!(status, 200);
    let granular = instance.token("alice", "read:accounts").await;
    let (status, _) = get(
        &instance,
        "/api/v1/accounts/verify_credentials",
        Some(&granular),
    )
    .await;
    assert_eq!(status, 200);

    let (status, body) = get(&instance, "/api/v1/accounts/verify_credentials", None).await;
    assert_eq!(status, 401);
    assert!(body["error"].is_string());
    let (status, _) = get(
        &instance,
        "/api/v1/accounts/verify_credentials",
        Some("nope"),
    )
    .await;
    assert_eq!(status, 401);
    let narrow = instance.token("alice", "write:statuses").await;
    let (status, _) = get(
        &instance,
        "/api/v1/accounts/verify_credentials",
        Some(&narrow),
    )
    .await;
    assert_eq!(status, 403);
    revoke(&instance, &token).await;
    let (status, _) = get(
        &instance,
        "/api/v1/accounts/verify_credentials",
        Some(&token),
    )
    .await;
    assert_eq!(status, 401);
    instance.stop().await;
}

#[tokio::test]
async fn update_credentials_changes_the_profile() {
    let instance = start().await;
    instance.create_user("alice", |_| {}).await;
    let token = instance.token("alice", ALL).await;
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

    let (status, shown) = get(&instance, &format!("/api/v1/accounts/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(shown["display_name"], "Alice <b>M</b>");
    assert!(shown["note"].as_str().unwrap().contains("forecasting"));
    assert_eq!(shown["locked"], true);

    // JSON, with the bot flag and fields as an array.
    let (status, body, _) = call(
        &instance,
        Method::PATCH,
        "/api/v1/accounts/update_credentials",
        Some(&token),
        Some(json!({ "bot": true, "locked": false, "fields_attributes": [{"name": "Only", "value": "one"}] })),
    )
    .await;
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
            call(
                instance,
                Method::PATCH,
                "/api/v1/accounts/update_credentials",
                token.as_deref(),
                Some(body),
            )
            .await
            .0
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
    let instance = start().await;
    instance.create_user("alice", |_| {}).await;
    let token = instance.token("alice", ALL).await;
    let id = me(&instance, &token).await;
    publish(&instance, "alice", "hello", "public").await;

    let (status, body) = get(&instance, &format!("/api/v1/accounts/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], id);
    assert_eq!(body["statuses_count"], 1);
    assert_eq!(body["url"], format!("{}/users/alice", instance.base));
    let (status, _) = get(&instance, &format!("/api/v1/accounts/{id}"), Some(&token)).await;
    assert_eq!(status, 200);
    let (status, body) = get(&instance, "/api/v1/accounts/12345", None).await;
    assert_eq!(status, 404);
    assert!(body["error"].is_string());
    let (status, _) = get(&instance, "/api/v1/accounts/not-a-number", None).await;
    assert_eq!(status, 404);
    let narrow = instance.token("alice", "write:statuses").await;
    let (status, _) = get(&instance, &format!("/api/v1/accounts/{id}"), Some(&narrow)).await;
    assert_eq!(status, 403);
    let (status, _) = get(&instance, &format!("/api/v1/accounts/{id}"), Some("bad")).await;
    assert_eq!(status, 401);

    for acct in ["alice", "@alice", &format!("alice@{}", instance.domain)] {
        let (status, body) = get(
            &instance,
            &format!("/api/v1/accounts/lookup?acct={acct}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{acct}");
        assert_eq!(body["id"], id);
    }
    let (status, _) = get(&instance, "/api/v1/accounts/lookup?acct=nobody", None).await;
    assert_eq!(status, 404);
    let (status, _) = get(
        &instance,
        "/api/v1/accounts/lookup?acct=alice@elsewhere.example",
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = get(&instance, "/api/v1/accounts/lookup", None).await;
    assert_eq!(status, 422);
    let (status, _) = get(
        &instance,
        "/api/v1/accounts/lookup?acct=alice",
        Some(&narrow),
    )
    .await;
    assert_eq!(status, 403);
    instance.stop().await;
}

#[tokio::test]
async fn account_statuses_respect_visibility_and_filters() {
    let instance = start().await;
    instance.create_user("alice", |_| {}).await;
    instance.create_user("bob", |_| {}).await;
    instance.create_user("carol", |_| {}).await;
    let alice = instance.token("alice", ALL).await;
    let bob = instance.token("bob", ALL).await;
    let carol = instance.token("carol", ALL).await;
    let alice_id = me(&instance, &alice).await;

    let public = publish(&instance, "alice", "public #Budget post", "public").await;
    let private = publish(&instance, "alice", "followers only", "private").await;
    let direct = publish(&instance, "alice", "@carol just for you", "direct").await;
    let unlisted = publish(&instance, "alice", "quiet one", "unlisted").await;
    let reply = {
        let response = instance
            .client
            .post(format!("{}/internal/v1/users/alice/posts", instance.base))
            .bearer_auth(INTERNAL)
            .json(&json!({
                "text": "a reply to myself",
                "in_reply_to": format!("{}/users/alice/statuses/{public}", instance.base),
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Bob follows alice (not locked: accepted at once).
    let (status, rel) = post(
        &instance,
        &format!("/api/v1/accounts/{alice_id}/follow"),
        &bob,
    )
    .await;
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
    let (status, anonymous) = get(&instance, &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        ids(&anonymous),
        vec![reply.clone(), unlisted.clone(), public.clone()]
    );
    assert_eq!(anonymous[2]["account"]["id"], alice_id);
    assert_eq!(anonymous[2]["tags"][0]["name"], "budget");
    let (_, follower) = get(&instance, &path, Some(&bob)).await;
    assert_eq!(
        ids(&follower),
        vec![
            reply.clone(),
            unlisted.clone(),
            private.clone(),
            public.clone()
        ]
    );
    let (_, mentioned) = get(&instance, &path, Some(&carol)).await;
    assert_eq!(
        ids(&mentioned),
        vec![
            reply.clone(),
            unlisted.clone(),
            direct.clone(),
            public.clone()
        ]
    );
    let (_, own) = get(&instance, &path, Some(&alice)).await;
    assert_eq!(ids(&own).len(), 5);

    // Filters.
    let (_, tagged) = get(&instance, &format!("{path}?tagged=budget"), None).await;
    assert_eq!(ids(&tagged), vec![public.clone()]);
    let (_, no_replies) = get(&instance, &format!("{path}?exclude_replies=true"), None).await;
    assert_eq!(
        ids(&no_replies),
        vec![reply.clone(), unlisted.clone(), public.clone()],
        "a reply to oneself is part of a thread, not a reply to others"
    );
    let (_, media) = get(&instance, &format!("{path}?only_media=1"), None).await;
    assert_eq!(media, json!([]));
    let (_, pinned) = get(&instance, &format!("{path}?pinned=true"), None).await;
    assert_eq!(pinned, json!([]));

    // Boosts.
    let response = instance
        .client
        .post(format!("{}/internal/v1/users/bob/boost", instance.base))
        .bearer_auth(INTERNAL)
        .json(&json!({ "object": format!("{}/users/alice/statuses/{public}", instance.base) }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let bob_id = me(&instance, &bob).await;
    let bob_path = format!("/api/v1/accounts/{bob_id}/statuses");
    let (_, boosts) = get(&instance, &bob_path, None).await;
    assert_eq!(boosts.as_array().unwrap().len(), 1);
    assert_eq!(boosts[0]["reblog"]["id"], public);
    let (_, without) = get(&instance, &format!("{bob_path}?exclude_reblogs=true"), None).await;
    assert_eq!(without, json!([]));

    // Pagination.
    let (status, page, link) = call(
        &instance,
        Method::GET,
        &format!("{path}?limit=2"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&page), vec![reply.clone(), unlisted.clone()]);
    let link = link.expect("Link header");
    assert!(link.contains(&format!("max_id={unlisted}")), "{link}");
    assert!(link.contains(&format!("min_id={reply}")), "{link}");
    let (_, next) = get(
        &instance,
        &format!("{path}?limit=2&max_id={unlisted}"),
        None,
    )
    .await;
    assert_eq!(ids(&next), vec![public.clone()]);
    let (_, newer) = get(&instance, &format!("{path}?min_id={public}&limit=1"), None).await;
    assert_eq!(ids(&newer), vec![unlisted.clone()]);

    // Errors.
    let (status, _) = get(&instance, "/api/v1/accounts/999/statuses", None).await;
    assert_eq!(status, 404);
    let (status, _) = get(&instance, &format!("{path}?limit=many"), None).await;
    assert_eq!(status, 422);
    let narrow = instance.token("alice", "read:accounts").await;
    let (status, _) = get(&instance, &path, Some(&narrow)).await;
    assert_eq!(status, 403);
    let (status, _) = get(&instance, &path, Some("bad-token")).await;
    assert_eq!(status, 401);
    instance.stop().await;
}

#[tokio::test]
async fn followers_and_following_are_paginated() {
    let instance = start().await;
    instance.create_user("alice", |_| {}).await;
    let alice = instance.token("alice", ALL).await;
    let alice_id = me(&instance, &alice).await;
    let mut follower_ids = Vec::new();
    for name in ["bob", "carol", "dave"] {
        instance.create_user(name, |_| {}).await;
        let token = instance.token(name, ALL).await;
        follower_ids.push(me(&instance, &token).await);
        let (status, _) = post(
            &instance,
            &format!("/api/v1/accounts/{alice_id}/follow"),
            &token,
        )
        .await;
        assert_eq!(status, 200);
    }
    let path = format!("/api/v1/accounts/{alice_id}/followers");
    let (status, page, link) = call(
        &instance,
        Method::GET,
        &format!("{path}?limit=2"),
        None,
        None,
    )
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

    let (status, following) = get(
        &instance,
        &format!("/api/v1/accounts/{}/following", follower_ids[0]),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(following[0]["id"], alice_id);
    let (_, none) = get(
        &instance,
        &format!("/api/v1/accounts/{alice_id}/following"),
        None,
    )
    .await;
    assert_eq!(none, json!([]));

    let (status, _) = get(&instance, "/api/v1/accounts/42/followers", None).await;
    assert_eq!(status, 404);
    let (status, _) = get(&instance, "/api/v1/accounts/x/following", None).await;
    assert_eq!(status, 404);
    let (status, _) = get(&instance, &format!("{path}?max_id=abc"), None).await;
    assert_eq!(status, 422);
    let narrow = instance.token("alice", "read:statuses").await;
    let (status, _) = get(&instance, &path, Some(&narrow)).await;
    assert_eq!(status, 403);
    instance.stop().await;
}

#[tokio::test]
async fn launch_lists_are_empty() {
    let instance = start().await;
    instance.create_user("alice", |_| {}).await;
    let token = instance.token("alice", ALL).await;
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
        let (status, body) = get(&instance, &path, Some(&token)).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body, json!([]), "{path}");
    }
    let (status, body) = get(
        &instance,
        &format!("/api/v1/accounts/familiar_followers?id[]={id}&id[]=7"),
        Some(&token),
    )
    .await;
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
        let (status, _) = get(&instance, path, None).await;
        assert_eq!(status, 401, "{path}");
    }
    let narrow = instance.token("alice", "write:statuses").await;
    let (status, _) = get(&instance, "/api/v1/filters", Some(&narrow)).await;
    assert_eq!(status, 403);
    let (status, _) = get(&instance, "/api/v1/accounts/1/lists", Some(&token)).await;
    assert_eq!(status, 404);
    instance.stop().await;
}
