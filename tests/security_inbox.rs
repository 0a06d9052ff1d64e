//! Inbox and authorized-fetch hardening, replayed over real HTTP against a stand-in server:
//! fetched documents never reach a response, requests that cannot verify cause no fetch, the
//! inbox answers alike whatever it did with an activity, and signatures must name this server
//! in their signed `host`.

use crate::common;

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, HeaderValue, Method};
use common::{FakePeer, TestInstance};
use serde_json::{Value, json};
use trellis::db::models::Post;
use trellis::federation::signatures::{SigningKey, digest_header_value, sign_get, sign_headers};
use url::Url;

const ACTIVITY_JSON: &str = "application/activity+json";
const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
];
/// What an internal service holds and must never be shown to a caller.
const SECRET: &str = "INTERNAL-ADMIN-SECRET: db_password=hunter2";
/// Everything a POST must sign, as Mastodon signs it.
const ALL: [&str; 5] = ["(request-target)", "host", "date", "digest", "content-type"];

/// A remote person's key pair.
struct Remote {
    public_pem: String,
    private_pem: String,
}

impl Remote {
    async fn new() -> Self {
        let pair = common::remote_keypair();
        Self {
            public_pem: pair.public_key,
            private_pem: pair.private_key,
        }
    }

    fn signing_key(&self, key_id: &str) -> SigningKey {
        SigningKey::from_pem(key_id, &self.private_pem).unwrap()
    }

    /// Serves its actor document at `/users/NAME` on `peer`; returns the actor id and its key.
    fn publish(&self, peer: &FakePeer, name: &str) -> (String, SigningKey) {
        let id = peer.url(&format!("/users/{name}"));
        let key_id = format!("{id}#main-key");
        peer.set(
            &format!("/users/{name}"),
            json!({
                "@context": CONTEXT,
                "id": id,
                "type": "Person",
                "preferredUsername": name,
                "inbox": format!("{id}/inbox"),
                "outbox": format!("{id}/outbox"),
                "publicKey": {"id": key_id, "owner": id, "publicKeyPem": self.public_pem},
            }),
        );
        (id, self.signing_key(&key_id))
    }
}

/// A POST of `body` to the shared inbox, signed with `key` over `names` as if addressed to
/// `host` at `date`; `Host` and `Date` carry those values.
async fn post_signed_for(
    instance: &TestInstance,
    key: &SigningKey,
    body: &[u8],
    host: &str,
    date: SystemTime,
    names: &[&str],
) -> reqwest::Response {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_str(host).unwrap());
    headers.insert(
        "date",
        HeaderValue::from_str(&httpdate::fmt_http_date(date)).unwrap(),
    );
    headers.insert(
        "digest",
        HeaderValue::from_str(&digest_header_value(body)).unwrap(),
    );
    headers.insert("content-type", HeaderValue::from_static(ACTIVITY_JSON));
    let signature = sign_headers(key, &Method::POST, "/inbox", &headers, names).unwrap();
    headers.insert("signature", signature);
    instance
        .client
        .post(format!("{}/inbox", instance.base))
        .headers(headers)
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
}

/// A GET of `url` (on `instance`) signed with `key` as if addressed to `host`.
async fn get_signed_for(
    instance: &TestInstance,
    url: &str,
    key: &SigningKey,
    host: &str,
) -> reqwest::Response {
    let mut signed_url = Url::parse(url).unwrap();
    let (name, port) = host.split_once(':').unwrap_or((host, ""));
    signed_url.set_host(Some(name)).unwrap();
    signed_url.set_port(port.parse().ok()).unwrap();
    let headers = sign_get(key, &signed_url, ACTIVITY_JSON, SystemTime::now()).unwrap();
    let mut request = instance.client.get(url).header("accept", ACTIVITY_JSON);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.unwrap()
}

/// Asserts a refusal with `status` whose body is the fixed JSON error `message`, and nothing of
/// the secret.
async fn assert_refused(response: reqwest::Response, status: u16, message: &str, case: &str) {
    assert_eq!(response.status(), status, "{case}");
    let text = response.text().await.unwrap();
    assert!(
        !text.contains("INTERNAL-ADMIN-SECRET") && !text.contains("db_password"),
        "{case}: {text}"
    );
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{case}: {text}"));
    assert_eq!(body, json!({ "error": message }), "{case}");
}

