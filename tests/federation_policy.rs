//! Peers and domain blocks changed with the CLI while the instance runs: the running instance
//! follows within seconds (no restart), refuses what it no longer federates with, removes
//! what came from a blocked domain, and drops (and counts) deliveries still queued there.

use std::time::Duration;

use crate::common;

use common::{FakePeer, TestDb, TestInstance};
use federation_tests::wait_until;
use reqwest::StatusCode;
use serde_json::{Value, json};
use trellis::federation::signatures::SigningKey;
use trellis::services::federation_policy::POLICY_TTL;

/// How long the running instance may take to notice a change made by the CLI.
const POLICY_NOTICED: Duration = Duration::from_secs(10);

/// A person on a stand-in server: its actor id and signing key.
struct Stranger {
    id: String,
    key: SigningKey,
}

impl Stranger {
    async fn on(instance: &TestInstance, peer: &FakePeer, username: &str) -> Self {
        let key = instance.stand_in_signer(peer, username).await;
        Self {
            id: peer.url(&format!("/users/{username}")),
            key,
        }
    }

    /// Sends `activity` (given its type and object) to the instance's inbox; the status.
    async fn send(
        &self,
        instance: &TestInstance,
        kind: &str,
        number: u32,
        object: Value,
    ) -> StatusCode {
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/{number}", self.id),
            "type": kind,
            "actor": self.id,
            "object": object,
        });
        let body = serde_json::to_vec(&activity).unwrap();
        instance.signed_post(&self.key, &body, &body).await.status()
    }

    /// A public note of theirs.
    fn note(&self, number: u32, text: &str) -> Value {
        json!({
            "id": format!("{}/notes/{number}", self.id),
            "type": "Note",
            "attributedTo": self.id,
            "content": format!("<p>{text}</p>"),
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "published": "2026-12-05T08:00:00Z",
        })
    }
}

/// The `PENDING`, `FAILED` and `DROPPED` counts of `host` in `trellis federation queue`.
fn queue_counts(output: &str, host: &str) -> Option<(u64, u64, u64)> {
    output.lines().find_map(|line| {
        let columns: Vec<&str> = line.split_whitespace().collect();
        if columns.first() != Some(&host) {
            return None;
        }
        let number = |i: usize| columns.get(i)?.parse().ok();
        Some((number(1)?, number(2)?, number(3)?))
    })
}

/// Ids of the accounts following `account_id`.
async fn followers(instance: &TestInstance, token: &str, account_id: &str) -> Vec<String> {
    let reply = instance
        .api_get(
            &format!("/api/v1/accounts/{account_id}/followers"),
            Some(token),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["acct"].as_str().unwrap().to_string())
        .collect()
}

/// Waits until alice's post is queued for `host` and its first attempt was refused.
async fn wait_for_a_queued_delivery(
    instance: &TestInstance,
    settings: &[(&str, &str)],
    host: &str,
) {
    wait_until(
        "a delivery waiting in the queue",
        Duration::from_secs(10),
        || async {
            let run = instance.cli(settings, &["federation", "queue"]).await;
            queue_counts(&run.stdout, host).filter(|(pending, _, _)| *pending >= 1)
        },
    )
    .await;
}

