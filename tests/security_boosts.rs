//! Private posts must not leak through boosts or be probed through likes, over real HTTP: a
//! stand-in server (`FakePeer`) serves a hostile actor with a key and sends signed Announce
//! and Like activities naming followers-only and direct posts of this instance, and readers
//! who may not see those posts must see nothing of them, even through boost rows stored
//! before boosts were checked.

use crate::common;

use common::{FakePeer, TestInstance};
use reqwest::StatusCode;
use serde_json::{Value, json};
use trellis::db::models::{Account, Favourite, NewPost, Post};
use trellis::federation::signatures::SigningKey;

const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
];
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// A remote actor served by a stand-in server, signing with its own key.
struct Hostile {
    /// Serves the actor document for as long as the actor is used.
    _server: FakePeer,
    actor: String,
    key: SigningKey,
}

impl Hostile {
    /// Serves `/users/NAME` on a new stand-in server, with a fresh key pair.
    async fn start(name: &str) -> Self {
        let peer = FakePeer::start().await;
        let pair = common::remote_keypair();
        let actor = peer.url(&format!("/users/{name}"));
        let key_id = format!("{actor}#main-key");
        peer.set(
            &format!("/users/{name}"),
            json!({
                "@context": CONTEXT,
                "id": actor,
                "type": "Person",
                "preferredUsername": name,
                "inbox": format!("{actor}/inbox"),
                "outbox": format!("{actor}/outbox"),
                "followers": format!("{actor}/followers"),
                "publicKey": {"id": key_id, "owner": actor, "publicKeyPem": pair.public_key},
            }),
        );
        let key = SigningKey::from_pem(&key_id, &pair.private_key).unwrap();
        Self {
            _server: peer,
            actor,
            key,
        }
    }

    /// An activity of this actor with the id `.../activities/N`.
    fn activity(&self, kind: &str, n: u32, object: &str) -> Value {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/activities/{kind}-{n}", self.actor),
            "type": kind,
            "actor": self.actor,
            "object": object,
            "to": [PUBLIC],
            "cc": [format!("{}/followers", self.actor)],
        })
    }

    /// Sends `activity` signed to `instance`'s shared inbox; the inbox accepts it (202).
    async fn send(&self, instance: &TestInstance, activity: &Value) {
        let body = serde_json::to_vec(activity).unwrap();
        let response = instance.signed_post(&self.key, &body, &body).await;
        assert_eq!(response.status(), 202, "{activity}");
    }
}

async fn post_by_uri(instance: &TestInstance, uri: &str) -> Option<Post> {
    let uri = uri.to_string();
    instance
        .state()
        .db()
        .read(move |conn| Post::find_by_uri(conn, &uri))
        .await
        .unwrap()
}

async fn account_by_uri(instance: &TestInstance, uri: &str) -> Account {
    let uri = uri.to_string();
    instance
        .state()
        .db()
        .read(move |conn| Account::find_by_uri(conn, &uri))
        .await
        .unwrap()
        .expect("the remote actor is stored")
}

/// Everything `token` (or an anonymous reader) gets from the places a boost can show up: the
/// booster's statuses, the public timelines and, when `boost_id` is given, the boost itself
/// and the pages hanging off it. Returned as one text, to look for the private words in.
async fn what_readers_see(
    instance: &TestInstance,
    token: Option<&str>,
    booster_id: &str,
    boost_id: Option<&str>,
) -> String {
    let mut seen = String::new();
    let paths = [
        format!("/api/v1/accounts/{booster_id}/statuses"),
        "/api/v1/timelines/public".to_string(),
        "/api/v1/timelines/public?local=true".to_string(),
        "/api/v1/timelines/public?remote=true".to_string(),
    ];
    for path in &paths {
        let response = instance.api_get(path, token).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{path}: {:?}",
            response.body
        );
        seen.push_str(&response.body.to_string());
    }
    if let Some(id) = boost_id {
        for path in [
            format!("/api/v1/statuses/{id}"),
            format!("/api/v1/statuses/{id}/context"),
            format!("/api/v1/statuses/{id}/reblogged_by"),
        ] {
            let response = instance.api_get(&path, token).await;
            assert_eq!(
                response.status,
                StatusCode::NOT_FOUND,
                "{path}: {:?}",
                response.body
            );
            assert!(response.body["error"].is_string(), "{:?}", response.body);
        }
    }
    seen
}