async fn post_uri(instance: &TestInstance, user: &str, text: &str, visibility: &str) -> String {
    instance.post_as(user, text, visibility).await["uri"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn stored_post(instance: &TestInstance, uri: &str) -> Option<Post> {
    let uri = uri.to_string();
    instance
        .state()
        .db()
        .read(move |conn| Post::find_by_uri(conn, &uri))
        .await
        .unwrap()
}

async fn followers_of(instance: &TestInstance, user: &str) -> i64 {
    let response = instance
        .get(&format!("/users/{user}/followers"), ACTIVITY_JSON)
        .await;
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["totalItems"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn fetched_documents_never_reach_the_response() {
    let trellis = TestInstance::start_with_internal().await;
    trellis.create_user("author", |_| {}).await;
    let public = post_uri(&trellis, "author", "for everyone", "public").await;
    let internal = FakePeer::start().await;
    internal.set_raw("/admin", ACTIVITY_JSON, SECRET);
    internal.set("/admin-json", json!(SECRET));
    internal.set("/admin-object", json!({ "id": SECRET, "type": SECRET }));
    let remote = Remote::new().await;

    for path in ["/admin", "/admin-json", "/admin-object"] {
        let actor = internal.url(path);
        let key = remote.signing_key(&format!("{actor}#main-key"));
        let like = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{actor}#likes/1"),
            "type": "Like",
            "actor": actor,
            "object": public,
        });
        let body = serde_json::to_vec(&like).unwrap();
        let response = trellis.signed_post(&key, &body, &body).await;
        assert_refused(
            response,
            401,
            "signature verification failed",
            &format!("POST naming {path}"),
        )
        .await;
        let posted = internal.fetches(path);
        assert!(posted >= 1, "{path}: the inbox fetched the actor");

        let response = trellis.signed_get(&public, &key).await;
        assert_refused(
            response,
            401,
            "signature verification failed",
            &format!("GET signed by {path}"),
        )
        .await;
        assert!(
            internal.fetches(path) > posted,
            "{path}: the key was fetched"
        );
    }
    assert_eq!(
        stored_post(&trellis, &public)
            .await
            .unwrap()
            .favourites_count,
        0
    );
    trellis.stop().await;
}

#[tokio::test]
async fn posts_that_cannot_verify_fetch_nothing() {
    let trellis = TestInstance::start_with_internal().await;
    trellis.create_user("author", |_| {}).await;
    let public = post_uri(&trellis, "author", "for everyone", "public").await;
    let peer = FakePeer::start().await;
    let elsewhere = FakePeer::start().await;
    let remote = Remote::new().await;
    let (actor, key) = remote.publish(&peer, "probe");
    let like = |id: &str| {
        serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id,
            "type": "Like",
            "actor": actor,
            "object": public,
        }))
        .unwrap()
    };
    let body = like(&format!("{actor}#likes/1"));
    let own = trellis.domain.as_str();
    let now = SystemTime::now();
    let hour = Duration::from_secs(60 * 60);
    let without =
        |name: &str| -> Vec<&str> { ALL.iter().copied().filter(|n| *n != name).collect() };
    let foreign_key = remote.signing_key(&elsewhere.url("/users/probe#main-key"));

    let unsigned = trellis
        .client
        .post(format!("{}/inbox", trellis.base))
        .header("content-type", ACTIVITY_JSON)
        .header("digest", digest_header_value(&body))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let mut cases = vec![("unsigned", unsigned)];
    cases.push((
        "two hours old",
        post_signed_for(&trellis, &key, &body, own, now - 2 * hour, &ALL).await,
    ));
    cases.push((
        "an hour ahead",
        post_signed_for(&trellis, &key, &body, own, now + hour, &ALL).await,
    ));
    for name in ["(request-target)", "host", "date", "digest"] {
        cases.push((
            name,
            post_signed_for(&trellis, &key, &body, own, now, &without(name)).await,
        ));
    }
    cases.push((
        "signed for another server",
        post_signed_for(&trellis, &key, &body, "other.example", now, &ALL).await,
    ));
    cases.push((
        "signed for another port",
        post_signed_for(&trellis, &key, &body, &elsewhere.base[7..], now, &ALL).await,
    ));
    cases.push((
        "key on another server than the actor",
        post_signed_for(&trellis, &foreign_key, &body, own, now, &ALL).await,
    ));
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    cases.push((
        "body changed after signing",
        trellis.signed_post(&key, &body, &tampered).await,
    ));
    let malformed = trellis
        .client
        .post(format!("{}/inbox", trellis.base))
        .header("content-type", ACTIVITY_JSON)
        .header("digest", digest_header_value(&body))
        .header("signature", format!("keyId=\"{actor}#main-key\""))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    cases.push(("signature without a signature", malformed));
    let other_id = like(&elsewhere.url("/likes/1"));
    let id_elsewhere = trellis.signed_post(&key, &other_id, &other_id).await;

    assert_eq!(peer.total_fetches(), 0, "the peer was asked for something");
    assert_eq!(elsewhere.total_fetches(), 0, "the other server was asked");
    for (case, response) in cases {
        assert_refused(response, 401, "signature verification failed", case).await;
    }
    assert_refused(
        id_elsewhere,
        400,
        "invalid activity",
        "id on another server",
    )
    .await;
    assert_eq!(
        stored_post(&trellis, &public)
            .await
            .unwrap()
            .favourites_count,
        0
    );

    // The same activity, signed for this server, fetches the actor and is applied.
    let response = trellis.signed_post(&key, &body, &body).await;
    assert_eq!(response.status(), 202);
    assert_eq!(peer.fetches("/users/probe"), 1);
    assert_eq!(
        stored_post(&trellis, &public)
            .await
            .unwrap()
            .favourites_count,
        1
    );
    trellis.stop().await;
}

