//! The inbox under generated input, over real HTTP: a stand-in server's actor posts mutated
//! copies of real servers' activities and random activities, all correctly signed, to one
//! instance. Every answer must be 202, 400, 401, 403 or 404 with a JSON body, in bounded
//! time, and the instance must still be healthy and accept a normal Create afterwards.
//!
//! `PROPTEST_CASES` sets the number of activities (default 40).

use crate::common;

use std::time::Duration;

use common::{FakePeer, TestInstance};
use federation_tests::generate::{TYPES, cases, config, fixtures, json_value, mutated};
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use trellis::db::models::Post;
use trellis::federation::signatures::SigningKey;

/// Activities posted when `PROPTEST_CASES` is not set.
const DEFAULT_ACTIVITIES: u32 = 40;

/// The longest any inbox answer may take.
const ANSWER_WITHIN: Duration = Duration::from_secs(30);

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The stand-in server and its one actor.
struct Sender {
    peer: FakePeer,
    actor: String,
    key: SigningKey,
}

impl Sender {
    async fn start() -> Self {
        let peer = FakePeer::start().await;
        let pair = common::remote_keypair();
        let actor = peer.url("/users/fuzz");
        let key_id = format!("{actor}#main-key");
        peer.set(
            "/users/fuzz",
            json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": actor,
                "type": "Person",
                "preferredUsername": "fuzz",
                "inbox": format!("{actor}/inbox"),
                "followers": format!("{actor}/followers"),
                "publicKey": {"id": key_id, "owner": actor, "publicKeyPem": pair.public_key},
            }),
        );
        let key = SigningKey::from_pem(&key_id, &pair.private_key).unwrap();
        Self { peer, actor, key }
    }
}

