//! Interoperability with Fedify for articles: a Fedify actor following a Trellis editor
//! receives a published article as an `Article` with `name`, `summary`, `url` and a FEP-b2b8
//! `preview` Note, then its Update and Delete. Following the article's category channel (a
//! Group), it also receives the channel's Announce of the article.

use std::time::Duration;

use federation_tests::clients::{MastodonApi, create_login_with};
use federation_tests::{FedifyPeer, Instance, wait_until};
use serde_json::{Value, json};

const PATIENCE: Duration = Duration::from_secs(30);

fn received<'a>(inbox: &'a [Value], kind: &str, object_id: &str) -> Option<&'a Value> {
    inbox
        .iter()
        .rev()
        .find(|a| a["type"] == kind && (a["object"]["id"] == object_id || a["object"] == object_id))
}

async fn call(api: &MastodonApi, method: reqwest::Method, path: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", api.base))
        .bearer_auth(&api.token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    let value: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{path} -> {status} {value}");
    value
}

#[tokio::test]
async fn fedify_receives_a_trellis_article_with_its_preview() {
    let fedify = FedifyPeer::start().await;
    let alpha = Instance::start("alpha").await;
    let login = create_login_with(&alpha, "editor", json!({ "role": "editor" })).await;
    let editor = MastodonApi::password_login(&alpha, &login).await;
    call(
        &editor,
        reqwest::Method::POST,
        "/api/trellis/v1/categories",
        json!({ "name": "Security" }),
    )
    .await;
    let actor = alpha.actor("editor");
    let channel = alpha.actor("security");
    for followed in [&actor, &channel] {
        fedify.follow(followed).await;
    }
    wait_until(
        "the editor and the channel to accept Fedify",
        PATIENCE,
        || async {
            let following = fedify.following().await;
            [&actor, &channel]
                .iter()
                .all(|wanted| following.iter().any(|(id, ok)| id == *wanted && *ok))
                .then_some(())
        },
    )
    .await;

    let article = call(
        &editor,
        reqwest::Method::POST,
        "/api/trellis/v1/articles",
        json!({
            "title": "Security update",
            "summary": "Rotate your keys",
            "body": "Rotate your **keys** by Friday.",
            "tags": ["security"],
            "category": "security",
            "status": "published",
        }),
    )
    .await;
    let uri = article["uri"].as_str().expect("uri").to_string();
    let inbox = wait_until("the Article at Fedify", PATIENCE, || async {
        let inbox = fedify.inbox().await;
        received(&inbox, "Create", &uri).is_some().then_some(inbox)
    })
    .await;
    // `object` is what Fedify understood; `json` the document as received.
    let entry = received(&inbox, "Create", &uri).unwrap();
    assert_eq!(entry["object"]["type"], "Article", "{entry}");
    assert!(
        entry["object"]["content"]
            .as_str()
            .unwrap_or_default()
            .contains("<strong>keys</strong>"),
        "{entry}"
    );
    let raw = &entry["json"]["object"];
    assert_eq!(raw["type"], "Article", "{entry}");
    assert_eq!(raw["name"], "Security update", "{entry}");
    assert_eq!(raw["summary"], "Rotate your keys", "{entry}");
    assert_eq!(raw["url"], article["url"], "{entry}");
    assert_eq!(raw["preview"]["type"], "Note", "{entry}");
    assert!(
        raw["preview"]["content"]
            .as_str()
            .unwrap_or_default()
            .contains("<strong>Security update</strong>"),
        "{entry}"
    );

    // The channel announces it: Fedify sees a boost by the Group.
    let inbox = wait_until("the channel's Announce at Fedify", PATIENCE, || async {
        let inbox = fedify.inbox().await;
        received(&inbox, "Announce", &uri)
            .is_some()
            .then_some(inbox)
    })
    .await;
    let announce = received(&inbox, "Announce", &uri).unwrap();
    assert_eq!(announce["json"]["actor"], channel.as_str(), "{announce}");
    let group: Value = reqwest::Client::new()
        .get(&channel)
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("channel")
        .json()
        .await
        .expect("json");
    assert_eq!(group["type"], "Group");

    let id = article["id"].as_str().unwrap();
    call(
        &editor,
        reqwest::Method::PATCH,
        &format!("/api/trellis/v1/articles/{id}"),
        json!({ "title": "Security update (revised)" }),
    )
    .await;
    wait_until("the Update at Fedify", PATIENCE, || async {
        let inbox = fedify.inbox().await;
        received(&inbox, "Update", &uri)
            .filter(|u| u["json"]["object"]["name"] == "Security update (revised)")
            .map(|_| ())
    })
    .await;
    call(
        &editor,
        reqwest::Method::DELETE,
        &format!("/api/trellis/v1/articles/{id}"),
        Value::Null,
    )
    .await;
    wait_until("the Delete at Fedify", PATIENCE, || async {
        let inbox = fedify.inbox().await;
        received(&inbox, "Delete", &uri).map(|_| ())
    })
    .await;
}
