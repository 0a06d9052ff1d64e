//! Conversations: direct messages gathered by thread for each local participant, read and
//! unread, removed from the list, and following deletes.

use crate::common;

use common::TestInstance;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// (conversation id, unread, participants' usernames, latest status id) of each conversation.
fn summary(body: &Value) -> Vec<(String, bool, Vec<String>, Value)> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut names: Vec<String> = c["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["username"].as_str().unwrap().to_string())
                .collect();
            names.sort();
            (
                c["id"].as_str().unwrap().to_string(),
                c["unread"].as_bool().unwrap(),
                names,
                c["last_status"]["id"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn direct_messages_gather_into_conversations_per_participant() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob", "carol"]).await;
    let (alice, bob, carol) = (&tokens[0], &tokens[1], &tokens[2]);
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    api.post_as("alice", "a public word to @bob", "public")
        .await;
    let first = api.post_as("alice", "@bob @carol lunch?", "direct").await;
    let bobs = summary(&api.api_get("/api/v1/conversations", Some(bob)).await.body);
    assert_eq!(bobs.len(), 1, "only the direct post makes a conversation");
    let (conversation, unread, participants, last) = bobs[0].clone();
    assert!(unread);
    assert_eq!(participants, names(&["alice", "carol"]));
    assert_eq!(last, first["id"]);
    let alices = summary(&api.api_get("/api/v1/conversations", Some(alice)).await.body);
    assert_eq!(alices.len(), 1);
    assert!(!alices[0].1, "the author has read their own message");
    assert_eq!(alices[0].2, names(&["bob", "carol"]));

    // A reply stays in the conversation and makes it unread for the others.
    let reply = api
        .post_json_as(
            "bob",
            json!({ "text": "@alice @carol yes!", "visibility": "direct", "in_reply_to": first["uri"] }),
        )
        .await;
    let bobs = summary(&api.api_get("/api/v1/conversations", Some(bob)).await.body);
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0].0, conversation);
    assert!(!bobs[0].1);
    assert_eq!(bobs[0].3, reply["id"]);
    let alices = summary(&api.api_get("/api/v1/conversations", Some(alice)).await.body);
    assert!(alices[0].1);
    assert_eq!(alices[0].3, reply["id"]);

    // Marking read.
    let path = format!("/api/v1/conversations/{}/read", alices[0].0);
    let reply_read = api.api(Method::POST, &path, Some(alice), None).await;
    assert_eq!(reply_read.status, StatusCode::OK, "{:?}", reply_read.body);
    assert_eq!(reply_read.body["unread"], false);
    assert!(!summary(&api.api_get("/api/v1/conversations", Some(alice)).await.body)[0].1);
    // Someone else's conversation is missing.
    assert_eq!(
        api.api(Method::POST, &path, Some(carol), None).await.status,
        StatusCode::NOT_FOUND
    );

    // A new thread is a second conversation, latest first.
    let other = api.post_as("carol", "@bob a secret", "direct").await;
    let bobs = summary(&api.api_get("/api/v1/conversations", Some(bob)).await.body);
    assert_eq!(bobs.len(), 2);
    assert_eq!(bobs[0].3, other["id"]);
    assert_eq!(bobs[0].2, names(&["carol"]));
    let page = api
        .api_get("/api/v1/conversations?limit=1", Some(bob))
        .await;
    assert_eq!(page.body.as_array().unwrap().len(), 1);
    let link = page.link.clone().expect("a Link header");
    let max_id = common::link_param(&link, "next", "max_id").expect("next page");
    let next = api
        .api_get(
            &format!("/api/v1/conversations?limit=1&max_id={max_id}"),
            Some(bob),
        )
        .await;
    assert_eq!(summary(&next.body)[0].0, conversation);

    // Deleting the latest post moves the conversation back to the one before.
    let deleted = api
        .api(
            Method::DELETE,
            &format!("/api/v1/statuses/{}", reply["id"].as_str().unwrap()),
            Some(bob),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    let alices = summary(&api.api_get("/api/v1/conversations", Some(alice)).await.body);
    assert_eq!(alices[0].3, first["id"]);

    // Removing a conversation from the list; a new message brings it back.
    let remove = format!("/api/v1/conversations/{}", bobs[0].0);
    assert_eq!(
        api.api(Method::DELETE, &remove, Some(bob), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        summary(&api.api_get("/api/v1/conversations", Some(bob)).await.body).len(),
        1
    );
    assert_eq!(
        api.api(Method::DELETE, &remove, Some(bob), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    api.post_json_as(
        "carol",
        json!({ "text": "@bob are you there?", "visibility": "direct", "in_reply_to": other["uri"] }),
    )
    .await;
    let bobs = summary(&api.api_get("/api/v1/conversations", Some(bob)).await.body);
    assert_eq!(bobs.len(), 2);
    assert!(bobs[0].1);
}
