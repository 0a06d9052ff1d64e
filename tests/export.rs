//! A person's data export: `GET /api/trellis/v1/export` and the web page's download, one zip
//! with the profile, posts and articles as ActivityStreams, follows, likes, bookmarks, lists,
//! blocks and mutes, recorded in the audit log.

use crate::common;

use std::collections::HashMap;
use std::io::Read;

use common::TestInstance;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use serde_json::{Value, json};
use trellis::services::accounts::Role;

const EXPORT: &str = "/api/trellis/v1/export";

/// The files of a zip archive, by name.
fn unzip(bytes: &[u8]) -> HashMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut files = HashMap::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).unwrap();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        files.insert(file.name().unwrap().to_string(), text);
    }
    files
}

fn json_of(files: &HashMap<String, String>, name: &str) -> Value {
    serde_json::from_str(&files[name]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

async fn download(t: &TestInstance, token: &str) -> reqwest::Response {
    t.client
        .get(format!("{}{EXPORT}", t.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_archive_holds_a_persons_posts_articles_and_relations() {
    let t = TestInstance::start().await;
    t.create_user("erin", |p| p.role = Some(Role::Editor)).await;
    let erin = t.token("erin", "read write follow").await;
    let others = t.people(&["ann", "ben", "cy"]).await;
    let (ann, ben) = (&others[0], &others[1]);
    let domain = t.state().urls().domain().to_string();

    // Posts of every audience, and a boost.
    let public = t
        .post_status(&erin, json!({"status": "Hello, everyone"}))
        .await;
    t.post_status(
        &erin,
        json!({"status": "For followers", "visibility": "private"}),
    )
    .await;
    t.post_status(
        &erin,
        json!({"status": "@ann just you", "visibility": "direct"}),
    )
    .await;
    let anns = t.post_status(ann, json!({"status": "Ann's news"})).await;
    let anns_id = anns["id"].as_str().unwrap();
    for action in ["reblog", "favourite"] {
        let done = t
            .api_post(
                &format!("/api/v1/statuses/{anns_id}/{action}"),
                Some(&erin),
                None,
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{action}");
    }
    let bens = t.post_status(ben, json!({"status": "Ben's tip"})).await;
    let bookmarked = t
        .api_post(
            &format!("/api/v1/statuses/{}/bookmark", bens["id"].as_str().unwrap()),
            Some(&erin),
            None,
        )
        .await;
    assert_eq!(bookmarked.status, StatusCode::OK);
    // A draft article with its Markdown.
    let draft = t
        .api_post(
            "/api/trellis/v1/articles",
            Some(&erin),
            Some(json!({"title": "Onboarding", "summary": "First days", "body": "# Welcome\n\nAsk *anyone*.", "status": "draft"})),
        )
        .await;
    assert_eq!(draft.status, StatusCode::CREATED, "{:?}", draft.body);
    // Follows, a follower, a list, a block and a mute.
    let ann_id = t.account_id("ann").await;
    let cy_id = t.account_id("cy").await;
    let erin_id = t.account_id("erin").await;
    for (path, token) in [
        (format!("/api/v1/accounts/{ann_id}/follow"), &erin),
        (format!("/api/v1/accounts/{erin_id}/follow"), ben),
        (format!("/api/v1/accounts/{cy_id}/block"), &erin),
    ] {
        let done = t.api_post(&path, Some(token), None).await;
        assert_eq!(done.status, StatusCode::OK, "{path}");
    }
    let list = t
        .api_form("/api/v1/lists", &erin, &[("title", "Team, core")])
        .await;
    let list_id = list.body["id"].as_str().unwrap().to_string();
    let added = t
        .api_form(
            &format!("/api/v1/lists/{list_id}/accounts"),
            &erin,
            &[("account_ids[]", ann_id.as_str())],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{:?}", added.body);

    let response = download(&t, &erin).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/zip");
    let disposition = response.headers()[CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"trellis-erin-"),
        "{disposition}"
    );
    let files = unzip(&response.bytes().await.unwrap());

    let actor = json_of(&files, "actor.json");
    assert_eq!(actor["preferredUsername"], "erin");
    assert_eq!(actor["type"], "Person");

    let outbox = json_of(&files, "outbox.json");
    assert_eq!(outbox["type"], "OrderedCollection");
    let items = outbox["orderedItems"].as_array().unwrap();
    let contents: Vec<&str> = items
        .iter()
        .filter(|item| item["type"] == "Create")
        .map(|item| item["object"]["content"].as_str().unwrap_or_default())
        .collect();
    for text in ["Hello, everyone", "For followers", "just you"] {
        assert!(
            contents.iter().any(|c| c.contains(text)),
            "{text} in {contents:?}"
        );
    }
    let public_create = items
        .iter()
        .find(|item| item["object"]["id"] == public["uri"])
        .expect("the public post's Create");
    assert_eq!(public_create["actor"], actor["id"]);
    let boost = items
        .iter()
        .find(|item| item["type"] == "Announce")
        .expect("the boost");
    assert_eq!(boost["object"], anns["uri"]);
    assert_eq!(outbox["totalItems"], 4);

    let articles = json_of(&files, "articles.json");
    assert_eq!(articles[0]["title"], "Onboarding");
    assert_eq!(articles[0]["status"], "draft");
    assert_eq!(
        articles[0]["source"]["content"],
        "# Welcome\n\nAsk *anyone*."
    );

    assert_eq!(
        json_of(&files, "likes.json")["orderedItems"],
        json!([anns["uri"]])
    );
    assert_eq!(
        json_of(&files, "bookmarks.json")["orderedItems"],
        json!([bens["uri"]])
    );
    assert_eq!(
        files["following_accounts.csv"],
        format!(
            "Account address,Show boosts,Notify on new posts,Languages\nann@{domain},true,false,\n"
        )
    );
    assert_eq!(
        files["followers.csv"],
        format!("Account address\nben@{domain}\n")
    );
    assert_eq!(files["blocked_accounts.csv"], format!("cy@{domain}\n"));
    assert_eq!(files["lists.csv"], format!("\"Team, core\",ann@{domain}\n"));
    assert!(files.contains_key("muted_accounts.csv"));
    // Nobody else's posts are in it.
    assert!(!files["outbox.json"].contains("Ben's tip"));

    // The export is in the audit log, done by the person from their address.
    let admin = t.admin_token("root", "admin:read").await;
    let log = t
        .api_get(
            "/api/trellis/v1/admin/audit?action=account.export",
            Some(&admin),
        )
        .await;
    assert_eq!(log.status, StatusCode::OK, "{:?}", log.body);
    assert_eq!(log.body[0]["target"], "@erin");
    assert_eq!(log.body[0]["actor"]["username"], "erin");
    t.stop().await;
}

#[tokio::test]
async fn exporting_needs_the_persons_whole_read_scope() {
    let t = TestInstance::start().await;
    t.create_user("erin", |_| {}).await;
    let no_token = t
        .client
        .get(format!("{}{EXPORT}", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);
    let narrow = t.token("erin", "read:statuses").await;
    let response = download(&t, &narrow).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"],
        "This action is outside the authorized scopes"
    );
    t.stop().await;
}

#[tokio::test]
async fn the_web_page_offers_the_download_to_the_signed_in_person() {
    let t = TestInstance::start().await;
    t.create_user("erin", |_| {}).await;
    let erin = t.token("erin", "write").await;
    t.post_status(&erin, json!({"status": "From the web"}))
        .await;

    let stranger = t.get("/settings/export", "text/html").await;
    assert_eq!(stranger.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        stranger.headers()[LOCATION],
        "/login?next=%2Fsettings%2Fexport"
    );
    let stranger = t.get("/settings/export/archive", "*/*").await;
    assert_eq!(stranger.status(), StatusCode::SEE_OTHER);

    let account = trellis::services::accounts::find(t.state(), "erin")
        .await
        .unwrap()
        .account;
    let session = trellis::services::web_sessions::start(t.state(), &account)
        .await
        .unwrap()
        .token;
    let browse = |path: &'static str| {
        t.client
            .get(format!("{}{path}", t.base))
            .header("Cookie", format!("trellis_session={session}"))
            .send()
    };
    let page = browse("/settings/export").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("action=\"/settings/export/archive\""),
        "{html}"
    );
    let archive = browse("/settings/export/archive").await.unwrap();
    assert_eq!(archive.status(), StatusCode::OK);
    let files = unzip(&archive.bytes().await.unwrap());
    assert!(files["outbox.json"].contains("From the web"));
    t.stop().await;
}
