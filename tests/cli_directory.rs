//! `trellis user set-profile` and `trellis directory refresh` run as the real binary on the
//! database of a running instance, whose peer serves its directory over HTTP.

use crate::common;

use common::{TestInstance, start_peers};
use reqwest::StatusCode;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_trellis");

/// Runs the CLI on `instance`'s database and domain, with `peers`; returns the exit status
/// success, stdout and stderr.
async fn trellis(instance: &TestInstance, peers: &str, args: &[&str]) -> (bool, String, String) {
    let output = tokio::process::Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TRELLIS_DATABASE_URL", &instance.db.url)
        .env("TRELLIS_DOMAIN", &instance.domain)
        .env("TRELLIS_ALLOW_HTTP", "true")
        .env("TRELLIS_FEDERATION_PEERS", peers)
        .env("TRELLIS_TEST_KEY_POOL", federation_tests::KEY_POOL)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("trellis runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
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
