//! The audit log: actions through the admin API and the CLI are recorded with who, what, why,
//! when and from where; administrators read it over HTTP (filters, pages) and with
//! `trellis audit` (CSV, JSON lines); the database refuses to change or delete a row.

use crate::common;

use common::{TestInstance, link_param};
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{Value, json};

const AUDIT: &str = "/api/trellis/v1/admin/audit";

/// An instance with an administrator (token with `admin:read` and `admin:write`) and a member.
async fn instance() -> (TestInstance, String, String) {
    let instance = TestInstance::start().await;
    let admin = instance
        .admin_token("root", "read write admin:read admin:write")
        .await;
    let member = instance.people(&["mia"]).await.remove(0);
    (instance, admin, member)
}

#[tokio::test]
async fn admin_api_and_cli_actions_are_recorded_with_who_what_why_and_where() {
    let (instance, admin, _) = instance().await;
    let blocked = instance
        .api_post(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            Some(json!({"domain": "spam.example", "public_comment": "spam waves"})),
        )
        .await;
    assert_eq!(blocked.status, StatusCode::OK, "{:?}", blocked.body);
    let run = instance
        .cli(&[], &["federation", "allow", "hq.corp.example"])
        .await;
    assert!(run.ok, "{}", run.stderr);

    let log = instance.api_get(AUDIT, Some(&admin)).await;
    assert_eq!(log.status, StatusCode::OK, "{:?}", log.body);
    let entries = log.body.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{:?}", log.body);
    let (allow, block) = (&entries[0], &entries[1]);
    assert_eq!(allow["action"], "peer.allow");
    assert_eq!(allow["target"], "hq.corp.example");
    assert_eq!(allow["actor"]["kind"], "cli");
    assert_eq!(allow["address"], Value::Null);
    assert_eq!(block["action"], "domain_block.create");
    assert_eq!(block["target"], "spam.example");
    assert_eq!(block["reason"], "spam waves");
    assert_eq!(block["actor"]["kind"], "person");
    assert_eq!(block["actor"]["username"], "root");
    assert_eq!(
        block["actor"]["account_id"],
        instance.account_id("root").await.as_str()
    );
    assert_eq!(block["address"], "127.0.0.1");
    assert_eq!(block["details"]["accounts_removed"], 0);
    assert!(block["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(block["id"].as_str().unwrap() < allow["id"].as_str().unwrap());

    // A repeated allow changes nothing and records nothing; lifting the block is recorded.
    instance
        .cli(&[], &["federation", "allow", "hq.corp.example"])
        .await;
    let lifted = instance
        .api(
            reqwest::Method::DELETE,
            "/api/v1/admin/domain_blocks/spam.example",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(lifted.status, StatusCode::OK);
    let log = instance.api_get(AUDIT, Some(&admin)).await;
    let actions: Vec<&str> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["domain_block.delete", "peer.allow", "domain_block.create"]
    );
    instance.stop().await;
}

#[tokio::test]
async fn the_log_is_filtered_paged_and_for_administrators_only() {
    let (instance, admin, member) = instance().await;
    for domain in ["a.example", "b.example", "c.example"] {
        let run = instance.cli(&[], &["federation", "block", domain]).await;
        assert!(run.ok, "{}", run.stderr);
    }
    instance
        .cli(&[], &["federation", "allow", "hq.corp.example"])
        .await;

    let blocks = instance
        .api_get(&format!("{AUDIT}?action=domain_block"), Some(&admin))
        .await;
    assert_eq!(blocks.body.as_array().unwrap().len(), 3);
    let exact = instance
        .api_get(&format!("{AUDIT}?action=peer.allow"), Some(&admin))
        .await;
    assert_eq!(exact.body.as_array().unwrap().len(), 1);
    let target = instance
        .api_get(&format!("{AUDIT}?target=b.example"), Some(&admin))
        .await;
    assert_eq!(target.body[0]["target"], "b.example");
    assert_eq!(target.body.as_array().unwrap().len(), 1);
    let future = instance
        .api_get(&format!("{AUDIT}?since=2999-01-01"), Some(&admin))
        .await;
    assert_eq!(future.body, json!([]));
    let bad = instance
        .api_get(&format!("{AUDIT}?since=last%20week"), Some(&admin))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body["error"].as_str().unwrap().contains("since"));

    // Pages of two, newest first, linked by max_id.
    let first = instance
        .api_get(&format!("{AUDIT}?limit=2"), Some(&admin))
        .await;
    assert_eq!(first.body.as_array().unwrap().len(), 2);
    assert_eq!(first.body[0]["action"], "peer.allow");
    let next = link_param(first.link.as_deref().unwrap(), "next", "max_id").unwrap();
    let second = instance
        .api_get(&format!("{AUDIT}?limit=2&max_id={next}"), Some(&admin))
        .await;
    let second: Vec<&str> = second
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    assert_eq!(second, ["b.example", "a.example"]);

    assert_eq!(
        instance.api_get(AUDIT, Some(&member)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        instance.api_get(AUDIT, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    instance.stop().await;
}

#[tokio::test]
async fn the_cli_prints_the_log_as_csv_and_json_lines() {
    let (instance, _, _) = instance().await;
    let run = instance
        .cli(
            &[],
            &[
                "federation",
                "block",
                "x.example",
                "--reason",
                "spam, \"bulk\"",
            ],
        )
        .await;
    assert!(run.ok, "{}", run.stderr);
    instance
        .cli(&[], &["federation", "allow", "hq.corp.example"])
        .await;

    let csv = instance.cli(&[], &["audit"]).await;
    assert!(csv.ok, "{}", csv.stderr);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert!(
        lines[0].starts_with("id,created_at,actor_kind"),
        "{}",
        csv.stdout
    );
    assert_eq!(lines.len(), 3, "{}", csv.stdout);
    assert!(
        lines[1].contains(",cli,,,peer.allow,hq.corp.example,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",domain_block.create,x.example,\"spam, \"\"bulk\"\"\","),
        "{}",
        lines[2]
    );

    let jsonl = instance
        .cli(
            &[],
            &["audit", "--format", "jsonl", "--action", "domain_block"],
        )
        .await;
    assert!(jsonl.ok, "{}", jsonl.stderr);
    let rows: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["reason"], "spam, \"bulk\"");
    assert_eq!(rows[0]["actor"]["kind"], "cli");

    let limited = instance.cli(&[], &["audit", "--limit", "1"]).await;
    assert_eq!(limited.stdout.lines().count(), 2);
    let bad = instance.cli(&[], &["audit", "--since", "yesterday"]).await;
    assert!(!bad.ok);
    assert!(bad.stderr.contains("YYYY-MM-DD"), "{}", bad.stderr);
    instance.stop().await;
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_a_row() {
    let (instance, _, _) = instance().await;
    instance
        .cli(&[], &["federation", "block", "y.example"])
        .await;
    for statement in [
        "UPDATE audit_log SET action = 'nothing.happened'",
        "DELETE FROM audit_log",
    ] {
        let outcome = instance
            .state()
            .db()
            .write(move |conn| Ok(diesel::sql_query(statement).execute(conn)?))
            .await;
        let error = outcome.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    let rows = instance.cli(&[], &["audit", "--format", "jsonl"]).await;
    assert_eq!(rows.stdout.lines().count(), 1);
    assert!(rows.stdout.contains("domain_block.create"));
    instance.stop().await;
}