#[tokio::test]
async fn blocking_a_domain_refuses_it_and_removes_what_came_from_it() {
    // The instance goes by a name of its own, so that `localhost` is a domain apart: the
    // stand-in server's.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let own = format!("trellis.test:{}", listener.local_addr().unwrap().port());
    let instance =
        TestInstance::start_on_listener(listener, TestDb::new(), &[("TRELLIS_DOMAIN", &own)]).await;
    let token = instance.people(&["alice"]).await.remove(0);
    let alice_id = instance.account_id("alice").await;
    let alice = format!("{}/users/alice", instance.base);
    let peer = FakePeer::start().await;
    let mallory = Stranger::on(&instance, &peer, "mallory").await;

    assert_eq!(
        mallory.send(&instance, "Follow", 1, json!(alice)).await,
        StatusCode::ACCEPTED
    );
    let note = mallory.note(1, "Buy cheap watches");
    assert_eq!(
        mallory.send(&instance, "Create", 2, note).await,
        StatusCode::ACCEPTED
    );
    let handle = format!("mallory@{}", peer.authority());
    assert_eq!(followers(&instance, &token, &alice_id).await, [handle]);
    let public = instance
        .api_get("/api/v1/timelines/public", Some(&token))
        .await;
    assert!(public.body.to_string().contains("cheap watches"));

    peer.refuse_deliveries();
    instance
        .post_status(&token, json!({"status": "To my followers"}))
        .await;
    wait_for_a_queued_delivery(&instance, &[], &peer.authority()).await;

    let run = instance
        .cli(
            &[],
            &["federation", "block", "localhost", "--reason", "spam"],
        )
        .await;
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 accounts removed"), "{}", run.stdout);

    // The running instance reads the policy again once its copy is older than POLICY_TTL
    // (anything that arrives before then would be kept: blocking again removes it).
    tokio::time::sleep(POLICY_TTL + Duration::from_millis(300)).await;
    // It refuses the domain before fetching anything.
    let fetches = peer.total_fetches();
    let note = mallory.note(99, "Once more");
    assert_eq!(
        mallory.send(&instance, "Create", 99, note).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(peer.total_fetches(), fetches);
    assert!(followers(&instance, &token, &alice_id).await.is_empty());
    let public = instance
        .api_get("/api/v1/timelines/public", Some(&token))
        .await;
    assert!(!public.body.to_string().contains("cheap watches"));
    assert!(!public.body.to_string().contains("Once more"));

    let queue = instance.cli(&[], &["federation", "queue"]).await;
    assert_eq!(
        queue_counts(&queue.stdout, &peer.authority()),
        Some((0, 0, 1)),
        "{}",
        queue.stdout
    );
    let blocks = instance.cli(&[], &["federation", "blocks"]).await;
    assert!(blocks.stdout.contains("localhost"), "{}", blocks.stdout);
    assert!(blocks.stdout.contains("spam"), "{}", blocks.stdout);

    let run = instance
        .cli(&[], &["federation", "unblock", "localhost"])
        .await;
    assert!(run.ok, "{}", run.stderr);
    let again = instance
        .cli(&[], &["federation", "unblock", "localhost"])
        .await;
    assert!(!again.ok);
    assert!(again.stderr.contains("is not blocked"), "{}", again.stderr);
    let own = instance
        .cli(&[], &["federation", "block", "trellis.test"])
        .await;
    assert!(!own.ok);
    assert!(own.stderr.contains("this instance"), "{}", own.stderr);
    instance.stop().await;
}

#[tokio::test]
async fn peers_allowed_and_denied_at_run_time() {
    let configured = "hq.corp.example";
    let settings = [
        ("TRELLIS_FEDERATION_MODE", "allowlist"),
        ("TRELLIS_FEDERATION_PEERS", configured),
    ];
    let instance = TestInstance::start_with(&settings).await;
    let token = instance.people(&["alice"]).await.remove(0);
    let alice_id = instance.account_id("alice").await;
    let alice = format!("{}/users/alice", instance.base);
    let peer = FakePeer::start().await;
    let colleague = Stranger::on(&instance, &peer, "colleague").await;

    assert_eq!(
        colleague.send(&instance, "Follow", 1, json!(alice)).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        peer.total_fetches(),
        0,
        "nothing is fetched from a stranger"
    );

    let run = instance
        .cli(&settings, &["federation", "allow", &peer.authority()])
        .await;
    assert!(run.ok, "{}", run.stderr);
    let mut number = 1;
    wait_until("the new peer to be admitted", POLICY_NOTICED, || {
        number += 1;
        let (colleague, instance, alice) = (&colleague, &instance, alice.clone());
        async move {
            (colleague
                .send(instance, "Follow", number, json!(alice))
                .await
                == StatusCode::ACCEPTED)
                .then_some(())
        }
    })
    .await;
    let handle = format!("colleague@{}", peer.authority());
    assert_eq!(followers(&instance, &token, &alice_id).await, [handle]);

    let listed = instance.cli(&settings, &["federation", "peers"]).await;
    assert!(
        listed.stdout.contains("mode: allowlist"),
        "{}",
        listed.stdout
    );
    assert!(listed.stdout.contains(configured), "{}", listed.stdout);
    assert!(
        listed.stdout.contains(&peer.authority()),
        "{}",
        listed.stdout
    );

    peer.refuse_deliveries();
    instance
        .post_status(&token, json!({"status": "Team lunch at noon"}))
        .await;
    wait_for_a_queued_delivery(&instance, &settings, &peer.authority()).await;
    let run = instance
        .cli(&settings, &["federation", "deny", &peer.authority()])
        .await;
    assert!(run.ok, "{}", run.stderr);
    let queue = instance.cli(&settings, &["federation", "queue"]).await;
    assert_eq!(
        queue_counts(&queue.stdout, &peer.authority()),
        Some((0, 0, 1)),
        "{}",
        queue.stdout
    );
    wait_until("the peer to be refused again", POLICY_NOTICED, || {
        number += 1;
        let note = colleague.note(number, "Hello?");
        let (colleague, instance) = (&colleague, &instance);
        async move {
            (colleague.send(instance, "Create", number, note).await == StatusCode::FORBIDDEN)
                .then_some(())
        }
    })
    .await;

    let configured_deny = instance
        .cli(&settings, &["federation", "deny", configured])
        .await;
    assert!(!configured_deny.ok);
    assert!(
        configured_deny.stderr.contains("TRELLIS_FEDERATION_PEERS"),
        "{}",
        configured_deny.stderr
    );
    let unknown = instance
        .cli(&settings, &["federation", "deny", "nobody.example"])
        .await;
    assert!(!unknown.ok);
    assert!(
        unknown.stderr.contains("nobody.example"),
        "{}",
        unknown.stderr
    );
    let malformed = instance
        .cli(&settings, &["federation", "allow", "https://x.example/"])
        .await;
    assert!(!malformed.ok);
    assert!(
        malformed.stderr.contains("host[:port]"),
        "{}",
        malformed.stderr
    );
    instance.stop().await;
}