/// Points every http(s) URL of `value` at `base` (keeping its path), except the
/// ActivityStreams and security vocabularies, so nothing is fetched from the real servers.
fn rehost(value: &mut Value, base: &str) {
    match value {
        Value::String(text) => {
            if let Ok(url) = url::Url::parse(text)
                && matches!(url.scheme(), "http" | "https")
                && !matches!(url.host_str(), Some("www.w3.org" | "w3id.org"))
            {
                let rest = &url[url::Position::BeforePath..];
                *text = format!("{base}{rest}");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rehost(item, base)),
        Value::Object(map) => map.values_mut().for_each(|item| rehost(item, base)),
        _ => {}
    }
}

/// Makes `activity` come from `actor`, with a fresh id on its server, and makes an embedded
/// object's author that actor too, so the inbox gets past the checks of who sent what.
fn stamp(activity: &mut Value, actor: &str, n: u32) {
    let Some(map) = activity.as_object_mut() else {
        return;
    };
    map.insert("id".into(), json!(format!("{actor}/activities/{n}")));
    map.insert("actor".into(), json!(actor));
    if let Some(object) = map.get_mut("object").and_then(Value::as_object_mut)
        && object.contains_key("attributedTo")
    {
        object.insert("attributedTo".into(), json!(actor));
    }
}

/// URLs worth putting anywhere: the sender, the instance's person and endpoints, missing
/// documents on the stand-in server, the public collection.
fn urls(sender: &Sender, instance: &TestInstance) -> Vec<Value> {
    [
        sender.actor.clone(),
        format!("{}/followers", sender.actor),
        sender.peer.url("/notes/missing"),
        format!("{}/users/alice", instance.base),
        format!("{}/users/alice/followers", instance.base),
        format!("{}/users/alice/statuses/1", instance.base),
        format!("{}/inbox", instance.base),
        PUBLIC.to_owned(),
    ]
    .into_iter()
    .map(Value::from)
    .collect()
}

/// A mutated real activity (rehosted to the stand-in server) or a random one.
fn activities(sender: &Sender, instance: &TestInstance) -> BoxedStrategy<(bool, Value)> {
    let base = sender.peer.base.clone();
    let real: Vec<Value> = fixtures(&federation_tests::generate::fixtures_dir())
        .into_iter()
        .filter(|(name, _)| name.contains("activities"))
        .map(|(_, mut value)| {
            rehost(&mut value, &base);
            value
        })
        .collect();
    assert!(!real.is_empty(), "no fixture activity");
    let replacements = prop_oneof![
        2 => json_value(2, 4),
        1 => prop::sample::select(urls(sender, instance)),
    ]
    .boxed();
    let mutations = prop::sample::select(real)
        .prop_flat_map(move |value| mutated(value, replacements.clone(), 3));
    let random = (json_value(3, 6), prop::sample::select(TYPES)).prop_map(|(value, kind)| {
        let mut map = value.as_object().cloned().unwrap_or_default();
        map.insert("type".into(), json!(kind));
        Value::Object(map)
    });
    // Most activities get a fresh id and the sender as actor; the rest keep what the
    // mutations made of them.
    (
        prop_oneof![3 => mutations, 1 => random],
        prop::bool::weighted(0.85),
    )
        .prop_map(|(v, s)| (s, v))
        .boxed()
}

fn allowed(status: u16) -> bool {
    matches!(status, 202 | 400 | 401 | 403 | 404)
}

#[tokio::test]
async fn generated_activities_get_client_errors_or_acceptance_never_server_errors() {
    let instance = TestInstance::start().await;
    instance.create_user("alice", |_| {}).await;
    let sender = Sender::start().await;
    let strategy = activities(&sender, &instance);
    let mut runner = TestRunner::new(config(DEFAULT_ACTIVITIES));
    let total = cases(DEFAULT_ACTIVITIES);
    let mut answers = std::collections::BTreeMap::<u16, u32>::new();
    for n in 0..total {
        let (restamp, mut activity) = strategy.new_tree(&mut runner).unwrap().current();
        if restamp {
            stamp(&mut activity, &sender.actor, n);
        }
        let body = serde_json::to_vec(&activity).unwrap();
        let response = tokio::time::timeout(
            ANSWER_WITHIN,
            instance.signed_post(&sender.key, &body, &body),
        )
        .await
        .unwrap_or_else(|_| panic!("no answer within {ANSWER_WITHIN:?} to {activity}"));
        let status = response.status().as_u16();
        *answers.entry(status).or_default() += 1;
        let text = response.text().await.unwrap();
        assert!(
            allowed(status),
            "{status} {text}\n  for {}",
            serde_json::to_string_pretty(&activity).unwrap()
        );
        let parsed: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{status} body is not JSON ({e}): {text:?}"));
        if status == 202 {
            assert_eq!(
                parsed,
                serde_json::json!({"outcome": "accepted"}),
                "every accepted activity gets the same answer"
            );
        } else {
            assert!(parsed.get("error").is_some(), "{status} {text}");
        }
    }

    println!("answers by status: {answers:?}");
    assert!(
        answers.get(&202).is_some_and(|n| *n * 4 >= total),
        "most activities should get past the signature checks: {answers:?}"
    );

    let health = instance.get("/health", "application/json").await;
    assert_eq!(health.status(), 200, "unhealthy after {total} activities");

    let note = format!("{}/notes/after-the-storm", sender.actor);
    let create = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{note}/activity"),
        "type": "Create",
        "actor": sender.actor,
        "to": [PUBLIC],
        "object": {
            "id": note,
            "type": "Note",
            "attributedTo": sender.actor,
            "content": "<p>still here</p>",
            "to": [PUBLIC],
        },
    }))
    .unwrap();
    let response = instance.signed_post(&sender.key, &create, &create).await;
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
    let stored = instance
        .state()
        .db()
        .read(move |conn| Post::find_by_uri(conn, &note))
        .await
        .unwrap();
    assert!(stored.is_some(), "the normal Create was not stored");
    instance.stop().await;
}
