//! Abuse limits: streams end when their token is revoked or their person disabled, password
//! checks are rate limited per account and per address, slow or surplus connections are not
//! served forever, and inboxes answer 429 to a host that sends too much.

use crate::common;

use std::time::{Duration, Instant};

use common::TestInstance;
use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const PASSWORD: &str = "correct horse battery";
const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
/// How long a stream may stay open after its token stops being valid.
const CLOSE_WITHIN: Duration = Duration::from_secs(2);
/// How long a test waits for an expected message.
const WAIT: Duration = Duration::from_secs(15);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A registered app's credentials.
struct App {
    client_id: String,
    client_secret: String,
}

async fn register(t: &TestInstance) -> App {
    let response = t
        .client
        .post(format!("{}/api/v1/apps", t.base))
        .json(
            &json!({ "client_name": "Abuse", "redirect_uris": OOB, "scopes": "read write follow" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    App {
        client_id: body["client_id"].as_str().unwrap().to_string(),
        client_secret: body["client_secret"].as_str().unwrap().to_string(),
    }
}

fn encode(pairs: &[(&str, &str)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        out.append_pair(key, value);
    }
    out.finish()
}

/// `POST /oauth/token` with the password grant.
async fn password_grant(
    t: &TestInstance,
    app: &App,
    login: &str,
    password: &str,
) -> reqwest::Response {
    t.client
        .post(format!("{}/oauth/token", t.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(encode(&[
            ("grant_type", "password"),
            ("client_id", &app.client_id),
            ("client_secret", &app.client_secret),
            ("username", login),
            ("password", password),
            ("scope", "read"),
        ]))
        .send()
        .await
        .unwrap()
}

/// A token of `login` from the password grant.
async fn password_token(t: &TestInstance, app: &App, login: &str) -> String {
    let response = password_grant(t, app, login, PASSWORD).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

/// `Retry-After` in whole seconds; panics when missing.
fn retry_after(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds")
}

async fn connect_ws(t: &TestInstance, token: &str) -> Socket {
    let addr = t.running.as_ref().unwrap().addr;
    let mut request = format!("ws://{addr}/api/v1/streaming?stream=user")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", token.parse().unwrap());
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("handshake");
    socket
}

/// The next text message of the socket, within [`WAIT`].
async fn next_text(socket: &mut Socket) -> Value {
    tokio::time::timeout(WAIT, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => return serde_json::from_str(&text).unwrap(),
                Some(Ok(_)) => continue,
                other => panic!("socket ended: {other:?}"),
            }
        }
    })
    .await
    .expect("a message within the time limit")
}

/// Waits for the socket to close within [`CLOSE_WITHIN`]; returns the text messages that came
/// before the end and whether a close frame was among them.
async fn ws_closes(socket: &mut Socket) -> (Vec<String>, bool) {
    let mut texts = Vec::new();
    let mut close_frame = false;
    let ended = tokio::time::timeout(CLOSE_WITHIN, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => texts.push(text.to_string()),
                Some(Ok(Message::Close(_))) => close_frame = true,
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the WebSocket is still open; received {texts:?}"
    );
    (texts, close_frame)
}

/// An open server-sent-event response of the user stream.
async fn open_sse(t: &TestInstance, token: &str) -> reqwest::Response {
    let response = t
        .client
        .get(format!("{}/api/v1/streaming/user", t.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response
}

/// Reads the event stream until `needle` appears, within [`WAIT`].
async fn sse_until(response: &mut reqwest::Response, needle: &str) {
    let mut seen = String::new();
    tokio::time::timeout(WAIT, async {
        while !seen.contains(needle) {
            let chunk = response.chunk().await.unwrap().expect("the stream is open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{needle} not streamed; got {seen}"));
}

/// Waits for the event stream to end within [`CLOSE_WITHIN`]; returns what came before.
async fn sse_ends(response: &mut reqwest::Response) -> String {
    let mut seen = String::new();
    let ended = tokio::time::timeout(CLOSE_WITHIN, async {
        while let Ok(Some(chunk)) = response.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the event stream is still open; received {seen}"
    );
    seen
}

/// alice and her follower bob; bob's WebSocket and SSE user streams both receive alice's
/// followers-only post. Returns bob's streams and his token.
async fn follower_streams(t: &TestInstance, app: &App) -> (Socket, reqwest::Response, String) {
    t.create_user("alice", |_| {}).await;
    t.create_user("bob", |_| {}).await;
    t.follow_as("bob", "alice").await;
    let token = password_token(t, app, "bob").await;
    let mut socket = connect_ws(t, &token).await;
    let mut sse = open_sse(t, &token).await;
    let first = t.post_as("alice", "for followers only", "private").await;
    let message = next_text(&mut socket).await;
    assert_eq!(message["event"], "update");
    let id = first["id"].as_str().unwrap();
    assert!(message["payload"].as_str().unwrap().contains(id));
    sse_until(&mut sse, id).await;
    (socket, sse, token)
}

/// After the stream should have ended, a further followers-only post reaches neither stream.
async fn assert_closed_before(t: &TestInstance, socket: &mut Socket, sse: &mut reqwest::Response) {
    let started = Instant::now();
    let (texts, close_frame) = ws_closes(socket).await;
    let streamed = sse_ends(sse).await;
    assert!(started.elapsed() <= CLOSE_WITHIN * 2);
    assert!(close_frame, "the WebSocket ended without a close frame");
    let later = t.post_as("alice", "after the revocation", "private").await;
    let id = later["id"].as_str().unwrap();
    assert!(texts.iter().all(|text| !text.contains(id)), "{texts:?}");
    assert!(!streamed.contains(id), "{streamed}");
}

#[tokio::test]
async fn revoking_a_token_closes_its_websocket_and_sse_streams() {
    let t = TestInstance::start_with_internal().await;
    let app = register(&t).await;
    let (mut socket, mut sse, token) = follower_streams(&t, &app).await;

    let response = t
        .client
        .post(format!("{}/oauth/revoke", t.base))
        .json(&json!({
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "token": token
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    assert_closed_before(&t, &mut socket, &mut sse).await;
    t.stop().await;
}

#[tokio::test]
async fn disabling_an_account_closes_its_streams() {
    let t = TestInstance::start_with_internal().await;
    let app = register(&t).await;
    let (mut socket, mut sse, _token) = follower_streams(&t, &app).await;

    // What `trellis user disable bob` runs, from any process sharing the database.
    t.set_disabled("bob", true).await;

    assert_closed_before(&t, &mut socket, &mut sse).await;
    t.stop().await;
}

/// A new password, or disabling the person, ends every token they had: an old token is refused
/// at once, and re-enabling the person does not bring it back.
#[tokio::test]
async fn a_new_password_or_disabling_ends_every_token() {
    let t = TestInstance::start().await;
    t.create_user("carol", |_| {}).await;
    let verify = "/api/v1/accounts/verify_credentials";
    let before_password = t.token("carol", "read").await;
    assert_eq!(t.api_get(verify, Some(&before_password)).await.status, 200);

    trellis::services::accounts::set_password(t.state(), "carol", "a brand new passphrase".into())
        .await
        .unwrap();
    assert_eq!(t.api_get(verify, Some(&before_password)).await.status, 401);
    let after_password = t.token("carol", "read").await;
    assert_eq!(t.api_get(verify, Some(&after_password)).await.status, 200);

    t.set_disabled("carol", true).await;
    t.set_disabled("carol", false).await;
    assert_eq!(t.api_get(verify, Some(&after_password)).await.status, 401);
    let fresh = t.token("carol", "read").await;
    assert_eq!(t.api_get(verify, Some(&fresh)).await.status, 200);
    t.stop().await;
}

/// The login window of these tests: long enough for a few password checks on a busy machine.
const WINDOW_SECS: u64 = 8;

/// Settings of the login limits: 3 failures per account, 5 per address, a short window.
const LOGIN_LIMITS: [(&str, &str); 3] = [
    ("TRELLIS_LOGIN_MAX_FAILURES", "3"),
    ("TRELLIS_LOGIN_MAX_FAILURES_PER_ADDRESS", "5"),
    ("TRELLIS_LOGIN_WINDOW_SECS", "8"),
];

/// Sleeps until a refusal's `Retry-After` has passed.
async fn wait_out(seconds: u64) {
    tokio::time::sleep(Duration::from_millis(seconds * 1_000 + 300)).await;
}

#[tokio::test]
async fn the_password_grant_locks_an_account_for_a_while_after_failures() {
    let t = TestInstance::start_with(&LOGIN_LIMITS).await;
    t.create_user("alice", |_| {}).await;
    let app = register(&t).await;

    // A success resets the account's count.
    for _ in 0..2 {
        let response = password_grant(&t, &app, "alice", "wrong password").await;
        assert_eq!(response.status(), 400);
    }
    password_token(&t, &app, "alice").await;
    for _ in 0..3 {
        let response = password_grant(&t, &app, "alice", "wrong password").await;
        assert_eq!(response.status(), 400);
    }

    // Locked: even the right password is refused, by username or by email.
    let mut wait = 0;
    for login in ["alice", "alice@corp.example"] {
        let response = password_grant(&t, &app, login, PASSWORD).await;
        assert_eq!(response.status(), 429);
        wait = retry_after(&response);
        assert!((1..=WINDOW_SECS).contains(&wait), "Retry-After {wait}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].is_string(), "{body}");
    }

    // The lock expires.
    wait_out(wait).await;
    password_token(&t, &app, "alice").await;
    t.stop().await;
}

/// The authorization page's form for `app`, submitted with `login` and `password`.
async fn authorize_form(
    t: &TestInstance,
    app: &App,
    login: &str,
    password: &str,
) -> reqwest::Response {
    let form = [
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", OOB),
        ("response_type", "code"),
        ("scope", "read"),
        ("username", login),
        ("password", password),
        ("decision", "allow"),
    ];
    t.client
        .post(format!("{}/oauth/authorize", t.base))
        .header("Accept", "text/html")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(encode(&form))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_authorization_form_locks_an_account_like_the_password_grant() {
    let t = TestInstance::start_with(&LOGIN_LIMITS).await;
    t.create_user("alice", |_| {}).await;
    let app = register(&t).await;
    for _ in 0..3 {
        let response = authorize_form(&t, &app, "alice", "wrong password").await;
        assert_eq!(response.status(), 401);
    }
    let response = authorize_form(&t, &app, "alice", PASSWORD).await;
    assert_eq!(response.status(), 429);
    let wait = retry_after(&response);
    assert!((1..=WINDOW_SECS).contains(&wait), "Retry-After {wait}");
    let html = response.text().await.unwrap();
    assert!(html.contains("Too many failed sign-ins"), "{html}");
    assert!(html.contains("<form"), "{html}");

    // The password grant shares the count.
    let response = password_grant(&t, &app, "alice", PASSWORD).await;
    assert_eq!(response.status(), 429);

    wait_out(wait).await;
    let response = authorize_form(&t, &app, "alice", PASSWORD).await;
    assert_eq!(response.status(), 200);
    t.stop().await;
}

#[tokio::test]
async fn one_address_is_limited_across_many_usernames() {
    let t = TestInstance::start_with(&[
        ("TRELLIS_LOGIN_MAX_FAILURES", "100"),
        ("TRELLIS_LOGIN_MAX_FAILURES_PER_ADDRESS", "5"),
        ("TRELLIS_LOGIN_WINDOW_SECS", "60"),
    ])
    .await;
    t.create_user("alice", |_| {}).await;
    let app = register(&t).await;
    for n in 0..5 {
        let response = password_grant(&t, &app, &format!("guess{n}"), "wrong password").await;
        assert_eq!(response.status(), 400);
    }
    // Every further attempt from this address is refused, for anyone, on both forms.
    let response = password_grant(&t, &app, "alice", PASSWORD).await;
    assert_eq!(response.status(), 429);
    assert!(retry_after(&response) >= 1);
    let response = authorize_form(&t, &app, "alice", PASSWORD).await;
    assert_eq!(response.status(), 429);
    t.stop().await;
}

/// Reads until the server closes the connection; true when it did within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn a_connection_that_stalls_in_its_headers_is_closed() {
    let t = TestInstance::start_with(&[("TRELLIS_HEADER_READ_TIMEOUT_SECS", "1")]).await;
    let addr = t.running.as_ref().unwrap().addr;
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    let started = Instant::now();
    assert!(
        closed_within(&mut stalled, Duration::from_secs(5)).await,
        "a connection with half its headers is still open"
    );
    assert!(started.elapsed() >= Duration::from_millis(800));

    // A silent connection is closed too; a prompt request is still served.
    let mut silent = TcpStream::connect(addr).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(5)).await);
    let response = t.get("/health", "application/json").await;
    assert_eq!(response.status(), 200);
    t.stop().await;
}

/// One request on a fresh connection; the status line, or `None` when nothing came `within`.
async fn status_line(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut buffer = vec![0u8; 256];
    let read = tokio::time::timeout(within, stream.read(&mut buffer)).await;
    match read {
        Ok(Ok(n)) if n > 0 => Some(
            String::from_utf8_lossy(&buffer[..n])
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        ),
        _ => None,
    }
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_others_close() {
    let t = TestInstance::start_with(&[
        ("TRELLIS_MAX_CONNECTIONS", "3"),
        ("TRELLIS_HEADER_READ_TIMEOUT_SECS", "30"),
    ])
    .await;
    let addr = t.running.as_ref().unwrap().addr;
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET /health HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    let request = b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let mut extra = TcpStream::connect(addr).await.unwrap();
    extra.write_all(request).await.unwrap();
    assert_eq!(
        status_line(&mut extra, Duration::from_millis(1_500)).await,
        None,
        "a fourth connection was served"
    );

    drop(held.pop());
    let line = status_line(&mut extra, WAIT)
        .await
        .expect("served once a slot is free");
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    drop(held);
    t.stop().await;
}

#[tokio::test]
async fn an_inbox_answers_429_to_a_host_over_its_rate() {
    let t = TestInstance::start_with(&[("TRELLIS_INBOX_RATE_PER_MINUTE", "3")]).await;
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "https://peer.example/activities/1",
        "type": "Like",
        "actor": "https://peer.example/users/mallory",
        "object": format!("{}/users/nobody/statuses/1", t.base),
    });
    let mut statuses = Vec::new();
    for path in ["/inbox", "/inbox", "/users/nobody/inbox", "/inbox"] {
        let response = t
            .client
            .post(format!("{}{path}", t.base))
            .header("content-type", "application/activity+json")
            .header(
                "signature",
                "keyId=\"https://peer.example/users/mallory#main-key\",signature=\"AAAA\"",
            )
            .body(activity.to_string())
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(retry_after(&response) >= 1);
            let body: Value = response.json().await.unwrap();
            assert!(body["error"].is_string(), "{body}");
        }
    }
    assert!(
        statuses[..3]
            .iter()
            .all(|s| *s != StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);

    // Other routes are not limited by it.
    let response = t.get("/health", "application/json").await;
    assert_eq!(response.status(), 200);
    t.stop().await;
}
