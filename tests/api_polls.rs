//! Polls over the client API: created with a status (form and JSON), read, voted in, refused
//! votes, hidden with their status, and closed with a `poll` notification when they end.

use std::time::Duration;

use crate::common;

use common::TestInstance;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The poll of a new status by the token's owner.
async fn post_poll(api: &TestInstance, token: &str, body: Value) -> Value {
    let status = api.post_status(token, body).await;
    assert!(status["poll"].is_object(), "{status}");
    status
}

async fn vote(api: &TestInstance, token: &str, poll: &str, choices: Value) -> (StatusCode, Value) {
    api.api_post(
        &format!("/api/v1/polls/{poll}/votes"),
        Some(token),
        Some(json!({ "choices": choices })),
    )
    .await
    .parts()
}

#[tokio::test]
async fn people_create_read_and_vote_in_polls() {
    let api = TestInstance::start().await;
    let tokens = api.people(&["alice", "bob", "carol"]).await;
    let (alice, bob, carol) = (&tokens[0], &tokens[1], &tokens[2]);

    // Url-encoded with bracketed keys, as Mastodon apps send it.
    let form = api
        .api_form(
            "/api/v1/statuses",
            alice,
            &[
                ("status", "Lunch?"),
                ("poll[options][]", "Pizza"),
                ("poll[options][]", "Salad"),
                ("poll[expires_in]", "3600"),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::OK, "{:?}", form.body);
    let poll = &form.body["poll"];
    assert_eq!(poll["multiple"], false);
    assert_eq!(poll["expired"], false);
    assert_eq!(poll["votes_count"], 0);
    assert_eq!(
        poll["options"][0],
        json!({"title": "Pizza", "votes_count": 0})
    );
    assert_eq!(poll["options"][1]["title"], "Salad");
    assert_eq!(poll["voted"], false);
    assert!(poll["expires_at"].as_str().is_some());
    let single = poll["id"].as_str().unwrap().to_string();

    // JSON, multiple choice.
    let multi = post_poll(
        &api,
        alice,
        json!({"status": "Which days?", "poll": {"options": ["Mon", "Tue", "Wed"],
               "expires_in": 86400, "multiple": true}}),
    )
    .await;
    let multi = multi["poll"]["id"].as_str().unwrap().to_string();

    let (status, body) = vote(&api, bob, &single, json!([1])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["voted"], true);
    assert_eq!(body["own_votes"], json!([1]));
    assert_eq!(body["votes_count"], 1);
    assert_eq!(body["voters_count"], 1);
    assert_eq!(body["options"][1]["votes_count"], 1);

    let (status, body) = vote(&api, bob, &multi, json!(["0", "2"])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["own_votes"], json!([0, 2]));
    assert_eq!(body["votes_count"], 2);
    assert_eq!(body["voters_count"], 1);

    // The author sees the results, in the poll and in the status.
    let (status, seen) = api
        .api_get(&format!("/api/v1/polls/{single}"), Some(alice))
        .await
        .parts();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["voters_count"], 1);
    assert_eq!(seen["voted"], false);
    let (_, shown) = api
        .api_get(&format!("/api/v1/statuses/{single}"), Some(carol))
        .await
        .parts();
    assert_eq!(shown["poll"]["options"][1]["votes_count"], 1);

    // Refused votes: again, own poll, out of range, several on a single-choice poll, none.
    for (token, poll, choices) in [
        (bob, &single, json!([0])),
        (alice, &single, json!([0])),
        (carol, &single, json!([7])),
        (carol, &single, json!([0, 1])),
        (carol, &single, json!([])),
    ] {
        let (status, body) = vote(&api, token, poll, choices.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{choices} {body}");
        assert!(body["error"].is_string(), "{body}");
    }

    // Refused polls: too few or too many options, too short or too long.
    for poll in [
        json!({"options": ["only"], "expires_in": 3600}),
        json!({"options": ["a", "b", "c", "d", "e"], "expires_in": 3600}),
        json!({"options": ["a", "b"], "expires_in": 10}),
        json!({"options": ["a", "b"], "expires_in": 99_999_999}),
        json!({"options": ["a", "a"], "expires_in": 3600}),
    ] {
        let reply = api
            .api_post(
                "/api/v1/statuses",
                Some(alice),
                Some(json!({"status": "x", "poll": poll})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{poll}");
        assert!(reply.body["error"].is_string());
    }
    assert_eq!(
        api.api_get("/api/v1/polls/12345", Some(bob)).await.status,
        StatusCode::NOT_FOUND
    );
    api.stop().await;
}

#[tokio::test]
async fn the_poll_of_a_private_status_is_hidden_from_those_who_may_not_see_it() {
    let api = TestInstance::start().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let (alice, bob) = (&tokens[0], &tokens[1]);
    let status = post_poll(
        &api,
        alice,
        json!({"status": "Followers only", "visibility": "private",
               "poll": {"options": ["yes", "no"], "expires_in": 3600}}),
    )
    .await;
    let id = status["poll"]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/polls/{id}");
    assert_eq!(
        api.api_get(&path, Some(bob)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api.api_get(&path, None).await.status, StatusCode::NOT_FOUND);
    let (status, _) = vote(&api, bob, &id, json!([0])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(api.api_get(&path, Some(alice)).await.status, StatusCode::OK);
    api.stop().await;
}

#[tokio::test]
async fn an_ended_poll_is_closed_and_its_author_and_voters_are_notified() {
    let api = TestInstance::start_with(&[("TRELLIS_POLL_MIN_EXPIRATION_SECS", "1")]).await;
    let tokens = api.people(&["alice", "bob", "carol"]).await;
    let (alice, bob, carol) = (&tokens[0], &tokens[1], &tokens[2]);
    let status = post_poll(
        &api,
        alice,
        json!({"status": "Quick one", "poll": {"options": ["a", "b"], "expires_in": 2}}),
    )
    .await;
    let id = status["poll"]["id"].as_str().unwrap().to_string();
    let (code, _) = vote(&api, bob, &id, json!([0])).await;
    assert_eq!(code, StatusCode::OK);

    let has_poll_notification = |token: &str| {
        let token = token.to_string();
        let api = &api;
        let id = id.clone();
        async move {
            let (_, list) = api
                .api_get("/api/v1/notifications", Some(&token))
                .await
                .parts();
            list.as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|n| n["type"] == "poll" && n["status"]["id"] == id.as_str())
            })
        }
    };
    let mut notified = false;
    for _ in 0..40 {
        if has_poll_notification(alice).await && has_poll_notification(bob).await {
            notified = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(notified, "the author and the voter get a poll notification");
    assert!(!has_poll_notification(carol).await);
    let (_, poll) = api
        .api_get(&format!("/api/v1/polls/{id}"), Some(carol))
        .await
        .parts();
    assert_eq!(poll["expired"], true);
    assert_eq!(poll["options"][0]["votes_count"], 1);
    let (code, body) = vote(&api, carol, &id, json!([1])).await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    api.stop().await;
}