#[tokio::test]
async fn the_inbox_answers_alike_whatever_it_did() {
    let trellis = TestInstance::start_with_internal().await;
    trellis.create_user("author", |_| {}).await;
    let public = post_uri(&trellis, "author", "for everyone", "public").await;
    let missing = format!("{}/users/author/statuses/1", trellis.base);
    assert!(stored_post(&trellis, &missing).await.is_none());
    let peer = FakePeer::start().await;
    let (actor, key) = Remote::new().await.publish(&peer, "fan");
    let activity = |n: u32, kind: &str, object: &str| {
        serde_json::to_vec(&json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{actor}#activities/{n}"),
            "type": kind,
            "actor": actor,
            "object": object,
        }))
        .unwrap()
    };
    let like_known = activity(1, "Like", &public);
    let like_unknown = activity(2, "Like", &missing);
    let delete_known = activity(3, "Delete", &public);
    let delete_unknown = activity(4, "Delete", &missing);

    let mut answers = Vec::new();
    for (case, body) in [
        ("like of a known post", &like_known),
        ("like of an unknown post", &like_unknown),
        ("the same like again", &like_known),
        ("delete of someone else's post", &delete_known),
        ("delete of an unknown post", &delete_unknown),
    ] {
        let response = trellis.signed_post(&key, body, body).await;
        let status = response.status();
        let content_type = response.headers().get("content-type").cloned();
        let bytes = response.bytes().await.unwrap();
        answers.push((case, status, content_type, bytes));
    }
    let (_, status, content_type, bytes) = &answers[0];
    assert_eq!(*status, 202);
    for (case, other_status, other_type, other_bytes) in &answers[1..] {
        assert_eq!(other_status, status, "{case}");
        assert_eq!(other_type, content_type, "{case}");
        assert_eq!(other_bytes, bytes, "{case}");
    }

    // What happened is visible only in the state: one like counted, the post still there.
    let post = stored_post(&trellis, &public).await.expect("not deleted");
    assert_eq!(post.favourites_count, 1);
    assert!(stored_post(&trellis, &missing).await.is_none());
    trellis.stop().await;
}

#[tokio::test]
async fn signatures_must_name_this_server() {
    let trellis = TestInstance::start_with_internal().await;
    trellis.create_user("author", |_| {}).await;
    let private = post_uri(&trellis, "author", "only for my followers", "private").await;
    let peer = FakePeer::start().await;
    let (actor, key) = Remote::new().await.publish(&peer, "fan");
    let follow = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{actor}#follows/1"),
        "type": "Follow",
        "actor": actor,
        "object": format!("{}/users/author", trellis.base),
    }))
    .unwrap();
    let now = SystemTime::now();
    let other_instance = peer.base[7..].to_string();

    // A Follow signed for another server, replayed here: refused, nothing recorded.
    for host in ["other.example", other_instance.as_str()] {
        let response = post_signed_for(&trellis, &key, &follow, host, now, &ALL).await;
        assert_refused(response, 401, "signature verification failed", host).await;
        assert_eq!(followers_of(&trellis, "author").await, 0, "{host}");
    }
    // Signed for this server it is applied.
    let response = post_signed_for(&trellis, &key, &follow, &trellis.domain, now, &ALL).await;
    assert_eq!(response.status(), 202);
    assert_eq!(followers_of(&trellis, "author").await, 1);

    // The follower's GET of the followers-only post signed for another server: refused.
    for host in ["other.example", other_instance.as_str()] {
        let response = get_signed_for(&trellis, &private, &key, host).await;
        assert_refused(response, 401, "signature verification failed", host).await;
    }
    // Signed for this server it is served.
    let response = get_signed_for(&trellis, &private, &key, &trellis.domain).await;
    assert_eq!(response.status(), 200);
    let note: Value = response.json().await.unwrap();
    assert_eq!(note["id"], private.as_str());
    assert!(
        note["content"]
            .as_str()
            .unwrap()
            .contains("only for my followers")
    );
    trellis.stop().await;
}
