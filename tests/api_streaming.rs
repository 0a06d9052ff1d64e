//! Streaming: the WebSocket with subscribe/unsubscribe, the server-sent-event endpoints, who
//! may open which stream, and that hidden posts never reach a stream.

use crate::common;

use std::time::Duration;

use common::TestInstance;
use diesel::prelude::*;
use futures::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for an expected message.
const WAIT: Duration = Duration::from_secs(15);

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn ws_url(t: &TestInstance, query: &str) -> String {
    let addr = t.running.as_ref().unwrap().addr;
    format!("ws://{addr}/api/v1/streaming{query}")
}

/// Opens a WebSocket with the token as the subprotocol, as masto.js does.
async fn connect_with_protocol(t: &TestInstance, query: &str, token: &str) -> Socket {
    let mut request = ws_url(t, query).into_client_request().unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", token.parse().unwrap());
    // The client itself refuses a handshake that does not echo the subprotocol.
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("handshake");
    assert_eq!(
        response.headers()["sec-websocket-protocol"]
            .to_str()
            .unwrap(),
        token
    );
    socket
}

pub(crate) async fn connect(t: &TestInstance, query: &str) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(ws_url(t, query))
        .await
        .expect("handshake");
    socket
}

/// The next JSON text message (pings are skipped), within [`WAIT`].
pub(crate) async fn next_message(socket: &mut Socket) -> Value {
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

/// The payload of a message, parsed.
pub(crate) fn payload(message: &Value) -> Value {
    serde_json::from_str(message["payload"].as_str().unwrap()).unwrap()
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

#[tokio::test]
async fn websocket_user_stream_subscriptions_and_deletes() {
    let t = TestInstance::start_with_internal().await;
    for user in ["alice", "bob", "carol"] {
        t.create_user(user, |_| {}).await;
    }
    t.follow_as("alice", "bob").await;
    let token = t.token("alice", "read").await;
    let mut socket = connect_with_protocol(&t, "?stream=user", &token).await;

    // The reader's own post is in their home feed.
    let mine = t.post_as("alice", "something to like", "public").await;
    let message = next_message(&mut socket).await;
    assert_eq!(message["event"], "update");
    assert_eq!(payload(&message)["id"], mine["id"]);

    // A followed account's new post.
    let hello = t.post_as("bob", "hello followers", "private").await;
    let message = next_message(&mut socket).await;
    assert_eq!(message["event"], "update");
    assert_eq!(message["stream"], json!(["user"]));
    let status = payload(&message);
    assert_eq!(status["id"], hello["id"]);
    assert_eq!(status["account"]["username"], "bob");
    assert_eq!(status["visibility"], "private");
    assert!(
        status["content"]
            .as_str()
            .unwrap()
            .contains("hello followers")
    );

    // A like of the reader's post.
    t.act_as("carol", "like", json!({ "object": mine["uri"] }))
        .await;
    let message = next_message(&mut socket).await;
    assert_eq!(message["event"], "notification");
    assert_eq!(message["stream"], json!(["user"]));
    let notification = payload(&message);
    assert_eq!(notification["type"], "favourite");
    assert_eq!(notification["account"]["username"], "carol");
    assert_eq!(notification["status"]["id"], mine["id"]);

    // A hashtag on the same connection.
    send(
        &mut socket,
        json!({ "type": "subscribe", "stream": "hashtag", "tag": "Rust" }),
    )
    .await;
    let tagged = t.post_as("carol", "learning #rust today", "public").await;
    let message = next_message(&mut socket).await;
    assert_eq!(message["event"], "update");
    assert_eq!(message["stream"], json!(["hashtag", "Rust"]));
    assert_eq!(payload(&message)["id"], tagged["id"]);

    // After unsubscribing, the next tagged post is not sent: the followed account's post that
    // comes after it is the next message.
    send(
        &mut socket,
        json!({ "type": "unsubscribe", "stream": "hashtag", "tag": "Rust" }),
    )
    .await;
    t.post_as("carol", "more #rust", "public").await;
    let marker = t.post_as("bob", "after the tag", "public").await;
    let message = next_message(&mut socket).await;
    assert_eq!(message["stream"], json!(["user"]));
    assert_eq!(payload(&message)["id"], marker["id"]);

    // Deleting the post streams its id.
    t.internal(
        Method::DELETE,
        &format!("/users/bob/posts/{}", hello["id"].as_str().unwrap()),
        json!({}),
    )
    .await;
    let message = next_message(&mut socket).await;
    assert_eq!(message["event"], "delete");
    assert_eq!(message["payload"], hello["id"]);
    t.stop().await;
}

#[tokio::test]
async fn public_local_never_carries_followers_only_posts() {
    let t = TestInstance::start_with_internal().await;
    t.create_user("bob", |_| {}).await;
    let mut socket = connect(&t, "?stream=public:local").await;
    t.post_as("bob", "for my followers", "private").await;
    t.post_as("bob", "quietly public", "unlisted").await;
    let open = t.post_as("bob", "for everyone", "public").await;
    let message = next_message(&mut socket).await;
    assert_eq!(message["event"], "update");
    assert_eq!(message["stream"], json!(["public:local"]));
    let status = payload(&message);
    assert_eq!(status["id"], open["id"]);
    assert_eq!(status["favourited"], false);
    t.stop().await;
}

#[tokio::test]
async fn list_stream_carries_only_members() {
    let t = TestInstance::start_with_internal().await;
    for user in ["alice", "bob", "carol"] {
        t.create_user(user, |_| {}).await;
    }
    t.follow_as("alice", "bob").await;
    t.follow_as("alice", "carol").await;
    let state = t.state().clone();
    let alice = trellis::services::accounts::find(&state, "alice")
        .await
        .unwrap()
        .account
        .id;
    let bob = trellis::services::accounts::find(&state, "bob")
        .await
        .unwrap()
        .account
        .id;
    let list_id = state.ids().next_id();
    state
        .db()
        .write(move |conn| {
            use trellis::db::schema::{list_accounts, lists};
            diesel::insert_into(lists::table)
                .values((
                    lists::id.eq(list_id),
                    lists::account_id.eq(alice),
                    lists::title.eq("bob only"),
                    lists::created_at.eq(chrono::Utc::now().naive_utc()),
                ))
                .execute(conn)?;
            diesel::insert_into(list_accounts::table)
                .values((
                    list_accounts::list_id.eq(list_id),
                    list_accounts::account_id.eq(bob),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let token = t.token("alice", "read").await;
    let mut socket = connect(
        &t,
        &format!("?stream=list&list={list_id}&access_token={token}"),
    )
    .await;
    t.post_as("carol", "not in the list", "public").await;
    let member = t.post_as("bob", "in the list", "private").await;
    let message = next_message(&mut socket).await;
    assert_eq!(message["stream"], json!(["list", list_id.to_string()]));
    assert_eq!(payload(&message)["id"], member["id"]);

    // Someone else's list cannot be streamed.
    let carol = t.token("carol", "read").await;
    let response = t
        .client
        .get(format!("{}/api/v1/streaming/list?list={list_id}", t.base))
        .bearer_auth(&carol)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    t.stop().await;
}

/// Reads server-sent events from a response.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    /// The next `(event, data)` pair, within [`WAIT`] (comments are skipped).
    async fn next(&mut self) -> (String, String) {
        tokio::time::timeout(WAIT, async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let mut event = String::new();
                    let mut data = String::new();
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            event = v.trim().to_string();
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data.push_str(v.trim_start());
                        }
                    }
                    if !event.is_empty() {
                        return (event, data);
                    }
                    continue;
                }
                let chunk = self
                    .response
                    .chunk()
                    .await
                    .expect("stream readable")
                    .expect("stream still open");
                self.buffer.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
        .expect("an event within the time limit")
    }
}

async fn sse(t: &TestInstance, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = t.client.get(format!("{}{path}", t.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn server_sent_events() {
    let t = TestInstance::start_with_internal().await;
    for user in ["alice", "bob"] {
        t.create_user(user, |_| {}).await;
    }
    let health = t.get("/api/v1/streaming/health", "*/*").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "OK");

    let response = sse(&t, "/api/v1/streaming/public", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut public = Events {
        response,
        buffer: String::new(),
    };
    let token = t.token("alice", "read").await;
    let response = sse(&t, "/api/v1/streaming/user/notification", Some(&token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut notifications = Events {
        response,
        buffer: String::new(),
    };
    let response = sse(
        &t,
        &format!("/api/v1/streaming/hashtag/local?tag=news&access_token={token}"),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut hashtag = Events {
        response,
        buffer: String::new(),
    };

    t.post_as("bob", "not public", "private").await;
    let open = t.post_as("bob", "public #news", "public").await;
    let (event, data) = public.next().await;
    assert_eq!(event, "update");
    let status: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(status["id"], open["id"]);
    let (event, data) = hashtag.next().await;
    assert_eq!(event, "update");
    assert_eq!(
        serde_json::from_str::<Value>(&data).unwrap()["id"],
        open["id"]
    );

    t.follow_as("bob", "alice").await;
    let (event, data) = notifications.next().await;
    assert_eq!(event, "notification");
    let notification: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(notification["type"], "follow");
    assert_eq!(notification["account"]["username"], "bob");

    // The stream ends when the instance stops.
    t.stop().await;
    let ended = tokio::time::timeout(WAIT, async {
        loop {
            match public.response.chunk().await {
                Ok(Some(_)) => continue,
                _ => return,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the event stream ends at shutdown");
}

#[tokio::test]
async fn who_may_open_which_stream() {
    let t = TestInstance::start_with_internal().await;
    t.create_user("alice", |_| {}).await;
    let read = t.token("alice", "read").await;
    let no_scope = t.token("alice", "read:accounts").await;

    // Server-sent events: the HTTP status tells.
    for path in [
        "/api/v1/streaming/user",
        "/api/v1/streaming/user/notification",
        "/api/v1/streaming/direct",
        "/api/v1/streaming/list?list=1",
    ] {
        assert_eq!(
            sse(&t, path, None).await.status(),
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
        assert_eq!(
            sse(&t, path, Some("not-a-token")).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            sse(&t, path, Some(&no_scope)).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        sse(&t, "/api/v1/streaming/public", Some("not-a-token"))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    for path in [
        "/api/v1/streaming/hashtag",
        "/api/v1/streaming/hashtag?tag=",
        "/api/v1/streaming/list?list=abc",
    ] {
        let response = sse(&t, path, Some(&read)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
        assert!(response.json::<Value>().await.unwrap()["error"].is_string());
    }
    assert_eq!(
        sse(&t, "/api/v1/streaming/list?list=12345", Some(&read))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // WebSocket: an invalid token is refused at the handshake.
    let refused = tokio_tungstenite::connect_async(ws_url(&t, "?access_token=not-a-token")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED)
        }
        other => panic!("expected a 401 handshake, got {other:?}"),
    }
    // A plain GET without a stream is not a WebSocket.
    let plain = t
        .client
        .get(format!("{}/api/v1/streaming", t.base))
        .send()
        .await
        .unwrap();
    assert!(plain.status().is_client_error());

    // Errors on an open WebSocket are messages.
    let mut anonymous = connect(&t, "?stream=user").await;
    assert_eq!(next_message(&mut anonymous).await["status"], 401);
    send(
        &mut anonymous,
        json!({ "type": "subscribe", "stream": "nonsense" }),
    )
    .await;
    assert_eq!(
        next_message(&mut anonymous).await["error"],
        "Unknown stream type"
    );
    let mut scoped = connect_with_protocol(&t, "?stream=user:notification", &no_scope).await;
    assert_eq!(next_message(&mut scoped).await["status"], 403);
    send(
        &mut scoped,
        json!({ "type": "subscribe", "stream": "hashtag" }),
    )
    .await;
    assert_eq!(next_message(&mut scoped).await["status"], 422);
    t.stop().await;
}

type Broadcast = tokio::sync::broadcast::Receiver<std::sync::Arc<trellis::services::events::Event>>;

/// The next broadcast event, within [`WAIT`].
async fn next_event(events: &mut Broadcast) -> std::sync::Arc<trellis::services::events::Event> {
    tokio::time::timeout(WAIT, events.recv())
        .await
        .expect("an event within the time limit")
        .expect("the channel is open")
}

/// Inserts a `delete` stream event with an explicit id, as a transaction that took its id
/// earlier but committed later leaves it.
async fn insert_event(t: &TestInstance, id: i64, post_id: i64) {
    use trellis::db::models::stream_event::StreamEvent;
    let state = t.state().clone();
    state
        .db()
        .write(move |conn| {
            diesel::insert_into(trellis::db::schema::stream_events::table)
                .values(&StreamEvent {
                    id,
                    kind: trellis::db::models::stream_event::StreamKind::Delete,
                    post_id: Some(post_id),
                    account_id: None,
                    notification_id: None,
                    created_at: chrono::Utc::now().naive_utc(),
                })
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn events_committed_late_are_streamed_once() {
    let t = TestInstance::start_with_internal().await;
    t.create_user("bob", |_| {}).await;
    let mut events = t.state().events().subscribe();
    let first = t.post_as("bob", "first", "public").await;
    let first_id: i64 = first["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(next_event(&mut events).await.post_id, Some(first_id));
    // Ids below the newest event already read (the post's event comes right after the post).
    insert_event(&t, first_id - 2000, 7).await;
    assert_eq!(next_event(&mut events).await.post_id, Some(7));
    insert_event(&t, first_id - 1000, 8).await;
    assert_eq!(
        next_event(&mut events).await.post_id,
        Some(8),
        "the earlier late event is not sent again"
    );
    t.stop().await;
}
