//! SCIM 2.0 conformance: scim2-tester (PyPI, installed by `federation-tests/install-peers` in
//! `federation-tests/scim-tester/.venv`) runs its discovery, Users CRUD and PATCH checks against
//! a full Trellis process; every check it runs must pass. Fails, rather than skips, when the
//! tester is missing.

use std::path::PathBuf;
use std::time::Duration;

use federation_tests::Instance;
use federation_tests::clients::ClientProcess;
use serde_json::Value;
use tokio::process::Command;

const SCIM_TOKEN: &str = "federation-tests-scim-token-0123456789";

/// How long the whole run of checks may take.
const LIMIT: Duration = Duration::from_secs(300);

fn tester_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("federation-tests/scim-tester")
}

#[tokio::test]
async fn scim2_tester_passes_every_check_it_runs() {
    let python = tester_dir().join(".venv/bin/python");
    assert!(
        python.is_file(),
        "scim2-tester is not installed ({} is missing): run federation-tests/install-peers",
        python.display()
    );
    let alpha = Instance::start_with("alpha", &[("TRELLIS_SCIM_TOKEN", SCIM_TOKEN)]).await;

    let mut command = Command::new(python);
    command
        .arg(tester_dir().join("check.py"))
        .args(["--url", &format!("{}/scim/v2", alpha.base)])
        .args(["--token", SCIM_TOKEN])
        .env("PYTHONUNBUFFERED", "1");
    let out = ClientProcess::spawn("scim2-tester", command)
        .finish(LIMIT)
        .await;

    let checks = out["checks"].as_array().expect("the checks run");
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| c["status"] != "SUCCESS" && c["status"] != "SKIPPED")
        .map(|c| format!("{} {}: {}", c["status"], c["title"], c["reason"]))
        .collect();
    assert!(failed.is_empty(), "failed checks:\n{}", failed.join("\n"));
    let passed = |title: &str| {
        checks
            .iter()
            .any(|c| c["title"] == title && c["status"] == "SUCCESS")
    };
    for title in [
        "service_provider_config_endpoint",
        "query_all_schemas",
        "query_all_resource_types",
        "random_url",
        "object_creation",
        "object_query",
        "object_query_without_id",
        "object_query_with_attributes",
        "object_list_with_attributes",
        "object_replacement",
        "object_deletion",
        "check_add_attribute",
        "check_remove_attribute",
        "check_replace_attribute",
    ] {
        assert!(passed(title), "{title} did not pass: {}", out["counts"]);
    }
    // The only check skipped is searching every resource type at once (POST /.search, 501).
    let skipped: Vec<&Value> = checks.iter().filter(|c| c["status"] == "SKIPPED").collect();
    assert!(
        skipped
            .iter()
            .all(|c| c["title"] == "search_with_attributes"),
        "{skipped:?}"
    );
}
