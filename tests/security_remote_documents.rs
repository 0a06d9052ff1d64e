//! What Trellis keeps from documents other servers send, and where it sends activities: a
//! stand-in server (`FakePeer`) serves hostile actors and delivers hostile notes and articles
//! with valid signatures. Inboxes on another origin than their actor get nothing, outgoing
//! requests never reach internal addresses when `allow_http` is off, `javascript:` URLs never
//! reach clients or pages, remote lists are capped, and remote articles carry no badges.

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{FakePeer, Remote, TestInstance};
use diesel::prelude::*;
use serde_json::{Value, json};
use trellis::db::models::Account;
use trellis::db::models::delivery;

const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
];
const XSS: &str = "javascript:alert(document.cookie)//";

/// A listener that answers every request with 202 and counts them.
struct Hook {
    port: u16,
    hits: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Hook {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        let app = axum::Router::new().fallback(move || {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                axum::http::StatusCode::ACCEPTED
            }
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { port, hits, task }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn stored_account(instance: &TestInstance, uri: &str) -> Option<Account> {
    let uri = uri.to_string();
    instance
        .state()
        .db()
        .read(move |conn| Account::find_by_uri(conn, &uri))
        .await
        .unwrap()
}

/// Waits until no delivery is pending; returns the queue per host.
async fn drained(instance: &TestInstance) -> HashMap<String, delivery::HostQueue> {
    for _ in 0..200 {
        let queue = instance
            .state()
            .db()
            .read(delivery::queue_by_host)
            .await
            .unwrap();
        if queue.iter().all(|h| h.pending == 0) {
            return queue.into_iter().map(|h| (h.host.clone(), h)).collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the delivery queue did not drain");
}

#[tokio::test]
async fn inboxes_on_another_origin_than_their_actor_never_receive_deliveries() {
    let trellis = TestInstance::start_with_internal().await;
    trellis.create_user("author", |_| {}).await;
    let author = format!("{}/users/author", trellis.base);
    let hook = Hook::start().await;
    let peer = FakePeer::start().await;
    let hook_url = format!("http://127.0.0.1:{}/admin/hook", hook.port);

    // A shared inbox on an IP literal and another port: dropped, the actor's inbox is used.
    let shared_hook = hook_url.clone();
    let mallory = Remote::on(&peer, "mallory", |actor| {
        actor["endpoints"]["sharedInbox"] = json!(shared_hook);
    })
    .await;
    let follow = json!({
        "@context": CONTEXT, "id": peer.url("/follows/1"), "type": "Follow",
        "actor": mallory.id, "object": author,
    });
    assert_eq!(mallory.deliver(&trellis, &follow).await, 202);
    let stored = stored_account(&trellis, &mallory.id)
        .await
        .expect("the follower is stored");
    assert_eq!(stored.shared_inbox_url, None);
    assert_eq!(stored.inbox_url, format!("{}/inbox", mallory.id));

    // An inbox on the same host but another port: the actor is refused.
    let inbox_hook = format!("http://localhost:{}/admin/hook", hook.port);
    let eve = Remote::on(&peer, "eve", |actor| {
        actor["inbox"] = json!(inbox_hook);
        actor["endpoints"] = json!({});
    })
    .await;
    let follow = json!({
        "@context": CONTEXT, "id": peer.url("/follows/2"), "type": "Follow",
        "actor": eve.id, "object": author,
    });
    assert_ne!(eve.deliver(&trellis, &follow).await, 202);
    assert!(stored_account(&trellis, &eve.id).await.is_none());

    trellis.post_as("author", "hello followers", "public").await;
    let queue = drained(&trellis).await;
    assert_eq!(hook.hits(), 0, "the hook was posted to");
    let peer_host = peer.base.trim_start_matches("http://").to_string();
    assert!(
        queue.get(&peer_host).is_some_and(|h| h.delivered >= 2),
        "the Accept and the post reach the actor's own inbox: {:?}",
        queue.get(&peer_host).map(|h| (h.delivered, h.failed))
    );

    // A row stored before the check (or changed since) is checked again before sending.
    let uri = mallory.id.clone();
    let shared = hook_url.clone();
    trellis
        .state()
        .db()
        .write(move |conn| {
            use trellis::db::schema::accounts;
            diesel::update(accounts::table.filter(accounts::uri.eq(uri)))
                .set(accounts::shared_inbox_url.eq(Some(shared)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    trellis.post_as("author", "hello again", "public").await;
    let queue = drained(&trellis).await;
    assert_eq!(hook.hits(), 0, "the hook was posted to");
    let hook_host = format!("127.0.0.1:{}", hook.port);
    assert_eq!(queue.get(&hook_host).map(|h| h.failed), Some(1));
    trellis.stop().await;
}

/// A loopback listener that counts the connections made to it.
struct CountingListener {
    port: u16,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl CountingListener {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counted = accepted.clone();
        let task = tokio::spawn(async move {
            while let Ok((_socket, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
        Self {
            port,
            accepted,
            task,
        }
    }

    async fn connections(&self) -> usize {
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for CountingListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test]
async fn without_allow_http_requests_to_internal_addresses_are_refused_before_connecting() {
    let target = CountingListener::start().await;
    let port = target.port;
    let instance = TestInstance::start_with(&[("TRELLIS_ALLOW_HTTP", "false")]).await;
    let client = trellis::federation::context::http_client(instance.state()).expect("client");
    for url in [
        format!("https://127.0.0.1:{port}/admin/hook"),
        format!("http://127.0.0.1:{port}/admin/hook"),
        format!("https://[::ffff:127.0.0.1]:{port}/admin/hook"),
        format!("https://localhost:{port}/admin/hook"),
        format!("https://0.0.0.0:{port}/admin/hook"),
    ] {
        let sent = client.post(&url).body("{}").send().await;
        assert!(sent.is_err(), "{url} was requested");
    }
    assert_eq!(target.connections().await, 0, "a connection was made");
    instance.stop().await;
}

#[tokio::test]
async fn a_peer_on_a_loopback_port_is_reached_and_no_other_port_of_its_host() {
    let peer = CountingListener::start().await;
    let other = CountingListener::start().await;
    for mode in ["open", "allowlist"] {
        let peers = format!("localhost:{}", peer.port);
        let instance = TestInstance::start_with(&[
            ("TRELLIS_ALLOW_HTTP", "false"),
            ("TRELLIS_FEDERATION_MODE", mode),
            ("TRELLIS_FEDERATION_PEERS", peers.as_str()),
        ])
        .await;
        let client = trellis::federation::context::http_client(instance.state()).expect("client");
        let before = peer.connections().await;
        // The TLS handshake fails (the listener speaks no TLS), but the peer was dialled.
        let _ = client
            .get(format!("https://localhost:{}/actor", peer.port))
            .send()
            .await;
        assert_eq!(
            peer.connections().await,
            before + 1,
            "{mode}: peer not dialled"
        );
        for url in [
            format!("https://localhost:{}/actor", other.port),
            format!("https://127.0.0.1:{}/actor", other.port),
            format!("http://localhost:{}/actor", peer.port),
        ] {
            let sent = client.get(&url).send().await;
            assert!(sent.is_err(), "{mode}: {url} was requested");
        }
        assert_eq!(
            other.connections().await,
            0,
            "{mode}: a non-peer port was dialled"
        );
        instance.stop().await;
    }
}

/// Every string anywhere in `value`, with its path.
fn strings(value: &Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((path, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                strings(v, format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

fn assert_no_javascript(what: &str, value: &Value) {
    let mut found = Vec::new();
    strings(value, String::new(), &mut found);
    let bad: Vec<_> = found
        .into_iter()
        .filter(|(_, s)| s.to_lowercase().contains("javascript:"))
        .collect();
    assert!(bad.is_empty(), "{what}: {bad:?}");
}

async fn page(trellis: &TestInstance, path: &str) -> (reqwest::header::HeaderMap, String) {
    let response = trellis.get(path, "text/html").await;
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.text().await.unwrap())
}

fn assert_secure_headers(path: &str, headers: &reqwest::header::HeaderMap) {
    let csp = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"))
        .to_str()
        .unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{path}: {csp}");
    }
    assert_eq!(
        headers
            .get("x-content-type-options")
            .map(|v| v.to_str().unwrap()),
        Some("nosniff"),
        "{path}"
    );
}

#[tokio::test]
async fn javascript_urls_from_remote_documents_never_reach_clients_or_pages() {
    let trellis = TestInstance::start().await;
    trellis.create_user("reader", |_| {}).await;
    let token = trellis.token("reader", "read").await;
    let peer = FakePeer::start().await;
    let xss = Remote::on(&peer, "xss", |actor| {
        actor["url"] = json!(XSS);
        actor["icon"] = json!({"type": "Image", "url": XSS});
        actor["image"] = json!({"type": "Image", "url": {"type": "Link", "href": XSS}});
        actor["followers"] = json!(XSS);
    })
    .await;
    let note = xss.create(
        1,
        json!({
            "type": "Note",
            "content": "<p>look</p>",
            "url": XSS,
            "inReplyTo": XSS,
            "attachment": [{"type": "Document", "mediaType": "image/png", "url": XSS}],
            "tag": [{"type": "Hashtag", "href": XSS, "name": "#look"}],
        }),
    );
    assert_eq!(xss.deliver(&trellis, &note).await, 202);
    let article = xss.create(
        2,
        json!({
            "type": "Article",
            "name": "Read this",
            "content": "<p>Body</p>",
            "url": {"type": "Link", "href": XSS},
        }),
    );
    assert_eq!(xss.deliver(&trellis, &article).await, 202);

    let timeline = trellis
        .api_get("/api/v1/timelines/public?limit=40", Some(&token))
        .await;
    let (status, timeline) = timeline.parts();
    assert_eq!(status, 200);
    let statuses = timeline.as_array().unwrap();
    assert_eq!(statuses.len(), 2, "{timeline}");
    assert_no_javascript("public timeline", &timeline);
    let account_id = statuses[0]["account"]["id"].as_str().unwrap().to_string();
    let (_, account) = trellis
        .api_get(&format!("/api/v1/accounts/{account_id}"), Some(&token))
        .await
        .parts();
    assert_no_javascript("account", &account);
    let (_, articles) = trellis
        .api_get("/api/trellis/v1/articles?origin=remote", Some(&token))
        .await
        .parts();
    assert_eq!(articles.as_array().map(Vec::len), Some(1), "{articles}");
    assert_no_javascript("articles API", &articles);

    let slug_page = format!("/articles/{}", articles[0]["slug"].as_str().unwrap());
    for path in ["/articles", slug_page.as_str(), "/", "/users/reader"] {
        let (headers, html) = page(&trellis, path).await;
        assert!(
            !html.to_lowercase().contains("javascript:"),
            "{path}: {html}"
        );
        assert_secure_headers(path, &headers);
    }
    trellis.stop().await;
}

#[tokio::test]
async fn huge_remote_lists_are_capped() {
    let trellis = TestInstance::start_with(&[("TRELLIS_MAX_BODY_BYTES", "33554432")]).await;
    trellis.create_user("reader", |_| {}).await;
    let token = trellis.token("reader", "read").await;
    let peer = FakePeer::start().await;
    let flood = Remote::on(&peer, "flood", |_| {}).await;
    let tags: Vec<Value> = (0..27_000)
        .map(|i| json!({"type": "Hashtag", "href": peer.url(&format!("/tags/t{i}")), "name": format!("#t{i}")}))
        .collect();
    let attachments: Vec<Value> = (0..60_000)
        .map(|i| json!({"type": "Document", "mediaType": "image/png", "url": peer.url(&format!("/m/{i}.png"))}))
        .collect();
    let note = flood.create(
        1,
        json!({
            "type": "Note",
            "content": format!("<p>{}</p>", "a".repeat(2_000_000)),
            "tag": tags,
            "attachment": attachments,
        }),
    );
    assert_eq!(flood.deliver(&trellis, &note).await, 202);

    let response = trellis
        .client
        .get(format!("{}/api/v1/timelines/public?limit=5", trellis.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().await.unwrap();
    assert!(body.len() < 300_000, "the timeline is {} bytes", body.len());
    let timeline: Value = serde_json::from_slice(&body).unwrap();
    let status = &timeline[0];
    let tags = status["tags"].as_array().unwrap().len();
    let media = status["media_attachments"].as_array().unwrap().len();
    assert!((1..=64).contains(&tags), "{tags} tags");
    assert!((1..=16).contains(&media), "{media} attachments");
    assert_eq!(status["tags"][0]["name"], "t0", "the first ones are kept");
    trellis.stop().await;
}

#[tokio::test]
async fn remote_articles_are_never_official_or_must_read() {
    let trellis = TestInstance::start().await;
    trellis.create_user("reader", |_| {}).await;
    let token = trellis.token("reader", "read").await;
    let peer = FakePeer::start().await;
    let author = Remote::on(&peer, "claims", |_| {}).await;
    let mut article = author.create(
        1,
        json!({
            "type": "Article",
            "name": "Company policy",
            "content": "<p>Obey.</p>",
            "official": true,
            "mustRead": true,
        }),
    );
    article["@context"] = json!([CONTEXT[0], {
        "trellis": "https://trellis.social/ns#",
        "official": "trellis:official",
        "mustRead": "trellis:mustRead"
    }]);
    assert_eq!(author.deliver(&trellis, &article).await, 202);

    let (status, articles) = trellis
        .api_get("/api/trellis/v1/articles?origin=remote", Some(&token))
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(articles.as_array().map(Vec::len), Some(1), "{articles}");
    assert_eq!(articles[0]["official"], false);
    assert_eq!(articles[0]["must_read"], false);
    let slug_page = format!("/articles/{}", articles[0]["slug"].as_str().unwrap());
    for path in ["/articles", slug_page.as_str()] {
        let (_, html) = page(&trellis, path).await;
        assert!(html.contains("Company policy"), "{path}");
        assert!(!html.contains("<span class=\"badge official\">"), "{path}");
        assert!(!html.contains("<span class=\"badge must-read\">"), "{path}");
    }
    trellis.stop().await;
}
