//! Webfinger, host-meta, nodeinfo and health on a running instance.

use crate::common;

use common::TestInstance;
use serde_json::Value;

#[tokio::test]
async fn webfinger_finds_a_person_by_handle_and_by_url() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    let actor = format!("{}/users/alice", instance.base);

    for resource in [format!("acct:alice@{}", instance.domain), actor.clone()] {
        let response = instance
            .get(
                &format!("/.well-known/webfinger?resource={}", urlencode(&resource)),
                "application/jrd+json",
            )
            .await;
        assert_eq!(response.status(), 200, "{resource}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/jrd+json")
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["subject"], format!("acct:alice@{}", instance.domain));
        let links = body["links"].as_array().unwrap();
        let own = links.iter().find(|l| l["rel"] == "self").unwrap();
        assert_eq!(own["type"], "application/activity+json");
        assert_eq!(own["href"], actor);
        assert!(
            links
                .iter()
                .any(|l| l["rel"] == "http://webfinger.net/rel/profile-page")
        );
    }
    instance.stop().await;
}

#[tokio::test]
async fn webfinger_rejects_bad_resources() {
    let instance = TestInstance::start().await;
    let cases = [
        ("", 400),
        ("?resource=", 400),
        ("?resource=alice", 400),
        ("?resource=acct:alice", 400),
        ("?resource=mailto:alice@corp.example", 400),
    ];
    for (query, status) in cases {
        let response = instance
            .get(&format!("/.well-known/webfinger{query}"), "*/*")
            .await;
        assert_eq!(response.status(), status, "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{query}: {body}"
        );
    }
    let unknown = instance
        .get(
            &format!(
                "/.well-known/webfinger?resource=acct:nobody@{}",
                instance.domain
            ),
            "*/*",
        )
        .await;
    assert_eq!(unknown.status(), 404);
    assert!(unknown.json::<Value>().await.unwrap()["error"].is_string());
    let elsewhere = instance
        .get(
            "/.well-known/webfinger?resource=acct:alice@elsewhere.example",
            "*/*",
        )
        .await;
    assert_eq!(elsewhere.status(), 404);
    instance.stop().await;
}

#[tokio::test]
async fn webfinger_hides_disabled_people() {
    let instance = TestInstance::start().await;
    instance.create_user("carol", |_| {}).await;
    instance.set_disabled("carol", true).await;
    let response = instance
        .get(
            &format!(
                "/.well-known/webfinger?resource=acct:carol@{}",
                instance.domain
            ),
            "*/*",
        )
        .await;
    assert_eq!(response.status(), 404);
    let actor = instance
        .get("/users/carol", "application/activity+json")
        .await;
    assert_eq!(actor.status(), 410);
    instance.stop().await;
}

#[tokio::test]
async fn host_meta_in_xml_and_json() {
    let instance = TestInstance::start().await;
    let template = format!("{}/.well-known/webfinger?resource={{uri}}", instance.base);

    let xml = instance
        .get("/.well-known/host-meta", "application/xrd+xml")
        .await;
    assert_eq!(xml.status(), 200);
    assert!(
        xml.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xrd+xml")
    );
    let text = xml.text().await.unwrap();
    assert!(
        text.contains("<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">"),
        "{text}"
    );
    assert!(text.contains(&format!("template=\"{template}\"")), "{text}");

    for (path, accept) in [
        ("/.well-known/host-meta.json", "*/*"),
        ("/.well-known/host-meta", "application/json"),
    ] {
        let json: Value = instance.get(path, accept).await.json().await.unwrap();
        assert_eq!(json["links"][0]["rel"], "lrdd");
        assert_eq!(json["links"][0]["template"], template);
    }
    instance.stop().await;
}

#[tokio::test]
async fn nodeinfo_discovery_and_documents() {
    let instance = TestInstance::start_with(&[
        ("TRELLIS_INSTANCE_NAME", "Finance"),
        ("TRELLIS_REGISTRATIONS", "open"),
    ])
    .await;
    instance.create_user("alice", |_| {}).await;
    instance.create_user("bob", |_| {}).await;

    let discovery: Value = instance
        .get("/.well-known/nodeinfo", "application/json")
        .await
        .json()
        .await
        .unwrap();
    let links = discovery["links"].as_array().unwrap();
    for version in ["2.0", "2.1"] {
        let rel = format!("http://nodeinfo.diaspora.software/ns/schema/{version}");
        let link = links.iter().find(|l| l["rel"] == rel.as_str()).unwrap();
        let href = link["href"].as_str().unwrap();
        assert_eq!(href, format!("{}/nodeinfo/{version}", instance.base));

        let response = instance.client.get(href).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            content_type.contains(&format!("schema/{version}#")),
            "{content_type}"
        );
        let doc: Value = response.json().await.unwrap();
        assert_eq!(doc["version"], version);
        assert_eq!(doc["software"]["name"], "trellis");
        assert_eq!(doc["software"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(doc["protocols"], serde_json::json!(["activitypub"]));
        assert_eq!(doc["openRegistrations"], true);
        assert_eq!(doc["usage"]["users"]["total"], 2);
        assert_eq!(doc["metadata"]["nodeName"], "Finance");
    }
    let application = links
        .iter()
        .find(|l| l["rel"] == "https://www.w3.org/ns/activitystreams#Application")
        .unwrap();
    assert_eq!(application["href"], format!("{}/actor", instance.base));
    instance.stop().await;
}

#[tokio::test]
async fn health_reports_the_database() {
    let instance = TestInstance::start().await;
    let response = instance.get("/health", "application/json").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    let expected = if instance.db.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["backend"], expected);
    instance.stop().await;
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
