//! Instance discovery for clients: /api/v1/instance, /api/v2/instance and their companions,
//! preferences, custom emojis, nodeinfo's upstream, CORS and JSON 404s.

use crate::common;

use common::TestInstance;
use serde_json::{Value, json};

async fn get_json(instance: &TestInstance, path: &str) -> Value {
    let response = instance.get(path, "application/json").await;
    assert_eq!(response.status(), 200, "{path}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{path}"
    );
    response.json().await.unwrap()
}

fn assert_string(value: &Value, path: &str) {
    assert!(
        value.pointer(path).is_some_and(Value::is_string),
        "{path}: {value}"
    );
}

fn assert_number(value: &Value, path: &str) {
    assert!(
        value.pointer(path).is_some_and(Value::is_number),
        "{path}: {value}"
    );
}

fn assert_bool(value: &Value, path: &str) {
    assert!(
        value.pointer(path).is_some_and(Value::is_boolean),
        "{path}: {value}"
    );
}

fn assert_array(value: &Value, path: &str) {
    assert!(
        value.pointer(path).is_some_and(Value::is_array),
        "{path}: {value}"
    );
}

#[tokio::test]
async fn instance_v1_is_complete() {
    let instance = TestInstance::start_with(&[
        ("TRELLIS_INSTANCE_NAME", "Corp Social"),
        ("TRELLIS_INSTANCE_DESCRIPTION", "The intranet of Corp."),
        ("TRELLIS_CONTACT_EMAIL", "admin@corp.example"),
    ])
    .await;
    instance.create_user("alice", |_| {}).await;
    instance.create_user("bob", |_| {}).await;
    let v1 = get_json(&instance, "/api/v1/instance").await;
    assert_eq!(v1["uri"], instance.domain);
    assert_eq!(v1["title"], "Corp Social");
    assert_eq!(v1["short_description"], "The intranet of Corp.");
    assert_eq!(v1["description"], "The intranet of Corp.");
    assert_eq!(v1["email"], "admin@corp.example");
    let version = v1["version"].as_str().unwrap();
    assert!(
        version.starts_with("4.3.0 (compatible; Trellis "),
        "{version}"
    );
    assert!(version.contains(env!("CARGO_PKG_VERSION")));
    assert_eq!(
        v1["urls"]["streaming_api"],
        format!("ws://{}", instance.domain)
    );
    assert_eq!(v1["stats"]["user_count"], 2);
    assert_number(&v1, "/stats/status_count");
    assert_number(&v1, "/stats/domain_count");
    let thumbnail = v1["thumbnail"].as_str().unwrap();
    let image = instance.client.get(thumbnail).send().await.unwrap();
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_array(&v1, "/languages");
    assert_bool(&v1, "/registrations");
    assert_bool(&v1, "/approval_required");
    assert_bool(&v1, "/invites_enabled");
    assert_eq!(
        v1["configuration"]["statuses"]["max_characters"],
        trellis::services::posts::MAX_CHARACTERS
    );
    for path in [
        "/configuration/statuses/max_media_attachments",
        "/configuration/statuses/characters_reserved_per_url",
        "/configuration/media_attachments/image_size_limit",
        "/configuration/media_attachments/image_matrix_limit",
        "/configuration/media_attachments/video_size_limit",
        "/configuration/media_attachments/video_frame_rate_limit",
        "/configuration/media_attachments/video_matrix_limit",
        "/configuration/polls/max_options",
        "/configuration/polls/max_characters_per_option",
        "/configuration/polls/min_expiration",
        "/configuration/polls/max_expiration",
        "/configuration/accounts/max_featured_tags",
    ] {
        assert_number(&v1, path);
    }
    assert_array(&v1, "/configuration/media_attachments/supported_mime_types");
    assert!(v1.get("contact_account").is_some());
    assert_eq!(v1["rules"], json!([]));

    // A trailing slash is the same document.
    let slash = get_json(&instance, "/api/v1/instance/").await;
    assert_eq!(slash["uri"], v1["uri"]);
    instance.stop().await;
}

