//! Moderation on one instance: a person reports an account, moderators are notified and
//! handle the report through Mastodon's admin API (list, show, assign, resolve, reopen);
//! they suspend, silence and disable accounts; a suspended account's posts disappear from
//! every timeline, thread and search, its actor answers 410 and it cannot sign in, until it
//! is unsuspended; members get 403; the CLI does the same; every action is audited.

use crate::common;

use common::{TestInstance, form_body};
use reqwest::StatusCode;
use serde_json::{Value, json};
use trellis::services::accounts::Role;

const STAFF_SCOPES: &str = "read write admin:read admin:write";
const PASSWORD: &str = "correct horse battery";

/// An instance with a moderator `mod` (admin scopes), an admin `root`, and the members
/// `alice` (reporter) and `spammer` (reported). Returns their tokens.
async fn instance() -> (TestInstance, String, String, String, String) {
    let instance = TestInstance::start().await;
    let root = instance.admin_token("root", STAFF_SCOPES).await;
    instance
        .create_user("mod", |p| p.role = Some(Role::Moderator))
        .await;
    let moderator = instance.token("mod", STAFF_SCOPES).await;
    let mut members = instance.people(&["alice", "spammer"]).await;
    let spammer = members.pop().unwrap();
    let alice = members.pop().unwrap();
    (instance, moderator, root, alice, spammer)
}

