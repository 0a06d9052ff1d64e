//! `trellis user set-profile` and `trellis directory refresh` run as the real binary on the
//! database of a running instance, whose peer serves its directory over HTTP.

use crate::common;

use common::{TestInstance, start_peers};
use reqwest::StatusCode;
use serde_json::Value;

/// Runs the CLI on `instance`'s database with `peers` as its configured peers.
async fn trellis(instance: &TestInstance, peers: &str, args: &[&str]) -> (bool, String, String) {
    let run = instance
        .cli(&[("TRELLIS_FEDERATION_PEERS", peers)], args)
        .await;
    (run.ok, run.stdout, run.stderr)
}

#[tokio::test]
async fn the_cli_sets_work_profiles_and_refreshes_the_directory() {
    let mut instances = start_peers(2, &[("TRELLIS_DIRECTORY_REFRESH_SECS", "3600")]).await;
    let beta = instances.pop().unwrap();
    let alpha = instances.pop().unwrap();
    beta.create_user("hana", |_| {}).await;

    let (ok, out, err) = trellis(
        &beta,
        &alpha.domain,
        &[
            "user",
            "set-profile",
            "hana",
            "--department",
            "Finance",
            "--job-title",
            "Treasurer",
            "--location",
            "Oslo",
        ],
    )
    .await;
    assert!(ok, "{out}{err}");
    assert!(out.contains("department Finance"), "{out}");
    let (ok, _, err) = trellis(&beta, &alpha.domain, &["user", "set-profile", "hana"]).await;
    assert!(!ok && err.contains("--department"), "{err}");

    let (ok, out, err) = trellis(&alpha, &beta.domain, &["directory", "refresh"]).await;
    assert!(ok, "{out}{err}");
    assert!(out.contains(&format!("{}: 1 listed", beta.domain)), "{out}");

    let reply = alpha.api_get("/api/v1/directory?order=new", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let hana: Vec<&Value> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["acct"] == format!("hana@{}", beta.domain).as_str())
        .collect();
    assert_eq!(hana.len(), 1, "{:?}", reply.body);
    assert_eq!(hana[0]["department"], "Finance");
    assert_eq!(hana[0]["job_title"], "Treasurer");
    assert_eq!(hana[0]["location"], "Oslo");

    alpha.stop().await;
    beta.stop().await;
}