#[tokio::test]
async fn instance_v2_is_complete() {
    let instance = TestInstance::start_with(&[
        ("TRELLIS_INSTANCE_NAME", "Corp Social"),
        ("TRELLIS_CONTACT_EMAIL", "admin@corp.example"),
    ])
    .await;
    let v2 = get_json(&instance, "/api/v2/instance").await;
    assert_eq!(v2["domain"], instance.domain);
    assert_eq!(v2["title"], "Corp Social");
    assert!(v2["version"].as_str().unwrap().starts_with("4.3.0"));
    assert_string(&v2, "/source_url");
    assert_string(&v2, "/description");
    assert_number(&v2, "/usage/users/active_month");
    let thumbnail = v2["thumbnail"]["url"].as_str().unwrap();
    assert_eq!(
        instance
            .client
            .get(thumbnail)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_array(&v2, "/languages");
    assert_eq!(
        v2["configuration"]["urls"]["streaming"],
        format!("ws://{}", instance.domain)
    );
    assert_number(&v2, "/configuration/accounts/max_featured_tags");
    assert_number(&v2, "/configuration/statuses/max_characters");
    assert_number(&v2, "/configuration/statuses/max_media_attachments");
    assert_number(&v2, "/configuration/statuses/characters_reserved_per_url");
    assert_number(&v2, "/configuration/media_attachments/image_size_limit");
    for field in [
        "max_options",
        "max_characters_per_option",
        "min_expiration",
        "max_expiration",
    ] {
        assert_number(&v2, &format!("/configuration/polls/{field}"));
    }
    assert_eq!(v2["configuration"]["translation"]["enabled"], false);
    assert_bool(&v2, "/registrations/enabled");
    assert_bool(&v2, "/registrations/approval_required");
    assert!(v2["registrations"].get("message").is_some());
    assert_eq!(v2["api_versions"]["mastodon"], 2);
    assert_eq!(v2["contact"]["email"], "admin@corp.example");
    assert!(v2["contact"].get("account").is_some());
    assert_eq!(v2["rules"], json!([]));
    let slash = get_json(&instance, "/api/v2/instance/").await;
    assert_eq!(slash["domain"], v2["domain"]);
    instance.stop().await;
}

#[tokio::test]
async fn registrations_follow_the_configuration() {
    let instance = TestInstance::start_with(&[("TRELLIS_REGISTRATIONS", "open")]).await;
    let v1 = get_json(&instance, "/api/v1/instance").await;
    assert_eq!(v1["registrations"], true);
    let v2 = get_json(&instance, "/api/v2/instance").await;
    assert_eq!(v2["registrations"]["enabled"], true);
    instance.stop().await;

    let instance = TestInstance::start_with(&[("TRELLIS_REGISTRATIONS", "closed")]).await;
    let v1 = get_json(&instance, "/api/v1/instance").await;
    assert_eq!(v1["registrations"], false);
    assert_eq!(v1["invites_enabled"], false);
    let v2 = get_json(&instance, "/api/v2/instance").await;
    assert_eq!(v2["registrations"]["enabled"], false);
    assert!(v2["registrations"]["message"].is_string());
    instance.stop().await;
}

#[tokio::test]
async fn companions_of_the_instance_document() {
    let instance = TestInstance::start().await;
    assert_eq!(
        get_json(&instance, "/api/v1/instance/peers").await,
        json!([])
    );
    assert_eq!(
        get_json(&instance, "/api/v1/instance/rules").await,
        json!([])
    );
    assert_eq!(
        get_json(&instance, "/api/v1/instance/activity").await,
        json!([])
    );
    let extended = get_json(&instance, "/api/v1/instance/extended_description").await;
    assert_string(&extended, "/content");
    assert_eq!(
        get_json(&instance, "/api/v1/custom_emojis").await,
        json!([])
    );
    instance.stop().await;
}

#[tokio::test]
async fn preferences_need_a_person_with_read_accounts() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    let token = instance.token("alice", "read").await;
    let response = instance
        .client
        .get(format!("{}/api/v1/preferences", instance.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let prefs: Value = response.json().await.unwrap();
    assert_eq!(
        prefs,
        json!({
            "posting:default:visibility": "public",
            "posting:default:sensitive": false,
            "posting:default:language": null,
            "reading:expand:media": "default",
            "reading:expand:spoilers": false
        })
    );
    let response = instance
        .get("/api/v1/preferences", "application/json")
        .await;
    assert_eq!(response.status(), 401);
    let narrow = instance.token("alice", "write").await;
    let response = instance
        .client
        .get(format!("{}/api/v1/preferences", instance.base))
        .bearer_auth(&narrow)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    instance.stop().await;
}

#[tokio::test]
async fn nodeinfo_names_mastodon_as_upstream() {
    let instance = TestInstance::start().await;
    for path in ["/nodeinfo/2.0", "/nodeinfo/2.1"] {
        let response = instance.get(path, "application/json").await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["metadata"]["upstream"]["name"], "mastodon", "{path}");
        assert_string(&body, "/metadata/upstream/version");
        assert_eq!(body["software"]["name"], "trellis");
    }
    instance.stop().await;
}

#[tokio::test]
async fn cors_preflight_and_json_404() {
    let instance = TestInstance::start().await;
    for path in ["/api/v1/instance", "/api/v2/instance", "/oauth/token"] {
        let response = instance
            .client
            .request(reqwest::Method::OPTIONS, format!("{}{path}", instance.base))
            .header("Origin", "https://web-client.example")
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{path}");
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "*",
            "{path}"
        );
    }
    let response = instance
        .client
        .get(format!("{}/api/v1/instance", instance.base))
        .header("Origin", "https://web-client.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");

    // Unknown API paths are JSON 404s, even for browsers.
    let response = instance.get("/api/v1/nonexistent", "text/html").await;
    assert_eq!(response.status(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());
    instance.stop().await;
}