/// The audit log's actions, newest first.
async fn audit_actions(instance: &TestInstance, token: &str) -> Vec<Value> {
    let log = instance
        .api_get("/api/trellis/v1/admin/audit?limit=200", Some(token))
        .await;
    assert_eq!(log.status, StatusCode::OK, "{:?}", log.body);
    log.body.as_array().unwrap().clone()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_report_reaches_the_moderators_who_resolve_and_reopen_it() {
    let (instance, moderator, root, alice, spammer) = instance().await;
    let spam = instance
        .post_status(&spammer, json!({"status": "buy cheap watches"}))
        .await;
    let target = instance.account_id("spammer").await;
    let filed = instance
        .api_form(
            "/api/v1/reports",
            &alice,
            &[
                ("account_id", target.as_str()),
                ("status_ids[]", spam["id"].as_str().unwrap()),
                ("comment", "advertising"),
                ("category", "spam"),
                ("rule_ids[]", "1"),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{:?}", filed.body);
    let report_id = filed.body["id"].as_str().unwrap().to_string();
    assert_eq!(filed.body["category"], "spam");
    assert_eq!(filed.body["comment"], "advertising");
    assert_eq!(filed.body["action_taken"], false);
    assert_eq!(filed.body["status_ids"], json!([spam["id"]]));
    assert_eq!(filed.body["target_account"]["id"], target.as_str());

    // Bad input: an unknown category, a missing account.
    let bad = instance
        .api_form(
            "/api/v1/reports",
            &alice,
            &[("account_id", target.as_str()), ("category", "rude")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body["error"].as_str().unwrap().contains("category"));
    let missing = instance
        .api_form("/api/v1/reports", &alice, &[("account_id", "12345")])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // Both staff members are told, with the report in the notification.
    for token in [&moderator, &root] {
        let told = instance
            .api_get("/api/v1/notifications?types[]=admin.report", Some(token))
            .await;
        assert_eq!(told.status, StatusCode::OK);
        let list = told.body.as_array().unwrap();
        assert_eq!(list.len(), 1, "{:?}", told.body);
        assert_eq!(list[0]["type"], "admin.report");
        assert_eq!(list[0]["report"]["id"], report_id.as_str());
        assert_eq!(list[0]["account"]["username"], "alice");
    }
    let grouped = instance
        .api_get(
            "/api/v2/notifications?grouped_types[]=admin.report",
            Some(&moderator),
        )
        .await;
    assert_eq!(grouped.status, StatusCode::OK, "{:?}", grouped.body);
    let group = &grouped.body["notification_groups"][0];
    assert_eq!(group["type"], "admin.report", "{:?}", grouped.body);
    assert!(
        group["group_key"]
            .as_str()
            .unwrap()
            .starts_with("ungrouped-")
    );
    assert_eq!(group["report"]["id"], report_id.as_str());
    let unread = instance
        .api_get(
            "/api/v1/notifications/unread_count?types[]=admin.report",
            Some(&moderator),
        )
        .await;
    assert_eq!(unread.body["count"], 1, "{:?}", unread.body);
    let excluded = instance
        .api_get(
            "/api/v1/notifications?exclude_types[]=admin.report",
            Some(&moderator),
        )
        .await;
    assert_eq!(excluded.body, json!([]));
    let alice_told = instance
        .api_get("/api/v1/notifications", Some(&alice))
        .await;
    assert_eq!(alice_told.body, json!([]));

    // The moderator lists and reads it.
    let open = instance
        .api_get("/api/v1/admin/reports", Some(&moderator))
        .await;
    assert_eq!(open.status, StatusCode::OK, "{:?}", open.body);
    assert_eq!(ids(&open.body), [report_id.as_str()]);
    let shown = instance
        .api_get(
            &format!("/api/v1/admin/reports/{report_id}"),
            Some(&moderator),
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.body["account"]["username"], "alice");
    assert_eq!(shown.body["target_account"]["username"], "spammer");
    assert_eq!(
        shown.body["target_account"]["email"],
        "spammer@corp.example"
    );
    assert_eq!(shown.body["statuses"][0]["id"], spam["id"]);
    let by_target = instance
        .api_get(
            &format!("/api/v1/admin/reports?target_account_id={target}"),
            Some(&moderator),
        )
        .await;
    assert_eq!(ids(&by_target.body), [report_id.as_str()]);
    let by_other = instance
        .api_get(
            &format!("/api/v1/admin/reports?account_id={target}"),
            Some(&moderator),
        )
        .await;
    assert_eq!(by_other.body, json!([]));

    // Assign, unassign, resolve, reopen.
    let path = |action: &str| format!("/api/v1/admin/reports/{report_id}/{action}");
    let assigned = instance
        .api_post(&path("assign_to_self"), Some(&moderator), None)
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{:?}", assigned.body);
    assert_eq!(assigned.body["assigned_account"]["username"], "mod");
    let unassigned = instance
        .api_post(&path("unassign"), Some(&moderator), None)
        .await;
    assert_eq!(unassigned.body["assigned_account"], Value::Null);
    let resolved = instance
        .api_post(&path("resolve"), Some(&moderator), None)
        .await;
    assert_eq!(resolved.body["action_taken"], true);
    assert_eq!(resolved.body["action_taken_by_account"]["username"], "mod");
    let open = instance
        .api_get("/api/v1/admin/reports", Some(&moderator))
        .await;
    assert_eq!(open.body, json!([]));
    let done = instance
        .api_get("/api/v1/admin/reports?resolved=true", Some(&moderator))
        .await;
    assert_eq!(ids(&done.body), [report_id.as_str()]);
    let reopened = instance
        .api_post(&path("reopen"), Some(&moderator), None)
        .await;
    assert_eq!(reopened.body["action_taken"], false);
    let unknown = instance
        .api_post("/api/v1/admin/reports/999/resolve", Some(&moderator), None)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body["error"].is_string());

    // Members may not use the admin API, even with admin scopes.
    let member = instance.token("alice", STAFF_SCOPES).await;
    for (method, route) in [
        (reqwest::Method::GET, "/api/v1/admin/reports".to_string()),
        (reqwest::Method::POST, path("resolve")),
        (reqwest::Method::GET, "/api/v1/admin/accounts".to_string()),
        (
            reqwest::Method::POST,
            format!("/api/v1/admin/accounts/{target}/action"),
        ),
    ] {
        let refused = instance.api(method, &route, Some(&member), None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{route}");
        assert!(refused.body["error"].is_string());
    }

    // Every step is in the audit log, with the report id.
    let log = audit_actions(&instance, &root).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "report.reopen",
            "report.resolve",
            "report.assign",
            "report.assign",
            "report.create"
        ]
    );
    assert!(log.iter().all(|e| e["target"] == report_id.as_str()));
    assert_eq!(log[4]["actor"]["username"], "alice");
    assert_eq!(log[4]["reason"], "advertising");
    assert_eq!(log[0]["actor"]["username"], "mod");
    instance.stop().await;
}

/// Ids of the statuses a token sees at `path`.
async fn seen(instance: &TestInstance, path: &str, token: &str) -> Vec<String> {
    let page = instance.api_get(path, Some(token)).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {:?}", page.body);
    ids(&page.body)
}

/// A password grant for `login`; the response status.
async fn sign_in(instance: &TestInstance, login: &str) -> StatusCode {
    let app = instance
        .api_post(
            "/api/v1/apps",
            None,
            Some(json!({"client_name": "t", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"})),
        )
        .await;
    let body = form_body(&[
        ("grant_type", "password"),
        ("client_id", app.body["client_id"].as_str().unwrap()),
        ("client_secret", app.body["client_secret"].as_str().unwrap()),
        ("username", login),
        ("password", PASSWORD),
        ("scope", "read"),
    ]);
    instance
        .client
        .post(format!("{}/oauth/token", instance.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_suspended_account_disappears_until_it_is_unsuspended() {
    let (instance, moderator, root, alice, spammer) = instance().await;
    let target = instance.account_id("spammer").await;
    let follow = instance
        .api_post(
            &format!("/api/v1/accounts/{target}/follow"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(follow.status, StatusCode::OK);
    let post = instance
        .post_status(&spammer, json!({"status": "hello #watches"}))
        .await;
    let id = post["id"].as_str().unwrap().to_string();
    let reply = instance
        .post_status(
            &alice,
            json!({"status": "@spammer no thanks", "in_reply_to_id": id}),
        )
        .await;
    let report = instance
        .api_form(
            "/api/v1/reports",
            &alice,
            &[("account_id", target.as_str()), ("comment", "spam")],
        )
        .await;
    let report_id = report.body["id"].as_str().unwrap().to_string();
    let uri = post["uri"].as_str().unwrap().to_string();
    let search = format!(
        "/api/v2/search?type=statuses&resolve=true&q={}",
        url::form_urlencoded::byte_serialize(uri.as_bytes()).collect::<String>()
    );
    let context = format!("/api/v1/statuses/{}/context", reply["id"].as_str().unwrap());
    let visible = |expected: bool| {
        let (instance, alice, id, search, context) = (&instance, &alice, &id, &search, &context);
        async move {
            let home = seen(instance, "/api/v1/timelines/home", alice).await;
            let public = seen(instance, "/api/v1/timelines/public", alice).await;
            let tag = seen(instance, "/api/v1/timelines/tag/watches", alice).await;
            let ancestors = instance.api_get(context, Some(alice)).await.body["ancestors"].clone();
            let found = instance.api_get(search, Some(alice)).await.body["statuses"].clone();
            let single = instance
                .api_get(&format!("/api/v1/statuses/{id}"), Some(alice))
                .await
                .status;
            assert_eq!(home.contains(id), expected, "home {home:?}");
            assert_eq!(public.contains(id), expected, "public {public:?}");
            assert_eq!(tag.contains(id), expected, "tag {tag:?}");
            assert_eq!(ids(&ancestors).contains(id), expected, "thread");
            assert_eq!(ids(&found).contains(id), expected, "search {found:?}");
            assert_eq!(single == StatusCode::OK, expected, "status {single}");
        }
    };
    visible(true).await;

    let acted = instance
        .api_form(
            &format!("/api/v1/admin/accounts/{target}/action"),
            &moderator,
            &[
                ("type", "suspend"),
                ("report_id", report_id.as_str()),
                ("text", "advertising again"),
            ],
        )
        .await;
    assert_eq!(acted.status, StatusCode::OK, "{:?}", acted.body);
    visible(false).await;
    let actor = instance
        .get("/users/spammer", "application/activity+json")
        .await;
    assert_eq!(actor.status(), StatusCode::GONE);
    let old_token = instance
        .api_get("/api/v1/accounts/verify_credentials", Some(&spammer))
        .await;
    assert_eq!(old_token.status, StatusCode::UNAUTHORIZED);
    assert_ne!(sign_in(&instance, "spammer").await, StatusCode::OK);
    let shown = instance
        .api_get(
            &format!("/api/v1/admin/accounts/{target}"),
            Some(&moderator),
        )
        .await;
    assert_eq!(shown.body["suspended"], true);
    let suspended = instance
        .api_get("/api/v1/admin/accounts?suspended=true", Some(&moderator))
        .await;
    assert_eq!(ids(&suspended.body), [target.as_str()]);
    let resolved = instance
        .api_get(
            &format!("/api/v1/admin/reports/{report_id}"),
            Some(&moderator),
        )
        .await;
    assert_eq!(resolved.body["action_taken"], true);

    let lifted = instance
        .api_post(
            &format!("/api/v1/admin/accounts/{target}/unsuspend"),
            Some(&moderator),
            None,
        )
        .await;
    assert_eq!(lifted.status, StatusCode::OK, "{:?}", lifted.body);
    assert_eq!(lifted.body["suspended"], false);
    visible(true).await;
    assert_eq!(sign_in(&instance, "spammer").await, StatusCode::OK);
    let actor = instance
        .get("/users/spammer", "application/activity+json")
        .await;
    assert_eq!(actor.status(), StatusCode::OK);

    let log = audit_actions(&instance, &root).await;
    let suspend = log
        .iter()
        .find(|e| e["action"] == "account.suspend")
        .expect("suspension audited");
    assert_eq!(suspend["target"], "@spammer");
    assert_eq!(suspend["reason"], "advertising again");
    assert_eq!(suspend["details"]["report_id"], report_id.as_str());
    assert_eq!(suspend["actor"]["username"], "mod");
    let resolve = log
        .iter()
        .find(|e| e["action"] == "report.resolve")
        .expect("resolution audited");
    assert_eq!(resolve["target"], report_id.as_str());
    assert!(log.iter().any(|e| e["action"] == "account.unsuspend"));
    instance.stop().await;
}

#[tokio::test]
async fn silence_keeps_posts_for_followers_and_disable_refuses_sign_in() {
    let (instance, moderator, root, alice, spammer) = instance().await;
    let bob = instance.people(&["bob"]).await.remove(0);
    let target = instance.account_id("spammer").await;
    instance
        .api_post(
            &format!("/api/v1/accounts/{target}/follow"),
            Some(&alice),
            None,
        )
        .await;
    let post = instance
        .post_status(&spammer, json!({"status": "loud"}))
        .await;
    let id = post["id"].as_str().unwrap().to_string();
    let silenced = instance
        .api_form(
            &format!("/api/v1/admin/accounts/{target}/action"),
            &moderator,
            &[("type", "silence")],
        )
        .await;
    assert_eq!(silenced.status, StatusCode::OK, "{:?}", silenced.body);
    assert!(
        seen(&instance, "/api/v1/timelines/home", &alice)
            .await
            .contains(&id)
    );
    assert!(
        !seen(&instance, "/api/v1/timelines/public", &bob)
            .await
            .contains(&id)
    );
    let list = instance
        .api_get("/api/v1/admin/accounts?silenced=true", Some(&moderator))
        .await;
    assert_eq!(ids(&list.body), [target.as_str()]);
    instance
        .api_post(
            &format!("/api/v1/admin/accounts/{target}/unsilence"),
            Some(&moderator),
            None,
        )
        .await;
    assert!(
        seen(&instance, "/api/v1/timelines/public", &bob)
            .await
            .contains(&id)
    );

    let disabled = instance
        .api_form(
            &format!("/api/v1/admin/accounts/{target}/action"),
            &moderator,
            &[("type", "disable")],
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK);
    assert_ne!(sign_in(&instance, "spammer").await, StatusCode::OK);
    let enabled = instance
        .api_post(
            &format!("/api/v1/admin/accounts/{target}/enable"),
            Some(&moderator),
            None,
        )
        .await;
    assert_eq!(enabled.body["disabled"], false);
    assert_eq!(sign_in(&instance, "spammer").await, StatusCode::OK);

    let bad = instance
        .api_form(
            &format!("/api/v1/admin/accounts/{target}/action"),
            &moderator,
            &[("type", "explode")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body["error"].is_string());

    let local = instance
        .api_get(
            "/api/v1/admin/accounts?local=true&username=spam",
            Some(&moderator),
        )
        .await;
    assert_eq!(ids(&local.body), [target.as_str()]);
    let remote = instance
        .api_get("/api/v1/admin/accounts?remote=true", Some(&moderator))
        .await;
    assert_eq!(remote.body, json!([]));
    let by_email = instance
        .api_get(
            "/api/v1/admin/accounts?email=alice%40corp",
            Some(&moderator),
        )
        .await;
    assert_eq!(by_email.body[0]["username"], "alice");
    let paged = instance
        .api_get("/api/v1/admin/accounts?limit=1", Some(&moderator))
        .await;
    assert_eq!(paged.body.as_array().unwrap().len(), 1);
    assert!(paged.link.as_deref().unwrap_or("").contains("max_id"));

    let actions: Vec<String> = audit_actions(&instance, &root)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        [
            "account.enable",
            "account.disable",
            "account.unsilence",
            "account.silence"
        ]
    );
    instance.stop().await;
}

#[tokio::test]
async fn the_cli_sets_roles_lists_and_resolves_reports_and_suspends() {
    let (instance, moderator, root, alice, _spammer) = instance().await;
    let role = instance
        .cli(&[], &["user", "role", "alice", "moderator"])
        .await;
    assert!(role.ok, "{}", role.stderr);
    assert!(role.stdout.contains("moderator"), "{}", role.stdout);
    // Alice now moderates: her admin-scoped token reaches the admin API.
    let alice_staff = instance.token("alice", STAFF_SCOPES).await;
    let listed = instance
        .api_get("/api/v1/admin/reports", Some(&alice_staff))
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    let bad_role = instance.cli(&[], &["user", "role", "alice", "king"]).await;
    assert!(!bad_role.ok);

    let target = instance.account_id("spammer").await;
    let report = instance
        .api_form(
            "/api/v1/reports",
            &alice,
            &[("account_id", target.as_str()), ("comment", "cli check")],
        )
        .await;
    let report_id = report.body["id"].as_str().unwrap().to_string();
    let open = instance.cli(&[], &["moderation", "reports"]).await;
    assert!(open.ok, "{}", open.stderr);
    assert!(open.stdout.contains(&report_id) && open.stdout.contains("cli check"));
    let resolve = instance
        .cli(&[], &["moderation", "resolve", &report_id])
        .await;
    assert!(resolve.ok, "{}", resolve.stderr);
    let open = instance.cli(&[], &["moderation", "reports"]).await;
    assert!(!open.stdout.contains(&report_id));
    let all = instance.cli(&[], &["moderation", "reports", "--all"]).await;
    assert!(all.stdout.contains(&report_id) && all.stdout.contains("resolved"));

    for (command, expected) in [
        ("suspend", true),
        ("unsuspend", false),
        ("silence", false),
        ("unsilence", false),
    ] {
        let run = instance
            .cli(
                &[],
                &["moderation", command, "spammer", "--reason", "cli reason"],
            )
            .await;
        assert!(run.ok, "{command}: {}", run.stderr);
        let shown = instance
            .api_get(
                &format!("/api/v1/admin/accounts/{target}"),
                Some(&moderator),
            )
            .await;
        assert_eq!(shown.body["suspended"], expected, "{command}");
        let listed = instance.cli(&[], &["user", "list"]).await;
        let line = listed
            .stdout
            .lines()
            .find(|l| l.starts_with("spammer "))
            .unwrap_or_default()
            .to_string();
        assert_eq!(line.contains("suspended"), expected, "{command}: {line}");
    }
    let unknown = instance
        .cli(&[], &["moderation", "suspend", "nobody@nowhere.example"])
        .await;
    assert!(!unknown.ok);

    let log = audit_actions(&instance, &root).await;
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "account.unsilence",
            "account.silence",
            "account.unsuspend",
            "account.suspend",
            "report.resolve",
            "report.create",
            "account.role"
        ]
    );
    assert!(log[..4].iter().all(|e| e["actor"]["kind"] == "cli"
        && e["reason"] == "cli reason"
        && e["target"] == "@spammer"));
    assert_eq!(
        log[6]["details"],
        json!({"old": "member", "new": "moderator"})
    );
    instance.stop().await;
}