/// A signed Announce of `post_uri` (of visibility `visibility`) by a stranger: refused, and no
/// reader who may not see the post learns anything of it.
async fn stranger_boost_is_refused(visibility: &str, text: &str) {
    let trellis = TestInstance::start().await;
    let tokens = trellis.people(&["author", "reader", "friend"]).await;
    let (author, reader) = (&tokens[0], &tokens[1]);
    let private = trellis
        .post_status(
            author,
            json!({"status": format!("{text} @friend"), "visibility": visibility}),
        )
        .await;
    let public = trellis
        .post_status(author, json!({"status": "an open announcement"}))
        .await;

    let mallory = Hostile::start("mallory").await;
    let leak = mallory.activity("Announce", 1, private["uri"].as_str().unwrap());
    mallory.send(&trellis, &leak).await;
    // A boost of a public post by the same actor is stored: the refusal above is about the
    // post's visibility, not about the actor.
    let open = mallory.activity("Announce", 2, public["uri"].as_str().unwrap());
    mallory.send(&trellis, &open).await;
    assert!(
        post_by_uri(&trellis, open["id"].as_str().unwrap())
            .await
            .is_some()
    );

    let booster = account_by_uri(&trellis, &mallory.actor)
        .await
        .id
        .to_string();
    let stored = post_by_uri(&trellis, leak["id"].as_str().unwrap()).await;
    let boost_id = stored.as_ref().map(|p| p.id.to_string());
    for token in [None, Some(reader.as_str())] {
        let seen = what_readers_see(&trellis, token, &booster, boost_id.as_deref()).await;
        assert!(!seen.contains(text), "{visibility} post shown: {seen}");
        assert!(seen.contains("an open announcement"));
    }
    assert!(
        stored.is_none(),
        "the boost of a {visibility} post was stored"
    );

    // The post itself counts no boost.
    let status = trellis
        .api_get(
            &format!("/api/v1/statuses/{}", private["id"].as_str().unwrap()),
            Some(author),
        )
        .await;
    assert_eq!(status.body["reblogs_count"], 0);
    trellis.stop().await;
}

#[tokio::test]
async fn a_strangers_boost_of_a_followers_only_post_is_refused() {
    stranger_boost_is_refused("private", "followers-only payroll figures").await;
}

#[tokio::test]
async fn a_strangers_boost_of_a_direct_post_is_refused() {
    stranger_boost_is_refused("direct", "direct merger whisper").await;
}

