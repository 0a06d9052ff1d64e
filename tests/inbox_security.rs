//! Inbox security over real HTTP between two running instances: only activities signed by a
//! key of their actor, with a matching digest, change anything; duplicates apply once.

use crate::common;

use common::TestInstance;
use serde_json::{Value, json};
use trellis::db::models::{Account, Post, ReceivedActivity};
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

/// How many statuses `actor` has on `instance`, as far as it knows.
async fn statuses_of(instance: &TestInstance, actor: &str) -> i64 {
    let state = &instance.running.as_ref().unwrap().state;
    let uri = actor.to_string();
    state
        .db()
        .read(move |conn| Account::find_by_uri(conn, &uri))
        .await
        .unwrap()
        .expect("actor stored")
        .statuses_count
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
    let error = response.json::<Value>().await.unwrap();
    assert_eq!(error, json!({"error": "signature verification failed"}));
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
    let first = response.text().await.unwrap();
    assert!(stored(&beta, &note).await);
    let alice = format!("{}/users/alice", alpha.base);
    assert_eq!(statuses_of(&beta, &alice).await, 1);
    // The duplicate gets the same answer and changes nothing.
    let again = beta.signed_post(&alice_key, &body, &body).await;
    assert_eq!(again.status(), 202);
    assert_eq!(again.text().await.unwrap(), first);
    assert_eq!(statuses_of(&beta, &alice).await, 1);

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
    let id = format!("{actor}#emoji-react/1");
    let object = format!("{}/users/nobody/statuses/1", beta.base);
    let body = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "EmojiReact",
        "actor": actor,
        "object": object,
        "content": "👍",
    }))
    .unwrap();
    let response = beta.signed_post(&key, &body, &body).await;
    assert_eq!(response.status(), 202);
    // Processed (remembered as received) without storing anything.
    let state = &beta.running.as_ref().unwrap().state;
    let probe = id.clone();
    assert!(
        state
            .db()
            .read(move |conn| ReceivedActivity::seen(conn, &probe))
            .await
            .unwrap()
    );
    assert!(!stored(&beta, &object).await);
    assert_eq!(statuses_of(&beta, &actor).await, 0);

    let garbage = beta.signed_post(&key, b"not json", b"not json").await;
    assert_eq!(garbage.status(), 400);
    alpha.stop().await;
    beta.stop().await;
}

#[tokio::test]
async fn a_known_kind_with_malformed_parts_is_refused_and_a_document_without_a_type_ignored() {
    let alpha = TestInstance::start().await;
    let beta = TestInstance::start().await;
    alpha.create_user("alice", |_| {}).await;
    let key = key_of(&alpha, "alice").await;
    let actor = format!("{}/users/alice", alpha.base);
    let state = &beta.running.as_ref().unwrap().state;
    let seen = |id: String| async move {
        state
            .db()
            .read(move |conn| ReceivedActivity::seen(conn, &id))
            .await
            .unwrap()
    };

    // A Like whose object names no id, and a Create whose object is not embedded: 400 with
    // a JSON error, and nothing is remembered.
    for (n, object) in [
        json!({"type": "Note"}),
        json!(format!("{actor}/statuses/1")),
    ]
    .into_iter()
    .enumerate()
    {
        let kind = if n == 0 { "Like" } else { "Create" };
        let id = format!("{actor}#malformed/{n}");
        let body = serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id,
            "type": kind,
            "actor": actor,
            "object": object,
        }))
        .unwrap();
        let response = beta.signed_post(&key, &body, &body).await;
        assert_eq!(response.status(), 400, "{kind}");
        let error: Value = response.json().await.expect("a JSON error body");
        assert!(error["error"].is_string(), "{kind}: {error}");
        assert!(!seen(id).await, "{kind}");
    }

    // No `type` at all: accepted and ignored, like an unknown kind.
    let id = format!("{actor}#untyped/1");
    let body = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "actor": actor,
        "object": format!("{}/users/nobody/statuses/1", beta.base),
    }))
    .unwrap();
    let response = beta.signed_post(&key, &body, &body).await;
    assert_eq!(response.status(), 202);
    assert!(seen(id).await);
    alpha.stop().await;
    beta.stop().await;
}
