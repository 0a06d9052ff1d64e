//! Must-read articles as Mastodon announcements: listed until acknowledged, dismissed by
//! acknowledging, and the acknowledgement is the article's.

use crate::common;

use common::TestInstance;
use reqwest::StatusCode;
use serde_json::{Value, json};
use trellis::services::accounts::Role;

const ARTICLES: &str = "/api/trellis/v1/articles";
const ANNOUNCEMENTS: &str = "/api/v1/announcements";

async fn article(api: &TestInstance, token: &str, body: Value) -> String {
    let reply = api.api_post(ARTICLES, Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn pending_must_reads_are_announcements_until_dismissed() {
    let api = TestInstance::start().await;
    api.create_user("ed", |p| p.role = Some(Role::Editor)).await;
    let editor = api.token("ed", "read write").await;
    let bob = api.people(&["bob"]).await.remove(0);
    let rules = article(
        &api,
        &editor,
        json!({"title": "Security <rules>", "summary": "Badges & doors", "must_read": true,
               "status": "published"}),
    )
    .await;
    let later = article(
        &api,
        &editor,
        json!({"title": "Travel policy", "must_read": true, "status": "published"}),
    )
    .await;
    article(
        &api,
        &editor,
        json!({"title": "Lunch", "status": "published"}),
    )
    .await;
    article(&api, &editor, json!({"title": "Soon", "must_read": true})).await;

    let listed = api.api_get(ANNOUNCEMENTS, Some(&bob)).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    let ids: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [later.as_str(), rules.as_str()], "newest first");
    let first = &listed.body[1];
    let content = first["content"].as_str().unwrap();
    assert!(content.contains("Security &lt;rules&gt;"), "{content}");
    assert!(content.contains("Badges &amp; doors"), "{content}");
    assert!(content.contains("/articles/"), "{content}");
    assert_eq!(first["read"], false);
    assert_eq!(first["published"], true);
    assert!(first["published_at"].is_string());
    assert_eq!(first["reactions"], json!([]));

    let dismissed = api
        .api_post(
            &format!("{ANNOUNCEMENTS}/{rules}/dismiss"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(dismissed.status, StatusCode::OK, "{:?}", dismissed.body);
    assert_eq!(dismissed.body, json!({}));
    let listed = api.api_get(ANNOUNCEMENTS, Some(&bob)).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert_eq!(listed.body[0]["id"], later.as_str());

    // The dismissal is the article's acknowledgement.
    let report = api
        .api_get(
            &format!("{ARTICLES}/{rules}/acknowledgements"),
            Some(&editor),
        )
        .await;
    assert_eq!(report.body["count"], 1, "{:?}", report.body);
    assert_eq!(
        report.body["acknowledgements"][0]["account"]["username"],
        "bob"
    );
    // Others still see both.
    let carol = api.people(&["carol"]).await.remove(0);
    let theirs = api.api_get(ANNOUNCEMENTS, Some(&carol)).await;
    assert_eq!(theirs.body.as_array().unwrap().len(), 2);
    api.stop().await;
}

#[tokio::test]
async fn dismissing_needs_a_token_and_a_must_read() {
    let api = TestInstance::start().await;
    api.create_user("ed", |p| p.role = Some(Role::Editor)).await;
    let editor = api.token("ed", "read write").await;
    let bob = api.people(&["bob"]).await.remove(0);
    let lunch = article(
        &api,
        &editor,
        json!({"title": "Lunch", "status": "published"}),
    )
    .await;

    assert_eq!(
        api.api_get(ANNOUNCEMENTS, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let plain = api
        .api_post(
            &format!("{ANNOUNCEMENTS}/{lunch}/dismiss"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(
        plain.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        plain.body
    );
    assert!(plain.body["error"].is_string());
    for id in ["999999", "not-a-number"] {
        let missing = api
            .api_post(&format!("{ANNOUNCEMENTS}/{id}/dismiss"), Some(&bob), None)
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{id}");
    }
    let read_only = api.token("bob", "read").await;
    let refused = api
        .api_post(
            &format!("{ANNOUNCEMENTS}/{lunch}/dismiss"),
            Some(&read_only),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    api.stop().await;
}
