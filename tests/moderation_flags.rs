//! A `Flag` in the form Mastodon sends (its instance actor, an array of the reported account
//! and posts, the comment as `content`, `to` the reported account), signed by another
//! server, becomes a report here that the moderators are told of and see through the admin
//! API; the same Flag again, or one naming nothing here, changes nothing.

use crate::common;

use common::{FakePeer, TestInstance};
use reqwest::StatusCode;
use serde_json::{Value, json};
use trellis::services::accounts::Role;

#[tokio::test]
async fn a_mastodon_flag_becomes_a_report_once() {
    let instance = TestInstance::start().await;
    instance
        .create_user("warden", |p| p.role = Some(Role::Moderator))
        .await;
    let moderator = instance
        .token("warden", "read write admin:read admin:write")
        .await;
    let bob = instance.people(&["bob"]).await.remove(0);
    let post = instance
        .post_status(&bob, json!({"status": "win a prize"}))
        .await;
    let peer = FakePeer::start().await;
    let key = instance.stand_in_signer(&peer, "actor").await;
    let flag = |id: &str, objects: Value| {
        serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": peer.url(id),
            "type": "Flag",
            "actor": peer.url("/users/actor"),
            "content": "Please take a look at this user and their posts",
            "object": objects,
            "to": format!("{}/users/bob", instance.base),
        }))
        .unwrap()
    };
    let bob_uri = format!("{}/users/bob", instance.base);
    let body = flag(
        "/ccb4f39a-506a-490e-9a8c-71831c7713a4",
        json!([bob_uri, post["uri"], "https://elsewhere.example/posts/1"]),
    );
    let response = instance.signed_post(&key, &body, &body).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let again = instance.signed_post(&key, &body, &body).await;
    assert!(again.status().is_success());
    let nothing = flag("/f1a9", json!(["https://elsewhere.example/users/someone"]));
    let ignored = instance.signed_post(&key, &nothing, &nothing).await;
    assert!(ignored.status().is_success());

    let reports = instance
        .api_get("/api/v1/admin/reports", Some(&moderator))
        .await;
    assert_eq!(reports.status, StatusCode::OK, "{:?}", reports.body);
    let list = reports.body.as_array().unwrap();
    assert_eq!(list.len(), 1, "{:?}", reports.body);
    let report = &list[0];
    assert_eq!(
        report["comment"],
        "Please take a look at this user and their posts"
    );
    assert_eq!(report["target_account"]["username"], "bob");
    assert_eq!(report["account"]["domain"], peer.authority().as_str());
    assert_eq!(report["statuses"][0]["id"], post["id"]);
    let told = instance
        .api_get("/api/v1/notifications", Some(&moderator))
        .await;
    assert_eq!(told.body[0]["type"], "admin.report");
    assert_eq!(told.body[0]["report"]["id"], report["id"]);

    // The reporting server's actor is a remote account moderators can act on too, by id
    // through the API or by user@domain on the command line.
    let remote_id = report["account"]["id"].as_str().unwrap().to_string();
    let suspended = instance
        .api_form(
            &format!("/api/v1/admin/accounts/{remote_id}/action"),
            &moderator,
            &[("type", "suspend"), ("text", "abusive reports")],
        )
        .await;
    assert_eq!(suspended.status, StatusCode::OK, "{:?}", suspended.body);
    let remote = instance
        .api_get(
            "/api/v1/admin/accounts?remote=true&suspended=true",
            Some(&moderator),
        )
        .await;
    assert_eq!(
        remote.body[0]["id"],
        remote_id.as_str(),
        "{:?}",
        remote.body
    );
    let handle = format!("actor@{}", peer.authority());
    let run = instance
        .cli(
            &[],
            &["moderation", "silence", &handle, "--reason", "noise"],
        )
        .await;
    assert!(run.ok, "{}", run.stderr);
    let shown = instance
        .api_get(
            &format!("/api/v1/admin/accounts/{remote_id}"),
            Some(&moderator),
        )
        .await;
    assert_eq!(shown.body["silenced"], true);
    assert_eq!(shown.body["suspended"], true);
    let audit = instance
        .cli(&[], &["audit", "--format", "jsonl", "--action", "account"])
        .await;
    assert!(
        audit.stdout.contains(&format!("\"@{handle}\"")),
        "{}",
        audit.stdout
    );
    instance.stop().await;
}
