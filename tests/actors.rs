//! Actor documents and profile pages, negotiated on Accept.

use crate::common;

use common::TestInstance;
use serde_json::Value;

const AS_JSON: &str = "application/activity+json";
const LD_JSON: &str = "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

#[tokio::test]
async fn person_document_has_the_expected_shape() {
    let instance = TestInstance::start().await;
    instance
        .create_user("alice", |p| {
            p.display_name = Some("Alice Martin".into());
            p.department = Some("Finance".into());
            p.job_title = Some("Controller <Lead>".into());
            p.expertise = vec!["IFRS".into(), "forecasting".into()];
        })
        .await;
    let base = &instance.base;
    let response = instance.get("/users/alice", AS_JSON).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/activity+json")
    );
    let actor: Value = response.json().await.unwrap();
    let context = actor["@context"].as_array().unwrap();
    assert_eq!(context[0], "https://www.w3.org/ns/activitystreams");
    assert_eq!(context[1], "https://w3id.org/security/v1");
    assert_eq!(actor["id"], format!("{base}/users/alice"));
    assert_eq!(actor["type"], "Person");
    assert_eq!(actor["preferredUsername"], "alice");
    assert_eq!(actor["name"], "Alice Martin");
    assert!(actor["summary"].is_string());
    assert_eq!(actor["inbox"], format!("{base}/users/alice/inbox"));
    assert_eq!(actor["outbox"], format!("{base}/users/alice/outbox"));
    assert_eq!(actor["followers"], format!("{base}/users/alice/followers"));
    assert_eq!(actor["following"], format!("{base}/users/alice/following"));
    assert_eq!(actor["endpoints"]["sharedInbox"], format!("{base}/inbox"));
    assert_eq!(
        actor["publicKey"]["id"],
        format!("{base}/users/alice#main-key")
    );
    assert_eq!(actor["publicKey"]["owner"], format!("{base}/users/alice"));
    assert!(
        actor["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    assert_eq!(actor["icon"]["type"], "Image");
    assert_eq!(actor["url"], format!("{base}/users/alice"));
    assert_eq!(actor["discoverable"], true);
    assert_eq!(actor["manuallyApprovesFollowers"], false);

    let attachments = actor["attachment"].as_array().unwrap();
    let field = |name: &str| {
        attachments
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {attachments:?}"))
    };
    assert_eq!(field("Department")["type"], "PropertyValue");
    assert_eq!(field("Department")["value"], "Finance");
    assert_eq!(field("Job title")["value"], "Controller &lt;Lead&gt;");
    assert_eq!(field("Expertise")["value"], "ifrs, forecasting");

    // The icon is a real image.
    let icon = instance
        .client
        .get(actor["icon"]["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/png");
    assert!(icon.bytes().await.unwrap().starts_with(b"\x89PNG"));
    instance.stop().await;
}

#[tokio::test]
async fn the_same_url_serves_json_to_servers_and_html_to_browsers() {
    let instance = TestInstance::start().await;
    instance
        .create_user("bob", |p| {
            p.display_name = Some("Bob <script>alert(1)</script>".into());
            p.department = Some("Legal".into());
        })
        .await;

    let json = instance.get("/users/bob", LD_JSON).await;
    assert_eq!(json.status(), 200);
    assert!(
        json.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("activity+json")
    );

    let html = instance
        .get("/users/bob", "text/html,application/xhtml+xml,*/*;q=0.8")
        .await;
    assert_eq!(html.status(), 200);
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = html.text().await.unwrap();
    assert!(
        page.contains(&format!("@bob@{}", instance.domain)),
        "{page}"
    );
    assert!(page.contains("Legal"));
    assert!(
        !page.contains("<script>alert(1)</script>"),
        "display name must be escaped"
    );
    assert!(
        page.contains("&lt;script&gt;") || page.contains("&#60;script&#62;"),
        "the escaped name is shown"
    );
    assert!(page.contains(&format!(
        "<link rel=\"alternate\" type=\"application/activity+json\" href=\"{}/users/bob\">",
        instance.base
    )));

    let short = instance.get("/@bob", "text/html").await;
    assert_eq!(short.status(), 303);
    assert_eq!(
        short.headers()["location"],
        format!("{}/users/bob", instance.base)
    );
    instance.stop().await;
}

#[tokio::test]
async fn instance_actor_document() {
    let instance = TestInstance::start().await;
    let response = instance.get("/actor", AS_JSON).await;
    assert_eq!(response.status(), 200);
    let actor: Value = response.json().await.unwrap();
    assert_eq!(actor["type"], "Application");
    assert_eq!(actor["id"], format!("{}/actor", instance.base));
    assert_eq!(actor["preferredUsername"], instance.domain);
    assert_eq!(
        actor["publicKey"]["owner"],
        format!("{}/actor", instance.base)
    );
    assert_eq!(actor["manuallyApprovesFollowers"], true);

    let finger: Value = instance
        .get(
            &format!("/.well-known/webfinger?resource={}/actor", instance.base),
            "*/*",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        finger["links"][0]["href"],
        format!("{}/actor", instance.base)
    );
    instance.stop().await;
}

#[tokio::test]
async fn unknown_people_are_404_in_both_representations() {
    let instance = TestInstance::start().await;
    let json = instance.get("/users/nobody", AS_JSON).await;
    assert_eq!(json.status(), 404);
    assert!(
        json.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("json")
    );
    assert!(json.json::<Value>().await.unwrap()["error"].is_string());

    let html = instance.get("/users/nobody", "text/html").await;
    assert_eq!(html.status(), 404);
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.text().await.unwrap().contains("404 Not Found"));
    instance.stop().await;
}
