//! docs/openapi.json describes the client API: every documented operation is routed (an
//! unrouted one would reach the router's fallback 404 or answer 405), and the document's scopes
//! are the ones the server knows.

use crate::common;

use common::TestInstance;
use serde_json::Value;

fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");
    let text = std::fs::read_to_string(path).expect("docs/openapi.json exists");
    serde_json::from_str(&text).expect("docs/openapi.json is JSON")
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let instance = TestInstance::start().await;
    let doc = document();
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() > 80, "the document lists the API");
    let mut checked = 0;
    for (path, operations) in paths {
        let concrete = path
            .replace("{id}", "1")
            .replace("{list_id}", "1")
            .replace("{hashtag}", "trellis")
            .replace("{group_key}", "ungrouped-1");
        for method in operations.as_object().expect("operations").keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = instance
                .client
                .request(method.clone(), format!("{}{}", instance.base, concrete))
                .header("Accept", "application/json")
                .send()
                .await
                .expect("request sent");
            let status = response.status();
            assert_ne!(status, 405, "{method} {path} is not routed for this method");
            if status == 404 {
                let body: Value = response.json().await.unwrap_or(Value::Null);
                assert_ne!(
                    body["error"], "not found",
                    "{method} {path} reached the router's fallback"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 90, "checked {checked} operations");
}

#[tokio::test]
async fn the_documented_scopes_are_the_servers() {
    let instance = TestInstance::start().await;
    let metadata: Value = instance
        .client
        .get(format!(
            "{}/.well-known/oauth-authorization-server",
            instance.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let served: Vec<&str> = metadata["scopes_supported"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let doc = document();
    let documented = doc["components"]["securitySchemes"]["oauth"]["flows"]["password"]["scopes"]
        .as_object()
        .unwrap();
    assert_eq!(documented.len(), served.len());
    for scope in served {
        assert!(documented.contains_key(scope), "{scope} is not documented");
    }
}