#[tokio::test]
async fn boosts_stored_before_the_check_do_not_show_the_original() {
    let trellis = TestInstance::start().await;
    let tokens = trellis
        .people(&["author", "booster", "follower", "stranger"])
        .await;
    let (author, follower, stranger) = (&tokens[0], &tokens[2], &tokens[3]);
    let author_id = trellis.account_id("author").await;
    let booster_id = trellis.account_id("booster").await;
    for (token, target) in [
        (follower, &author_id),
        (follower, &booster_id),
        (stranger, &booster_id),
    ] {
        let follow = trellis
            .api_post(
                &format!("/api/v1/accounts/{target}/follow"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(follow.status, StatusCode::OK, "{:?}", follow.body);
    }
    let text = "followers-only layoff list";
    let private = trellis
        .post_status(author, json!({"status": text, "visibility": "private"}))
        .await;
    let original: i64 = private["id"].as_str().unwrap().parse().unwrap();

    // A boost row as stored before boosts were checked.
    let state = trellis.state().clone();
    let base = trellis.base.clone();
    let booster: i64 = booster_id.parse().unwrap();
    let boost_id = trellis
        .state()
        .db()
        .write(move |conn| {
            let ids = state.ids();
            let id = ids.next_id();
            let now = chrono::Utc::now().naive_utc();
            trellis::changes::posts::store_post(
                conn,
                ids,
                &NewPost {
                    id,
                    uri: format!("{base}/users/booster/statuses/{id}/activity"),
                    url: None,
                    account_id: booster,
                    object_type: "Announce".into(),
                    in_reply_to_id: None,
                    in_reply_to_uri: None,
                    in_reply_to_account_id: None,
                    reblog_of_id: Some(original),
                    content: String::new(),
                    source_text: None,
                    summary: String::new(),
                    sensitive: false,
                    visibility: trellis::db::models::post::Visibility::Public,
                    language: None,
                    attachments: "[]".into(),
                    local: true,
                    created_at: now,
                    edited_at: None,
                    updated_at: now,
                    local_only: false,
                },
                &[],
                &[],
            )?;
            Ok(id.to_string())
        })
        .await
        .unwrap();

    // Anonymous readers and a follower of the booster who does not follow the author.
    for token in [None, Some(stranger.as_str())] {
        let seen = what_readers_see(&trellis, token, &booster_id, Some(&boost_id)).await;
        assert!(!seen.contains(text), "{seen}");
    }
    let home = trellis
        .api_get("/api/v1/timelines/home", Some(stranger))
        .await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.to_string().contains(text), "{:?}", home.body);
    assert!(!home.ids().contains(&boost_id));

    // The booster's outbox names no such boost.
    let outbox = trellis
        .get("/users/booster/outbox?page=1", "application/activity+json")
        .await;
    assert_eq!(outbox.status(), 200);
    let outbox: Value = outbox.json().await.unwrap();
    let items = outbox["orderedItems"].as_array().unwrap();
    assert!(
        !outbox
            .to_string()
            .contains(private["uri"].as_str().unwrap()),
        "{outbox}"
    );
    assert!(items.is_empty(), "{outbox}");
    let collection: Value = trellis
        .get("/users/booster/outbox", "application/activity+json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(collection["totalItems"], 0);

    // The author's follower sees the boost with the original, as before.
    let shown = trellis
        .api_get(&format!("/api/v1/statuses/{boost_id}"), Some(follower))
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{:?}", shown.body);
    assert!(
        shown.body["reblog"]["content"]
            .as_str()
            .unwrap()
            .contains(text)
    );
    let statuses = trellis
        .api_get(
            &format!("/api/v1/accounts/{booster_id}/statuses"),
            Some(follower),
        )
        .await;
    assert_eq!(statuses.ids(), vec![boost_id.clone()]);
    trellis.stop().await;
}

#[tokio::test]
async fn a_strangers_like_of_a_followers_only_post_changes_nothing() {
    let trellis = TestInstance::start().await;
    let author = trellis.people(&["author"]).await.remove(0);
    let notifications_before = trellis
        .api_get("/api/v1/notifications", Some(&author))
        .await;
    assert_eq!(notifications_before.body, json!([]));
    let private = trellis
        .post_status(
            &author,
            json!({"status": "followers-only budget", "visibility": "private"}),
        )
        .await;
    let uri = private["uri"].as_str().unwrap();
    let path = format!("/api/v1/statuses/{}", private["id"].as_str().unwrap());

    let mallory = Hostile::start("mallory").await;
    mallory
        .send(&trellis, &mallory.activity("Like", 1, uri))
        .await;
    let status = trellis.api_get(&path, Some(&author)).await;
    assert_eq!(status.body["favourites_count"], 0, "{:?}", status.body);
    let notifications = trellis
        .api_get("/api/v1/notifications", Some(&author))
        .await;
    assert_eq!(notifications.body, json!([]));
    let liker = account_by_uri(&trellis, &mallory.actor).await.id;
    let post = post_by_uri(&trellis, uri).await.unwrap().id;
    let like = trellis
        .state()
        .db()
        .read(move |conn| Favourite::find_pair(conn, liker, post))
        .await
        .unwrap();
    assert!(like.is_none());

    // Once mallory follows the author, the same kind of Like counts.
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/follows/1", mallory.actor),
        "type": "Follow",
        "actor": mallory.actor,
        "object": format!("{}/users/author", trellis.base),
    });
    mallory.send(&trellis, &follow).await;
    mallory
        .send(&trellis, &mallory.activity("Like", 2, uri))
        .await;
    let status = trellis.api_get(&path, Some(&author)).await;
    assert_eq!(status.body["favourites_count"], 1, "{:?}", status.body);
    trellis.stop().await;
}
