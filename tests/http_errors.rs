//! Malformed requests get the right status and an error body for who is asking.

use crate::common;

use common::TestInstance;
use serde_json::Value;

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let instance = TestInstance::start_with(&[("TRELLIS_MAX_BODY_BYTES", "4096")]).await;
    let response = instance
        .client
        .post(format!("{}/inbox", instance.base))
        .header("content-type", "application/activity+json")
        .body(vec![b'x'; 8192])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("4096"), "{body}");

    // Within the limit, the same request is judged on its merits (no route accepts it yet).
    let small = instance
        .client
        .post(format!("{}/.well-known/webfinger", instance.base))
        .body(vec![b'x'; 100])
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), 405);
    instance.stop().await;
}

#[tokio::test]
async fn wrong_method_is_405_with_json() {
    let instance = TestInstance::start().await;
    for path in ["/.well-known/webfinger", "/nodeinfo/2.1", "/health"] {
        let response = instance
            .client
            .delete(format!("{}{path}", instance.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{path}");
        assert!(response.headers().contains_key("allow"));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "method not allowed");
    }
    instance.stop().await;
}

#[tokio::test]
async fn unknown_paths_are_json_for_apis_and_html_for_browsers() {
    let instance = TestInstance::start().await;
    let api = instance.get("/api/v1/does-not-exist", "text/html").await;
    assert_eq!(api.status(), 404);
    assert!(
        api.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("json")
    );
    assert_eq!(api.json::<Value>().await.unwrap()["error"], "not found");

    let page = instance.get("/no/such/page", "text/html").await;
    assert_eq!(page.status(), 404);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );

    let machine = instance.get("/no/such/page", "application/json").await;
    assert_eq!(machine.status(), 404);
    assert!(machine.json::<Value>().await.unwrap()["error"].is_string());
    instance.stop().await;
}

#[tokio::test]
async fn request_ids_are_generated_or_echoed() {
    let instance = TestInstance::start().await;
    let generated = instance.get("/health", "*/*").await;
    let id = generated.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let echoed = instance
        .client
        .get(format!("{}/health", instance.base))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-me-42");
    instance.stop().await;
}

#[tokio::test]
async fn front_page_names_the_instance() {
    let instance = TestInstance::start_with(&[("TRELLIS_INSTANCE_NAME", "Group Finance")]).await;
    let page = instance.get("/", "text/html").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Group Finance"));
    instance.stop().await;
}
