//! Department-only posts and articles, over real HTTP between two instances: they reach the
//! people of their instance as their visibility says, and nothing of them reaches the other
//! instance: nothing is queued or delivered, and a signed fetch from there answers 404.

use crate::common;

use std::time::Duration;

use common::TestInstance;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use trellis::db::models::Account;
use trellis::db::schema::{outbound_activities, received_activities};
use trellis::federation::signatures::SigningKey;
use trellis::services::accounts::Role;

/// The id of `handle` on `instance`, resolved through WebFinger.
pub(crate) async fn resolve(instance: &TestInstance, token: &str, handle: &str) -> String {
    let found = instance
        .api_get(
            &format!("/api/v2/search?q={handle}&resolve=true&type=accounts"),
            Some(token),
        )
        .await;
    found.body["accounts"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{handle} resolved: {:?}", found.body))
        .to_string()
}

/// Waits until `check` holds for `token`'s home timeline on `instance`.
async fn home_until(instance: &TestInstance, token: &str, check: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..300 {
        let home = instance
            .api_get("/api/v1/timelines/home", Some(token))
            .await;
        if check(&home.body) {
            return home.body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the home timeline never got there");
}

fn uris(timeline: &Value) -> Vec<String> {
    timeline
        .as_array()
        .map(|statuses| {
            statuses
                .iter()
                .filter_map(|s| s["uri"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// How many activities `instance` queued that name `uri`.
pub(crate) async fn queued_naming(instance: &TestInstance, uri: &str) -> i64 {
    let pattern = format!("%{uri}%");
    instance
        .state()
        .db()
        .read(move |conn| {
            Ok(outbound_activities::table
                .filter(outbound_activities::payload.like(pattern))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .unwrap()
}

/// How many activities whose id contains `uri` (a post's Create is `URI/activity`) reached
/// `instance`'s inbox.
async fn received_naming(instance: &TestInstance, uri: &str) -> i64 {
    let pattern = format!("%{uri}%");
    instance
        .state()
        .db()
        .read(move |conn| {
            Ok(received_activities::table
                .filter(received_activities::activity_id.like(pattern))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .unwrap()
}

/// Waits until an activity naming `uri` reached `instance`'s inbox.
async fn until_received(instance: &TestInstance, uri: &str) {
    for _ in 0..300 {
        if received_naming(instance, uri).await > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no activity naming {uri} arrived");
}

/// The signing key of a local person of `instance`, as that server signs its fetches.
async fn signing_key(instance: &TestInstance, username: &str) -> SigningKey {
    let name = username.to_string();
    let account = instance
        .state()
        .db()
        .read(move |conn| Account::find_local_by_username(conn, &name))
        .await
        .unwrap()
        .expect("local account");
    SigningKey::from_pem(
        &account.public_key_id,
        account.private_key_pem.as_deref().expect("a private key"),
    )
    .unwrap()
}

/// Two instances; on alpha, alice (an editor) and carol who follows her; on beta, bob, who
/// follows alice from there.
pub(crate) struct Departments {
    pub alpha: TestInstance,
    pub beta: TestInstance,
    pub alice: String,
    pub carol: String,
    pub bob: String,
}

pub(crate) async fn departments() -> Departments {
    let alpha = TestInstance::start().await;
    let beta = TestInstance::start().await;
    alpha
        .create_user("alice", |p| p.role = Some(Role::Editor))
        .await;
    alpha.create_user("carol", |_| {}).await;
    beta.create_user("bob", |_| {}).await;
    let alice = alpha.token("alice", "read write follow").await;
    let carol = alpha.token("carol", "read write follow").await;
    let bob = beta.token("bob", "read write follow").await;
    let alice_id = alpha.account_id("alice").await;
    let followed = alpha
        .api_post(
            &format!("/api/v1/accounts/{alice_id}/follow"),
            Some(&carol),
            None,
        )
        .await;
    assert_eq!(followed.status, StatusCode::OK, "{:?}", followed.body);
    let alice_on_beta = resolve(&beta, &bob, &format!("alice@{}", alpha.domain)).await;
    let asked = beta
        .api_post(
            &format!("/api/v1/accounts/{alice_on_beta}/follow"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{:?}", asked.body);
    let relationship = format!("/api/v1/accounts/relationships?id[]={alice_on_beta}");
    for _ in 0..300 {
        let now = beta.api_get(&relationship, Some(&bob)).await;
        if now.body[0]["following"] == true {
            return Departments {
                alpha,
                beta,
                alice,
                carol,
                bob,
            };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("bob's follow of alice was never accepted");
}

#[tokio::test]
async fn department_only_posts_reach_local_followers_and_never_the_other_instance() {
    let d = departments().await;
    let department = d
        .alpha
        .api_form(
            "/api/v1/statuses",
            &d.alice,
            &[
                ("status", "Canteen closed on Friday"),
                ("local_only", "true"),
            ],
        )
        .await;
    assert_eq!(department.status, StatusCode::OK, "{:?}", department.body);
    assert_eq!(department.body["local_only"], true);
    assert_eq!(department.body["visibility"], "public");
    let department_uri = department.body["uri"].as_str().unwrap().to_string();
    assert_eq!(queued_naming(&d.alpha, &department_uri).await, 0);

    // Akkoma's spelling, in a JSON body.
    let akkoma = d
        .alpha
        .post_status(
            &d.alice,
            json!({"status": "Fire drill at ten", "visibility": "local"}),
        )
        .await;
    assert_eq!(akkoma["local_only"], true);
    assert_eq!(akkoma["visibility"], "public");
    let akkoma_uri = akkoma["uri"].as_str().unwrap().to_string();

    // A reply to a department-only post is department-only too.
    let reply = d
        .alpha
        .post_status(
            &d.carol,
            json!({"status": "@alice thanks", "in_reply_to_id": department.body["id"]}),
        )
        .await;
    assert_eq!(reply["local_only"], true);

    let everyone = d
        .alpha
        .post_status(&d.alice, json!({"status": "Quarterly results are out"}))
        .await;
    assert_eq!(everyone["local_only"], false);
    let everyone_uri = everyone["uri"].as_str().unwrap().to_string();

    // The local follower sees them in her home timeline.
    home_until(&d.alpha, &d.carol, |home| {
        let seen = uris(home);
        seen.contains(&department_uri) && seen.contains(&akkoma_uri)
    })
    .await;

    // The remote follower gets the public post, and nothing else was ever queued.
    let home = home_until(&d.beta, &d.bob, |home| uris(home).contains(&everyone_uri)).await;
    assert!(!uris(&home).contains(&department_uri), "{home}");
    assert!(!uris(&home).contains(&akkoma_uri), "{home}");
    until_received(&d.beta, &everyone_uri).await;
    assert_eq!(received_naming(&d.beta, &department_uri).await, 0);
    assert_eq!(received_naming(&d.beta, &akkoma_uri).await, 0);
    assert_eq!(queued_naming(&d.alpha, &department_uri).await, 0);
    assert_eq!(queued_naming(&d.alpha, &akkoma_uri).await, 0);

    // A boost of it is never federated either.
    let boosted = d
        .alpha
        .api_post(
            &format!(
                "/api/v1/statuses/{}/reblog",
                department.body["id"].as_str().unwrap()
            ),
            Some(&d.carol),
            None,
        )
        .await;
    assert_eq!(boosted.status, StatusCode::OK, "{:?}", boosted.body);
    assert_eq!(boosted.body["local_only"], true);
    assert_eq!(queued_naming(&d.alpha, &department_uri).await, 0);

    // A signed fetch from the other instance is answered as for an unknown object.
    let key = signing_key(&d.beta, "bob").await;
    assert_eq!(
        d.alpha.signed_get(&department_uri, &key).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        d.alpha.signed_get(&everyone_uri, &key).await.status(),
        StatusCode::OK
    );
    // Nobody signed out sees it either, nor in the public timeline or the outbox.
    let public = d.alpha.api_get("/api/v1/timelines/public", None).await;
    assert!(!uris(&public.body).contains(&department_uri));
    assert!(uris(&public.body).contains(&everyone_uri));
    let signed_in = d
        .alpha
        .api_get("/api/v1/timelines/public", Some(&d.carol))
        .await;
    assert!(uris(&signed_in.body).contains(&department_uri));
    let outbox = d
        .alpha
        .get("/users/alice/outbox?page=true", "application/activity+json")
        .await
        .text()
        .await
        .unwrap();
    assert!(!outbox.contains(&department_uri), "{outbox}");
    assert!(outbox.contains(&everyone_uri), "{outbox}");

    // Edits keep it department-only and send nothing.
    let id = department.body["id"].as_str().unwrap();
    let edited = d
        .alpha
        .api(
            reqwest::Method::PUT,
            &format!("/api/v1/statuses/{id}"),
            Some(&d.alice),
            Some(json!({"status": "Canteen closed on Friday and Monday"})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    assert_eq!(edited.body["local_only"], true);
    assert_eq!(queued_naming(&d.alpha, &department_uri).await, 0);

    d.alpha.stop().await;
    d.beta.stop().await;
}

#[tokio::test]
async fn department_articles_are_neither_delivered_nor_served_to_other_servers() {
    let d = departments().await;
    let created = d
        .alpha
        .api_post(
            "/api/trellis/v1/articles",
            Some(&d.alice),
            Some(json!({
                "title": "Parking rules",
                "body": "Park on level two.",
                "status": "published",
                "visibility": "department",
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["visibility"], "department");
    let department_uri = created.body["uri"].as_str().unwrap().to_string();
    let public = d
        .alpha
        .api_post(
            "/api/trellis/v1/articles",
            Some(&d.alice),
            Some(json!({"title": "Holiday calendar", "body": "Dates.", "status": "published"})),
        )
        .await;
    assert_eq!(public.status, StatusCode::CREATED, "{:?}", public.body);
    assert_eq!(public.body["visibility"], "public");
    let public_uri = public.body["uri"].as_str().unwrap().to_string();

    let wrong = d
        .alpha
        .api_post(
            "/api/trellis/v1/articles",
            Some(&d.alice),
            Some(json!({"title": "Odd", "body": "x", "visibility": "galaxy"})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Its status reaches the local follower; the remote one gets only the public article.
    home_until(&d.alpha, &d.carol, |home| {
        uris(home).contains(&department_uri)
    })
    .await;
    let home = home_until(&d.beta, &d.bob, |home| uris(home).contains(&public_uri)).await;
    assert!(!uris(&home).contains(&department_uri), "{home}");
    until_received(&d.beta, &public_uri).await;
    assert_eq!(received_naming(&d.beta, &department_uri).await, 0);
    assert_eq!(queued_naming(&d.alpha, &department_uri).await, 0);

    let key = signing_key(&d.beta, "bob").await;
    assert_eq!(
        d.alpha.signed_get(&department_uri, &key).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        d.alpha.signed_get(&public_uri, &key).await.status(),
        StatusCode::OK
    );

    // Deleted, it is still unknown to other servers (no Tombstone), and no Delete goes out.
    let id = created.body["id"].as_str().unwrap();
    let deleted = d
        .alpha
        .api(
            reqwest::Method::DELETE,
            &format!("/api/trellis/v1/articles/{id}"),
            Some(&d.alice),
            None,
        )
        .await;
    assert!(deleted.status.is_success(), "{:?}", deleted.body);
    assert_eq!(
        d.alpha.signed_get(&department_uri, &key).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(queued_naming(&d.alpha, &department_uri).await, 0);

    d.alpha.stop().await;
    d.beta.stop().await;
}

#[tokio::test]
async fn the_delivery_worker_refuses_a_queued_activity_about_a_department_only_post() {
    use trellis::db::models::delivery::{self, Enqueue};
    let d = departments().await;
    let department = d
        .alpha
        .post_status(
            &d.alice,
            json!({"status": "Team lunch on Thursday", "local_only": true}),
        )
        .await;
    let department_uri = department["uri"].as_str().unwrap().to_string();
    let alice_uri = format!("{}/users/alice", d.alpha.base);
    let bob_uri = format!("{}/users/bob", d.beta.base);
    let bob = d
        .alpha
        .state()
        .db()
        .read(move |conn| Account::find_by_uri(conn, &bob_uri))
        .await
        .unwrap()
        .expect("bob is known on alpha");
    // A row queued past the queue's own check, as an older version might have left one.
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{department_uri}/activity"),
        "type": "Create",
        "actor": alice_uri,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": department_uri,
            "type": "Note",
            "attributedTo": alice_uri,
            "content": "<p>Team lunch on Thursday</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        },
    })
    .to_string();
    let alice_id: i64 = d.alpha.account_id("alice").await.parse().unwrap();
    let state = d.alpha.state().clone();
    let inbox = bob.inbox_url.clone();
    let host = d.beta.domain.clone();
    let activity_id = format!("{department_uri}/activity");
    d.alpha
        .state()
        .db()
        .write(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            delivery::enqueue(
                conn,
                &Enqueue {
                    id: state.ids().next_id(),
                    activity_id: &activity_id,
                    actor_id: alice_id,
                    payload: &activity,
                    inboxes: vec![(state.ids().next_id(), inbox, host)],
                    now,
                    expires_at: now + chrono::Duration::hours(1),
                },
            )
        })
        .await
        .unwrap();
    d.alpha.state().wake_delivery();
    let mut drained = false;
    for _ in 0..300 {
        let queue = d
            .alpha
            .state()
            .db()
            .read(delivery::queue_by_host)
            .await
            .unwrap();
        if queue.iter().all(|h| h.pending == 0) {
            drained = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(drained, "the queued row was handled");
    // A public post sent afterwards arrives; the refused one never did.
    let everyone = d
        .alpha
        .post_status(&d.alice, json!({"status": "Office open as usual"}))
        .await;
    until_received(&d.beta, everyone["uri"].as_str().unwrap()).await;
    assert_eq!(received_naming(&d.beta, &department_uri).await, 0);

    d.alpha.stop().await;
    d.beta.stop().await;
}
