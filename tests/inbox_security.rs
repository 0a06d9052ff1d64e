//! Inbox security over real HTTP between two running instances: only activities signed by a
//! key of their actor, with a matching digest, change anything; duplicates apply once.

use crate::common;

use common::TestInstance;
use serde_json::{Value, json};
use trellis::db::models::Post;
use trellis::federation::signatures::SigningKey;
use trellis::services::accounts;

async fn key_of(instance: &TestInstance, username: &str) -> SigningKey {
    let state = &instance.running.as_ref().unwrap().state;
    let person = accounts::find(state, username).await.unwrap();
    SigningKey::from_pem(
        &person.account.public_key_id,
        person.account.private_key_pem.as_deref().unwrap(),
    )
    .unwrap()
}

fn create_note(origin: &TestInstance, author: &str, n: u32) -> (String, Value) {
    let actor = format!("{}/users/{author}", origin.base);
    let note_id = format!("{actor}/statuses/{n}");
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{note_id}/activity"),
        "type": "Create",
        "actor": actor,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": note_id,
            "type": "Note",
            "attributedTo": actor,
            "content": "<p>hello from a test</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        }
    });
    (note_id, activity)
}

async fn stored(instance: &TestInstance, uri: &str) -> bool {
    let state = &instance.running.as_ref().unwrap().state;
    let uri = uri.to_string();
    state
        .db()
        .read(move |conn| Post::find_by_uri(conn, &uri))
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn tampered_or_foreign_signatures_are_refused_and_change_nothing() {
    let alpha = TestInstance::start().await;
    let beta = TestInstance::start().await;
    alpha.create_user("alice", |_| {}).await;
    alpha.create_user("mallory", |_| {}).await;
    let alice_key = key_of(&alpha, "alice").await;
    let mallory_key = key_of(&alpha, "mallory").await;

    // A body changed after signing: the digest no longer matches.
    let (note, activity) = create_note(&alpha, "alice", 1);
    let body = serde_json::to_vec(&activity).unwrap();
    let mut tampered = activity.clone();
    tampered["object"]["content"] = json!("<p>tampered</p>");
    let response = beta
        .signed_post(&alice_key, &body, &serde_json::to_vec(&tampered).unwrap())
        .await;
    assert_eq!(response.status(), 401);
    let error = response.json::<Value>().await.unwrap()["error"].to_string();
    assert!(error.to_lowercase().contains("digest"), "{error}");
    assert!(!stored(&beta, &note).await);

    // Alice's activity signed with Mallory's key.
    let response = beta.signed_post(&mallory_key, &body, &body).await;
    assert_eq!(response.status(), 401);
    assert!(!stored(&beta, &note).await);

    // No signature at all.
    let unsigned = beta
        .client
        .post(format!("{}/inbox", beta.base))
        .header("content-type", "application/activity+json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    assert!(!stored(&beta, &note).await);

    // The same activity, correctly signed, is accepted once.
    let response = beta.signed_post(&alice_key, &body, &body).await;
    assert_eq!(response.status(), 202);
    assert!(stored(&beta, &note).await);
    let again = beta.signed_post(&alice_key, &body, &body).await;
    assert_eq!(again.status(), 202);
    assert!(again.text().await.unwrap().contains("Duplicate"));

    alpha.stop().await;
    beta.stop().await;
}

#[tokio::test]
async fn unknown_activity_types_are_accepted_and_ignored() {
    let alpha = TestInstance::start().await;
    let beta = TestInstance::start().await;
    alpha.create_user("alice", |_| {}).await;
    let key = key_of(&alpha, "alice").await;
    let actor = format!("{}/users/alice", alpha.base);
    let body = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{actor}#emoji-react/1"),
        "type": "EmojiReact",
        "actor": actor,
        "object": format!("{}/users/nobody/statuses/1", beta.base),
        "content": "👍",
    }))
    .unwrap();
    let response = beta.signed_post(&key, &body, &body).await;
    assert_eq!(response.status(), 202);
    assert!(response.text().await.unwrap().contains("Ignored"));

    let garbage = beta.signed_post(&key, b"not json", b"not json").await;
    assert_eq!(garbage.status(), 400);
    alpha.stop().await;
    beta.stop().await;
}
