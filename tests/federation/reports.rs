//! Moderation across two instances (separate processes, signed HTTP): a report filed on alpha
//! with `forward` about a person of beta arrives on beta as a `Flag` and becomes a report
//! there, which beta's moderator reads and resolves with Mastodon.py; a suspension on beta
//! deletes the actor on alpha.

use std::time::Duration;

use federation_tests::clients::{self, ClientProcess, MastodonApi};
use federation_tests::{Instance, wait_until};
use serde_json::{Value, json};

const PATIENCE: Duration = Duration::from_secs(30);

/// The status `uri` as `api` finds it (resolving it from its server).
async fn found(api: &MastodonApi, uri: &str) -> Value {
    let query: String = url::form_urlencoded::byte_serialize(uri.as_bytes()).collect();
    let result = api
        .get_ok(&format!(
            "/api/v2/search?type=statuses&resolve=true&q={query}"
        ))
        .await;
    result["statuses"][0].clone()
}

/// Waits until `follower` on `instance` follows `actor` (the Accept arrived).
async fn follows(instance: &Instance, follower: &str, actor: &str) -> bool {
    let (_, following) = instance.relations(follower).await;
    following.iter().any(|a| a == actor)
}

#[tokio::test]
async fn a_forwarded_report_reaches_the_reported_server_and_its_moderator_resolves_it() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let alice = clients::create_login(&alpha, "alice").await;
    let moderator = clients::create_login_with(&beta, "warden", json!({"role": "moderator"})).await;
    beta.create_user("bob").await;
    let post = beta
        .post("bob", "limited offer, click here", "public", None)
        .await;
    let uri = post["uri"].as_str().expect("uri").to_string();
    let api = MastodonApi::password_login(&alpha, &alice).await;
    let status = found(&api, &uri).await;
    let status_id = status["id"].as_str().expect("status found").to_string();
    let account_id = status["account"]["id"]
        .as_str()
        .expect("author")
        .to_string();

    let comment = clients::marker("spam from beta ");
    let mut flow = tokio::process::Command::new(clients::python());
    flow.arg(clients::python_script("mastodon_py_moderation.py"))
        .args(["--base", &alpha.base, "--login", &alice.email])
        .args(["--password", &alice.password])
        .args(["--account-id", &account_id, "--status-id", &status_id])
        .args(["--comment", &comment])
        .args(["--moderator-base", &beta.base])
        .args(["--moderator-login", &moderator.email])
        .args(["--moderator-password", &moderator.password]);
    let outcome = ClientProcess::spawn("Mastodon.py moderation", flow)
        .finish(PATIENCE * 2)
        .await;
    assert_eq!(outcome["seen"]["comment"], comment.as_str(), "{outcome}");
    assert_eq!(outcome["seen"]["target"], "bob", "{outcome}");
    assert_eq!(outcome["seen"]["statuses"], json!([uri]), "{outcome}");
    assert_eq!(outcome["resolved"], true, "{outcome}");
    let seen = outcome["seen"]["id"].clone();
    assert!(
        outcome["resolved_ids"].as_array().unwrap().contains(&seen),
        "{outcome}"
    );
    assert_eq!(outcome["open_after"], json!([]), "{outcome}");

    // Alpha's audit log has the forwarded report by alice; beta's the received one, recorded
    // as done by the instance itself.
    let filed = created_reports(&alpha);
    assert_eq!(filed.len(), 1, "{filed:?}");
    assert_eq!(filed[0]["actor"]["username"], "alice");
    assert_eq!(filed[0]["details"]["forwarded"], true);
    let received = created_reports(&beta);
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0]["actor"]["kind"], "system");
    assert_eq!(received[0]["details"]["received"], true);
}

/// The `report.create` entries of an instance's audit log (`trellis audit`).
fn created_reports(instance: &Instance) -> Vec<Value> {
    let audit = instance.cli(&["audit", "--format", "jsonl", "--action", "report.create"]);
    String::from_utf8_lossy(&audit.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .collect()
}

#[tokio::test]
async fn a_suspension_on_beta_deletes_the_actor_on_alpha() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;
    let bob = beta.actor("bob");
    alpha.follow("alice", &bob).await;
    wait_until("alice to follow bob", PATIENCE, || async {
        follows(&alpha, "alice", &bob).await.then_some(())
    })
    .await;

    let run = beta.cli(&["moderation", "suspend", "bob", "--reason", "spam"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let actor = beta
        .http()
        .get(&bob)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(actor.status().as_u16(), 410);
    wait_until("bob to be gone from alpha", PATIENCE, || async {
        (!follows(&alpha, "alice", &bob).await).then_some(())
    })
    .await;
}
