//! Server-sent events: one stream per request, `event:` and `data:` lines, `:thump` heartbeats.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use std::sync::Arc;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

use super::channel::{self, Outgoing, StreamRequest, Subscription};
use super::{RECHECK_EVERY, authenticate, still_authorized};
use crate::api::params::ApiQuery;
use crate::error::HttpError;
use trellis_domain::services::events::Event;
use trellis_domain::services::streams::Reader;
use trellis_domain::state::AppState;

/// How often an idle stream sends a heartbeat comment.
const HEARTBEAT: Duration = Duration::from_secs(30);

/// A server-sent-event endpoint for the stream `name` (`tag` and `list` from the query).
pub(super) async fn named(state: AppState, request: Request, name: &'static str) -> Response {
    let (mut parts, _body) = request.into_parts();
    let outcome = async {
        let ApiQuery(mut stream) =
            ApiQuery::<StreamRequest>::from_request_parts(&mut parts, &state).await?;
        stream.stream = Some(name.to_string());
        respond(&state, &parts, stream).await
    };
    outcome.await.unwrap_or_else(IntoResponse::into_response)
}

/// Opens `stream` for the request's token and answers with its event stream.
pub(super) async fn respond(
    state: &AppState,
    parts: &Parts,
    stream: StreamRequest,
) -> Result<Response, HttpError> {
    // Before the token is read: a revocation committed after the read still arrives.
    let receiver = state.events().subscribe();
    let grant = authenticate(state, parts, None).await?;
    let reader = Reader::load(state, grant).await?;
    let subscription = stream.open(state, &reader).await?;
    let events = event_stream(state.clone(), reader, subscription, receiver);
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(HEARTBEAT).text("thump"))
        .into_response();
    // Proxies must pass events through as they come.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// What one event stream holds between events.
struct Open {
    state: AppState,
    reader: Reader,
    subscriptions: Vec<Subscription>,
    receiver: Receiver<Arc<Event>>,
    stopped: watch::Receiver<bool>,
    recheck: tokio::time::Interval,
}

/// The events of one subscription, until its token no longer holds or the instance shuts
/// down.
fn event_stream(
    state: AppState,
    reader: Reader,
    subscription: Subscription,
    receiver: Receiver<Arc<Event>>,
) -> impl Stream<Item = Result<SseEvent, Infallible>> {
    let open = Open {
        stopped: state.events().stopped(),
        state,
        reader,
        subscriptions: vec![subscription],
        receiver,
        recheck: tokio::time::interval_at(
            tokio::time::Instant::now() + RECHECK_EVERY,
            RECHECK_EVERY,
        ),
    };
    futures::stream::unfold(open, |mut open| async move {
        loop {
            let received = tokio::select! {
                received = open.receiver.recv() => received,
                _ = open.recheck.tick() => {
                    if !still_authorized(&open.state, &open.reader).await {
                        return None;
                    }
                    continue;
                }
                _ = super::until_stopped(&mut open.stopped) => return None,
            };
            match received {
                Ok(event) if event.revokes(open.reader.id()) => {
                    if !still_authorized(&open.state, &open.reader).await {
                        return None;
                    }
                }
                Ok(event) => {
                    let outgoing =
                        channel::messages(&open.state, &open.reader, &open.subscriptions, &event)
                            .await;
                    // One subscription: at most one message per event.
                    if let Some(message) = outgoing.into_iter().next() {
                        return Some((Ok(sse_event(message)), open));
                    }
                }
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(
                        skipped,
                        "a streaming connection fell behind; events skipped"
                    );
                    if !still_authorized(&open.state, &open.reader).await {
                        return None;
                    }
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
}

fn sse_event(message: Outgoing) -> SseEvent {
    SseEvent::default()
        .event(message.event)
        .data(message.payload)
}
