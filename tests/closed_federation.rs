//! An instance in `allowlist` mode answers the outside nothing but discovery: every
//! ActivityPub GET needs a peer's signature (401 unsigned, 403 from anyone else, and nothing
//! is fetched from a stranger), the client API and streams need a person's token, pages send
//! strangers to the sign-in page.

use crate::common;

use common::{FakePeer, TestInstance};
use reqwest::StatusCode;
use serde_json::{Value, json};
use trellis::services::{accounts, oauth, scopes::Scopes};

const ACTIVITY_JSON: &str = "application/activity+json";

/// An allowlist instance whose one peer is `peer`, with alice and a public post of hers.
/// Returns the instance, alice's token and the post's ActivityPub id.
async fn closed_instance(peer: &FakePeer) -> (TestInstance, String, String) {
    let peer_authority = peer.base.trim_start_matches("http://").to_string();
    let instance = TestInstance::start_with(&[
        ("TRELLIS_FEDERATION_MODE", "allowlist"),
        ("TRELLIS_FEDERATION_PEERS", &peer_authority),
    ])
    .await;
    let token = instance.people(&["alice"]).await.remove(0);
    let post = instance
        .post_status(&token, json!({"status": "Quarterly numbers are in"}))
        .await;
    let uri = post["uri"].as_str().unwrap().to_string();
    (instance, token, uri)
}

/// The ActivityPub documents of alice's: actor, collections, a note and its replies, and an
/// article's replies collection (the gate answers before the handler looks anything up).
fn documents(instance: &TestInstance, note: &str) -> Vec<String> {
    let alice = format!("{}/users/alice", instance.base);
    vec![
        alice.clone(),
        format!("{alice}/outbox"),
        format!("{alice}/outbox?page=true"),
        format!("{alice}/followers"),
        format!("{alice}/following"),
        note.to_string(),
        format!("{note}/replies"),
        format!("{}/articles/1/replies", instance.base),
    ]
}

#[tokio::test]
async fn activitypub_documents_are_served_to_peers_only() {
    let peer = FakePeer::start().await;
    let outsider = FakePeer::start().await;
    let (instance, _, note) = closed_instance(&peer).await;
    let peer_key = instance.stand_in_signer(&peer, "colleague").await;
    let outsider_key = instance.stand_in_signer(&outsider, "stranger").await;

    for url in documents(&instance, &note) {
        let unsigned = instance
            .client
            .get(&url)
            .header("accept", ACTIVITY_JSON)
            .send()
            .await
            .unwrap();
        assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED, "{url}");
        let body: Value = unsigned.json().await.unwrap();
        assert!(body["error"].is_string(), "{url}: {body}");

        let from_outsider = instance.signed_get(&url, &outsider_key).await;
        assert_eq!(from_outsider.status(), StatusCode::FORBIDDEN, "{url}");

        let from_peer = instance.signed_get(&url, &peer_key).await;
        if url.contains("/articles/") {
            // Past the gate: there is no such article.
            assert_eq!(from_peer.status(), StatusCode::NOT_FOUND, "{url}");
        } else {
            assert_eq!(from_peer.status(), StatusCode::OK, "{url}");
            let document: Value = from_peer.json().await.unwrap();
            assert!(document["type"].is_string(), "{url}: {document}");
        }
    }
    // The outsider's signature was refused on its domain alone: its key was never fetched.
    assert_eq!(outsider.total_fetches(), 0);
    assert!(peer.fetches("/users/colleague") >= 1);
    instance.stop().await;
}

#[tokio::test]
async fn discovery_stays_open_and_pages_send_strangers_to_sign_in() {
    let peer = FakePeer::start().await;
    let (instance, _, note) = closed_instance(&peer).await;
    let resource = format!("acct:alice@{}", instance.domain);
    for path in [
        format!("/.well-known/webfinger?resource={resource}"),
        "/.well-known/host-meta".to_string(),
        "/.well-known/nodeinfo".to_string(),
        "/nodeinfo/2.1".to_string(),
        "/api/v1/instance".to_string(),
        "/api/v2/instance".to_string(),
        "/health".to_string(),
    ] {
        let response = instance.get(&path, "application/json").await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    // The instance actor: peers fetch its key to verify this instance's own signatures.
    let actor = instance.get("/actor", ACTIVITY_JSON).await;
    assert_eq!(actor.status(), StatusCode::OK);
    let actor: Value = actor.json().await.unwrap();
    assert!(actor["publicKey"]["publicKeyPem"].is_string());

    let note_path = note.trim_start_matches(&instance.base).to_string();
    for path in ["/users/alice", "/@alice", note_path.as_str(), "/directory"] {
        let page = instance.get(path, "text/html").await;
        assert_eq!(page.status(), StatusCode::SEE_OTHER, "{path}");
        let location = page.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/login?next="), "{path}: {location}");
    }
    instance.stop().await;
}

/// A token of an application acting for no one (the client credentials grant).
async fn app_token(instance: &TestInstance) -> String {
    let state = instance.state();
    let scopes = Scopes::parse("read").unwrap();
    let app = oauth::register_app(
        state,
        "outside app",
        None,
        vec!["urn:ietf:wg:oauth:2.0:oob".into()],
        scopes.clone(),
    )
    .await
    .unwrap();
    oauth::issue_token(state, app.app.id, None, scopes)
        .await
        .unwrap()
        .access_token
}

#[tokio::test]
async fn the_client_api_answers_people_only() {
    let peer = FakePeer::start().await;
    let (instance, token, note) = closed_instance(&peer).await;
    let alice = accounts::find(instance.state(), "alice").await.unwrap();
    let status_id = note.rsplit('/').next().unwrap().to_string();
    let app = app_token(&instance).await;
    let reads = [
        "/api/v1/timelines/public".to_string(),
        "/api/v1/timelines/tag/numbers".to_string(),
        format!("/api/v1/accounts/{}", alice.account.id),
        format!("/api/v1/accounts/{}/statuses", alice.account.id),
        "/api/v1/accounts/lookup?acct=alice".to_string(),
        format!("/api/v1/statuses/{status_id}"),
        format!("/api/v1/statuses/{status_id}/context"),
        "/api/v1/directory".to_string(),
        "/api/v2/search?q=alice".to_string(),
        "/api/v1/instance/peers".to_string(),
    ];
    for path in &reads {
        for stranger in [None, Some(app.as_str())] {
            let reply = instance.api_get(path, stranger).await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{path} with {stranger:?}: {:?}",
                reply.body
            );
            assert!(reply.body["error"].is_string(), "{path}");
        }
        let reply = instance.api_get(path, Some(&token)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {:?}", reply.body);
    }
    let timeline = instance
        .api_get("/api/v1/timelines/public", Some(&token))
        .await;
    assert_eq!(timeline.body[0]["uri"], note.as_str());

    let stream = instance
        .client
        .get(format!("{}/api/v1/streaming/public", instance.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::UNAUTHORIZED);
    instance.stop().await;
}

#[tokio::test]
async fn an_open_instance_answers_strangers_as_before() {
    let instance = TestInstance::start().await;
    let token = instance.people(&["bob"]).await.remove(0);
    let post = instance
        .post_status(&token, json!({"status": "Hello, world"}))
        .await;
    let note = post["uri"].as_str().unwrap();
    let unsigned = instance
        .client
        .get(note)
        .header("accept", ACTIVITY_JSON)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::OK);
    let timeline = instance.api_get("/api/v1/timelines/public", None).await;
    assert_eq!(timeline.status, StatusCode::OK);
    assert_eq!(timeline.body[0]["uri"], note);
    instance.stop().await;
}
