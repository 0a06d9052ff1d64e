//! Keyword filters: the v2 and v1 APIs, and filters applied to timelines, threads, profiles,
//! notifications and streams.

use crate::common;

use common::{TestInstance, form_body};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::api_streaming::{connect, next_message, payload};

/// The ids of a timeline page's statuses.
fn ids(body: &Value) -> Vec<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// The `filtered` titles of the status `id` in a page.
fn filtered_titles(body: &Value, id: &Value) -> Vec<String> {
    let status = body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| &s["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {body}"));
    status["filtered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["filter"]["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn filters_are_created_changed_and_deleted_with_their_keywords() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let (alice, bob) = (&tokens[0], &tokens[1]);
    assert_eq!(
        api.api_get("/api/v2/filters", Some(alice)).await.body,
        json!([])
    );

    let reply = api
        .api_post(
            "/api/v2/filters",
            Some(alice),
            Some(json!({
                "title": "Sport",
                "context": ["home", "public"],
                "filter_action": "hide",
                "keywords_attributes": [
                    { "keyword": "football", "whole_word": true },
                    { "keyword": "match", "whole_word": false }
                ]
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let id = reply.id();
    assert_eq!(reply.body["title"], "Sport");
    assert_eq!(reply.body["context"], json!(["home", "public"]));
    assert_eq!(reply.body["filter_action"], "hide");
    assert_eq!(reply.body["expires_at"], Value::Null);
    let keywords = reply.body["keywords"].as_array().unwrap().clone();
    assert_eq!(keywords.len(), 2);
    assert_eq!(keywords[0]["keyword"], "football");
    assert_eq!(keywords[0]["whole_word"], true);
    assert_eq!(keywords[1]["whole_word"], false);

    // The form encoding Rails clients send: an array of keyword objects.
    let reply = api
        .api(Method::POST, "/api/v2/filters", Some(alice), None)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        reply.body
    );
    let form = form_body(&[
        ("title", "Films"),
        ("context[]", "thread"),
        ("expires_in", "3600"),
        ("keywords_attributes[][keyword]", "trailer"),
        ("keywords_attributes[][whole_word]", "false"),
        ("keywords_attributes[][keyword]", "spoiler"),
    ]);
    let response = api
        .client
        .post(format!("{}/api/v2/filters", api.base))
        .bearer_auth(alice)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let films: Value = response.json().await.unwrap();
    assert_eq!(films["filter_action"], "warn");
    assert!(films["expires_at"].is_string());
    let words: Vec<(&str, bool)> = films["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["keyword"].as_str().unwrap(),
                k["whole_word"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(words, vec![("trailer", false), ("spoiler", true)]);

    // Change the title, drop one keyword, rename the other, add a third.
    let path = format!("/api/v2/filters/{id}");
    let reply = api
        .api(
            Method::PUT,
            &path,
            Some(alice),
            Some(json!({
                "title": "Sports",
                "keywords_attributes": [
                    { "id": keywords[0]["id"], "_destroy": true },
                    { "id": keywords[1]["id"], "keyword": "matchday" },
                    { "keyword": "league" }
                ]
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["title"], "Sports");
    let words: Vec<&str> = reply.body["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keyword"].as_str().unwrap())
        .collect();
    assert_eq!(words, vec!["matchday", "league"]);

    // The keyword routes.
    let reply = api
        .api_post(
            &format!("{path}/keywords"),
            Some(alice),
            Some(json!({ "keyword": "cup", "whole_word": true })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let cup = reply.id();
    let keyword_path = format!("/api/v2/filters/keywords/{cup}");
    let reply = api
        .api(
            Method::PUT,
            &keyword_path,
            Some(alice),
            Some(json!({ "keyword": "trophy" })),
        )
        .await;
    assert_eq!(reply.body["keyword"], "trophy");
    assert_eq!(
        api.api_get(&keyword_path, Some(bob)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api(Method::DELETE, &keyword_path, Some(alice), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.api_get(&format!("{path}/keywords"), Some(alice))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Invalid filters are refused with a message.
    for body in [
        json!({ "context": ["home"] }),
        json!({ "title": "x" }),
        json!({ "title": "x", "context": ["everywhere"] }),
        json!({ "title": "x", "context": ["home"], "filter_action": "explode" }),
        json!({ "title": "x", "context": ["home"], "expires_in": -5 }),
        json!({ "title": "x", "context": ["home"], "keywords_attributes": [{ "keyword": " " }] }),
    ] {
        let reply = api
            .api_post("/api/v2/filters", Some(alice), Some(body.clone()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(reply.body["error"].is_string(), "{:?}", reply.body);
    }

    // Someone else's filter is missing, for reading, changing and deleting.
    assert_eq!(
        api.api_get(&path, Some(bob)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api(
            Method::PUT,
            &path,
            Some(bob),
            Some(json!({ "title": "Mine" }))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api(Method::DELETE, &path, Some(bob), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api_get("/api/v2/filters", Some(bob)).await.body,
        json!([])
    );

    assert_eq!(
        api.api(Method::DELETE, &path, Some(alice), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.api_get(&path, Some(alice)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api_get("/api/v2/filters", Some(alice))
            .await
            .ids()
            .len(),
        1
    );
}

#[tokio::test]
async fn filters_hide_or_mark_posts_in_their_contexts_only() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let alice = &tokens[0];
    api.follow_as("alice", "bob").await;
    for body in [
        json!({ "title": "Spoilers", "context": ["home", "thread"], "filter_action": "warn",
                "keywords_attributes": [{ "keyword": "spoilers", "whole_word": true }] }),
        json!({ "title": "Crypto", "context": ["home", "public"], "filter_action": "hide",
                "keywords_attributes": [{ "keyword": "crypto", "whole_word": true }] }),
    ] {
        let reply = api
            .api_post("/api/v2/filters", Some(alice), Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    }
    let spoilers = api.post_as("bob", "Big SPOILERS ahead", "public").await;
    let crypto = api.post_as("bob", "Buy crypto now", "public").await;
    let science = api.post_as("bob", "Cryptography is fun", "public").await;
    let hidden_warning = api
        .post_json_as(
            "bob",
            json!({ "text": "plain words", "spoiler_text": "about crypto", "visibility": "public" }),
        )
        .await;
    let own = api.post_as("alice", "my crypto notes", "public").await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();

    // Home: the hide filter removes the post (also when the keyword is in the content
    // warning), the warn filter marks one, whole words only; the reader's own post stays.
    let home = api
        .api_get("/api/v1/timelines/home", Some(alice))
        .await
        .body;
    let seen = ids(&home);
    assert!(!seen.contains(&id(&crypto)), "{home}");
    assert!(!seen.contains(&id(&hidden_warning)));
    assert!(seen.contains(&id(&science)));
    assert!(seen.contains(&id(&own)));
    assert_eq!(filtered_titles(&home, &spoilers["id"]), vec!["Spoilers"]);
    assert_eq!(filtered_titles(&home, &science["id"]), Vec::<String>::new());
    let marked = home
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == spoilers["id"])
        .unwrap();
    assert_eq!(
        marked["filtered"][0]["keyword_matches"],
        json!(["spoilers"])
    );
    assert_eq!(marked["filtered"][0]["status_matches"], Value::Null);
    assert_eq!(marked["filtered"][0]["filter"]["filter_action"], "warn");

    // Public: only the hide filter applies there.
    let public = api
        .api_get("/api/v1/timelines/public", Some(alice))
        .await
        .body;
    assert!(!ids(&public).contains(&id(&crypto)));
    assert_eq!(
        filtered_titles(&public, &spoilers["id"]),
        Vec::<String>::new()
    );
    // Without a token, nothing is filtered.
    let anonymous = api.api_get("/api/v1/timelines/public", None).await.body;
    assert!(ids(&anonymous).contains(&id(&crypto)));

    // A profile is the account context: no filter applies.
    let bob_id = api.account_id("bob").await;
    let profile = api
        .api_get(&format!("/api/v1/accounts/{bob_id}/statuses"), Some(alice))
        .await
        .body;
    assert!(ids(&profile).contains(&id(&crypto)));

    // Thread: replies are marked by the thread filter.
    let reply = api
        .post_json_as(
            "bob",
            json!({ "text": "more spoilers", "visibility": "public", "in_reply_to": science["uri"] }),
        )
        .await;
    let context = api
        .api_get(
            &format!("/api/v1/statuses/{}/context", id(&science)),
            Some(alice),
        )
        .await
        .body;
    assert_eq!(
        filtered_titles(&context["descendants"], &reply["id"]),
        vec!["Spoilers"]
    );

    // A filter that names a status matches it.
    let reply = api
        .api_post(
            "/api/v2/filters",
            Some(alice),
            Some(json!({ "title": "That one", "context": ["home"] })),
        )
        .await;
    let that_one = reply.id();
    let reply = api
        .api_post(
            &format!("/api/v2/filters/{that_one}/statuses"),
            Some(alice),
            Some(json!({ "status_id": id(&science) })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["status_id"], science["id"]);
    let home = api
        .api_get("/api/v1/timelines/home", Some(alice))
        .await
        .body;
    let marked = home
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == science["id"])
        .unwrap();
    assert_eq!(marked["filtered"][0]["filter"]["title"], "That one");
    assert_eq!(
        marked["filtered"][0]["status_matches"],
        json!([reply.body["id"]])
    );
    let listed = api
        .api_get(&format!("/api/v2/filters/{that_one}/statuses"), Some(alice))
        .await;
    assert_eq!(listed.ids(), vec![reply.id()]);
    assert_eq!(
        api.api(
            Method::DELETE,
            &format!("/api/v2/filters/statuses/{}", reply.id()),
            Some(alice),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    let home = api
        .api_get("/api/v1/timelines/home", Some(alice))
        .await
        .body;
    assert_eq!(filtered_titles(&home, &science["id"]), Vec::<String>::new());
}

#[tokio::test]
async fn expired_filters_stop_applying() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let alice = &tokens[0];
    api.follow_as("alice", "bob").await;
    let reply = api
        .api_post(
            "/api/v2/filters",
            Some(alice),
            Some(
                json!({ "title": "Briefly", "context": ["home"], "filter_action": "hide",
                         "expires_in": 1, "keywords_attributes": [{ "keyword": "launch" }] }),
            ),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let post = api.post_as("bob", "the launch is today", "public").await;
    let home = api
        .api_get("/api/v1/timelines/home", Some(alice))
        .await
        .body;
    assert!(!ids(&home).contains(&post["id"].as_str().unwrap().to_string()));
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let home = api
        .api_get("/api/v1/timelines/home", Some(alice))
        .await
        .body;
    assert!(ids(&home).contains(&post["id"].as_str().unwrap().to_string()));
}

#[tokio::test]
async fn notifications_and_streams_leave_out_what_a_hide_filter_matches() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let alice = &tokens[0];
    api.follow_as("alice", "bob").await;
    let reply = api
        .api_post(
            "/api/v2/filters",
            Some(alice),
            Some(json!({ "title": "Noise", "context": ["home", "notifications"],
                         "filter_action": "hide", "keywords_attributes": [{ "keyword": "noise" }] })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let read = api.token("alice", "read").await;
    let mut socket = connect(&api, &format!("?stream=user&access_token={read}")).await;

    let noisy = api.post_as("bob", "@alice more noise", "public").await;
    let quiet = api.post_as("bob", "@alice a quiet word", "public").await;
    // The stream skips the hidden post and its mention, and carries the next ones.
    let mut carried = Vec::new();
    while carried.len() < 2 {
        let message = next_message(&mut socket).await;
        let body = payload(&message);
        let status = match message["event"].as_str().unwrap() {
            "update" => body.clone(),
            "notification" => body["status"].clone(),
            other => panic!("unexpected {other}"),
        };
        assert_ne!(status["id"], noisy["id"], "{message}");
        carried.push((
            message["event"].as_str().unwrap().to_string(),
            status["id"].clone(),
        ));
    }
    assert!(
        carried.iter().all(|(_, id)| id == &quiet["id"]),
        "{carried:?}"
    );

    let notifications = api.api_get("/api/v1/notifications", Some(alice)).await.body;
    let about: Vec<&Value> = notifications
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["status"]["id"])
        .collect();
    assert_eq!(about, vec![&quiet["id"]]);
}

#[tokio::test]
async fn the_v1_api_shows_each_keyword_as_a_filter() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice"]).await;
    let alice = &tokens[0];
    let reply = api
        .api_post(
            "/api/v1/filters",
            Some(alice),
            Some(json!({ "phrase": "election", "context": ["home", "public"],
                         "irreversible": true, "whole_word": false })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let id = reply.id();
    assert_eq!(reply.body["phrase"], "election");
    assert_eq!(reply.body["irreversible"], true);
    assert_eq!(reply.body["whole_word"], false);
    let v2 = api.api_get("/api/v2/filters", Some(alice)).await.body;
    assert_eq!(v2[0]["title"], "election");
    assert_eq!(v2[0]["filter_action"], "hide");
    assert_eq!(v2[0]["keywords"][0]["id"], json!(id));

    let reply = api
        .api(
            Method::PUT,
            &format!("/api/v1/filters/{id}"),
            Some(alice),
            Some(json!({ "phrase": "elections", "context": ["home"], "irreversible": false })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["phrase"], "elections");
    assert_eq!(reply.body["context"], json!(["home"]));
    assert_eq!(reply.body["irreversible"], false);
    assert_eq!(
        api.api_get("/api/v1/filters", Some(alice)).await.ids(),
        vec![id.clone()]
    );

    assert_eq!(
        api.api(
            Method::DELETE,
            &format!("/api/v1/filters/{id}"),
            Some(alice),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        api.api_get("/api/v2/filters", Some(alice)).await.body,
        json!([])
    );
}
