//! The WebSocket `/api/v1/streaming`: an optional initial stream from the query, then
//! `subscribe` / `unsubscribe` messages on the same connection.

use std::time::Duration;

use std::sync::Arc;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use super::channel::{MAX_SUBSCRIPTIONS, StreamRequest, Subscription, error_json};
use super::{RECHECK_EVERY, authenticate, sse, still_authorized};
use crate::api::params::ApiQuery;
use crate::error::HttpError;
use trellis_domain::services::events::Event;
use trellis_domain::services::streams::Reader;
use trellis_domain::state::AppState;

/// How often the server pings an idle connection.
pub(super) const PING_EVERY: Duration = Duration::from_secs(30);
/// How long one write may wait for a client that does not read.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);
/// Largest message a client may send.
const MAX_CLIENT_MESSAGE: usize = 16 * 1024;

/// `GET /api/v1/streaming`: a WebSocket upgrade, or (without one) the server-sent events of
/// the `stream` parameter.
pub(super) async fn handler(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, HttpError> {
    let (mut parts, _body) = request.into_parts();
    let ApiQuery(request) =
        ApiQuery::<StreamRequest>::from_request_parts(&mut parts, &state).await?;
    let upgrade = WebSocketUpgrade::from_request_parts(&mut parts, &state).await;
    let protocol = parts
        .headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').map(str::trim).find(|p| !p.is_empty()))
        .map(str::to_string);
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) if request.stream.is_none() => {
            return Err(HttpError::new(rejection.status(), rejection.body_text()));
        }
        Err(_) => return sse::respond(&state, &parts, request).await,
    };
    // Before the token is read: a revocation committed after the read still arrives.
    let events = state.events().subscribe();
    let grant = authenticate(&state, &parts, protocol.as_deref()).await?;
    let reader = Reader::load(&state, grant).await?;
    let mut response = upgrade
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| run(state, socket, reader, request, events))
        .into_response();
    // masto.js sends the token as the subprotocol and fails unless it is echoed.
    if let Some(value) = protocol.and_then(|p| HeaderValue::from_str(&p).ok()) {
        response
            .headers_mut()
            .insert(header::SEC_WEBSOCKET_PROTOCOL, value);
    }
    Ok(response)
}

/// A client message.
#[derive(Debug, Deserialize)]
struct ClientMessage {
    #[serde(rename = "type")]
    kind: String,
    #[serde(flatten)]
    stream: StreamRequest,
}

/// One connection: forwards matching events, handles subscriptions, pings, and ends on close,
/// on a client that stops reading, when its token no longer holds, or when the instance
/// shuts down.
async fn run(
    state: AppState,
    mut socket: WebSocket,
    reader: Reader,
    initial: StreamRequest,
    mut events: Receiver<Arc<Event>>,
) {
    let mut stopped = state.events().stopped();
    let mut subscriptions: Vec<Subscription> = Vec::new();
    if initial.stream.is_some()
        && let Some(error) = subscribe(&state, &reader, &mut subscriptions, &initial).await
        && !send(&mut socket, error).await
    {
        return;
    }
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    let mut recheck =
        tokio::time::interval_at(tokio::time::Instant::now() + RECHECK_EVERY, RECHECK_EVERY);
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if let Some(reply) = handle(&state, &reader, &mut subscriptions, &text).await
                        && !send(&mut socket, reply).await
                    {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            received = events.recv() => match received {
                Ok(event) if event.revokes(reader.id()) => {
                    if !still_authorized(&state, &reader).await {
                        close(&mut socket).await;
                        break;
                    }
                }
                Ok(event) => {
                    let outgoing =
                        super::channel::messages(&state, &reader, &subscriptions, &event).await;
                    let mut open = true;
                    for message in outgoing {
                        if !send(&mut socket, message.json()).await {
                            open = false;
                            break;
                        }
                    }
                    if !open {
                        break;
                    }
                }
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "a streaming connection fell behind; events skipped");
                    if !still_authorized(&state, &reader).await {
                        close(&mut socket).await;
                        break;
                    }
                }
                Err(RecvError::Closed) => break,
            },
            _ = recheck.tick() => {
                if !still_authorized(&state, &reader).await {
                    close(&mut socket).await;
                    break;
                }
            }
            _ = ping.tick() => {
                if !send_message(&mut socket, Message::Ping(Default::default())).await {
                    break;
                }
            }
            _ = super::until_stopped(&mut stopped) => {
                let _ = send_message(&mut socket, Message::Close(None)).await;
                break;
            }
        }
    }
}

/// Handles a client message; returns an error message to send back, if any.
async fn handle(
    state: &AppState,
    reader: &Reader,
    subscriptions: &mut Vec<Subscription>,
    text: &str,
) -> Option<String> {
    let Ok(message) = serde_json::from_str::<ClientMessage>(text) else {
        tracing::debug!("ignoring a malformed streaming message");
        return None;
    };
    match message.kind.as_str() {
        "subscribe" => subscribe(state, reader, subscriptions, &message.stream).await,
        "unsubscribe" => {
            if let Ok(name) = message.stream.name() {
                subscriptions.retain(|s| s.name != name);
            }
            None
        }
        _ => None,
    }
}

/// Adds a subscription; returns the error message when it cannot be opened.
async fn subscribe(
    state: &AppState,
    reader: &Reader,
    subscriptions: &mut Vec<Subscription>,
    request: &StreamRequest,
) -> Option<String> {
    if let Ok(name) = request.name()
        && subscriptions.iter().any(|s| s.name == name)
    {
        return None;
    }
    if subscriptions.len() >= MAX_SUBSCRIPTIONS {
        return Some(
            serde_json::json!({ "error": "Too many subscriptions", "status": 429 }).to_string(),
        );
    }
    match request.open(state, reader).await {
        Ok(subscription) => {
            subscriptions.push(subscription);
            None
        }
        Err(e) => Some(error_json(&e)),
    }
}

/// Tells the client the stream is over because its token no longer holds.
async fn close(socket: &mut WebSocket) {
    let frame = CloseFrame {
        code: close_code::POLICY,
        reason: Utf8Bytes::from_static("access token revoked"),
    };
    let _ = send_message(socket, Message::Close(Some(frame))).await;
}

async fn send(socket: &mut WebSocket, text: String) -> bool {
    send_message(socket, Message::Text(Utf8Bytes::from(text))).await
}

/// Sends one frame; false when the client is gone or has not read for [`SEND_TIMEOUT`].
async fn send_message(socket: &mut WebSocket, message: Message) -> bool {
    matches!(
        tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await,
        Ok(Ok(()))
    )
}
