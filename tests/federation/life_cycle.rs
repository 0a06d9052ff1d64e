//! A person's whole life cycle against the real counterparts, on one instance: provisioned
//! through SCIM, signing in to a Mastodon app through the OpenID provider (linked to the
//! provisioned person, not a second one), reported by a colleague and moderated, exporting
//! their data, deprovisioned; every step in the audit log.

use std::io::Read;

use serde_json::{Value, json};

use federation_tests::clients::{self, MastodonApi};

use crate::sso::{app_login, get, person, start};

const SCIM_TOKEN: &str = "scim-life-cycle-token-0123456789";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provisioned_signed_in_reported_moderated_exported_and_deprovisioned() {
    let (instance, provider) = start(
        &person(
            "jane",
            "sub-jane",
            "jane@corp.example",
            "Finance",
            &["staff"],
        ),
        &[("TRELLIS_SCIM_TOKEN", SCIM_TOKEN)],
    )
    .await;
    let http = instance.http();
    let scim = |method: reqwest::Method, path: &str| {
        http.request(method, format!("{}/scim/v2{path}", instance.base))
            .bearer_auth(SCIM_TOKEN)
            .header("content-type", "application/scim+json")
    };

    // 1. The identity provider provisions Jane, with her provider id as externalId.
    let created = scim(reqwest::Method::POST, "/Users")
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            "userName": "jane.Doe",
            "externalId": "sub-jane",
            "displayName": "Jane Doe",
            "emails": [{"value": "jane@corp.example", "primary": true}],
            "active": true,
            ENTERPRISE: {"department": "Finance"},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let scim_id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // 2. She signs in to a Mastodon app through the provider: the provisioned person.
    let token = app_login(&instance, &provider, "jane").await;
    let (status, me) = get(&instance, &token, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["department"], "Finance");
    let username = me["username"].as_str().unwrap().to_string();
    let jane_id = me["id"].as_str().unwrap().to_string();
    let posted: Value = http
        .post(format!("{}/api/v1/statuses", instance.base))
        .bearer_auth(&token)
        .json(&json!({"status": "Quarterly figures are out"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status_id = posted["id"].as_str().expect("posted").to_string();

    // 3. A colleague reports the post; a moderator resolves it and silences her.
    let colleague = clients::create_login(&instance, "colleague").await;
    let colleague = MastodonApi::password_login(&instance, &colleague).await;
    let report: Value = http
        .post(format!("{}/api/v1/reports", instance.base))
        .bearer_auth(&colleague.token)
        .json(
            &json!({"account_id": jane_id, "status_ids": [status_id], "comment": "wrong figures"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let report_id = report["id"].as_str().expect("a report").to_string();
    for args in [
        vec![
            "moderation",
            "silence",
            username.as_str(),
            "--reason",
            "figures",
        ],
        vec!["moderation", "resolve", report_id.as_str()],
    ] {
        let output = instance.cli(&args);
        assert!(output.status.success(), "{args:?}: {output:?}");
    }

    // 4. She exports her data.
    let archive = http
        .get(format!("{}/api/trellis/v1/export", instance.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(archive.status(), 200);
    let bytes = archive.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("zip");
    let mut outbox = String::new();
    zip.by_name("outbox.json")
        .expect("outbox.json")
        .read_to_string(&mut outbox)
        .unwrap();
    assert!(outbox.contains("Quarterly figures are out"));

    // 5. The provider deprovisions her: her live token stops working at once.
    let deactivated = scim(reqwest::Method::PATCH, &format!("/Users/{scim_id}"))
        .json(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": false}}],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(deactivated.status(), 200);
    let (status, _) = get(&instance, &token, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(status, 401);

    // 6. Every step is in the audit log, about her.
    let audit = instance.cli(&[
        "audit",
        "--format",
        "jsonl",
        "--target",
        &format!("@{username}"),
    ]);
    assert!(audit.status.success(), "{audit:?}");
    let actions: Vec<String> = String::from_utf8_lossy(&audit.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .map(|entry| entry["action"].as_str().unwrap_or_default().to_string())
        .collect();
    for action in [
        "scim.provision",
        "account.silence",
        "account.export",
        "scim.deprovision",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    assert!(
        !actions.iter().any(|a| a == "sso.provision"),
        "the sign-in linked the provisioned person instead of creating one: {actions:?}"
    );
    let reports = instance.cli(&["audit", "--format", "jsonl", "--action", "report"]);
    let report_actions = String::from_utf8_lossy(&reports.stdout).to_string();
    assert!(report_actions.contains("report.create"), "{report_actions}");
    assert!(
        report_actions.contains("report.resolve"),
        "{report_actions}"
    );
}
