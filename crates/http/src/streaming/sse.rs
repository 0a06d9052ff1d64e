//! Server-sent events: one stream per request, `event:` and `data:` lines, `:thump` heartbeats.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::authenticate;
use super::channel::{self, Outgoing, StreamRequest, Subscription};
use crate::api::params::ApiQuery;
use crate::error::HttpError;
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
    let grant = authenticate(state, parts, None).await?;
    let reader = Reader::load(state, grant).await?;
    let subscription = stream.open(state, &reader).await?;
    let events = event_stream(state.clone(), reader, subscription);
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

/// The events of one subscription, until the instance shuts down.
fn event_stream(
    state: AppState,
    reader: Reader,
    subscription: Subscription,
) -> impl Stream<Item = Result<SseEvent, Infallible>> {
    let receiver = state.events().subscribe();
    let stopped = state.events().stopped();
    let subscriptions = vec![subscription];
    futures::stream::unfold(
        (state, reader, subscriptions, receiver, stopped),
        |(state, reader, subscriptions, mut receiver, mut stopped)| async move {
            loop {
                let received = tokio::select! {
                    received = receiver.recv() => received,
                    _ = super::until_stopped(&mut stopped) => return None,
                };
                match received {
                    Ok(event) => {
                        let outgoing =
                            channel::messages(&state, &reader, &subscriptions, &event).await;
                        // One subscription: at most one message per event.
                        if let Some(message) = outgoing.into_iter().next() {
                            let event = sse_event(message);
                            return Some((
                                Ok(event),
                                (state, reader, subscriptions, receiver, stopped),
                            ));
                        }
                    }
                    Err(RecvError::Lagged(skipped)) => {
                        tracing::warn!(
                            skipped,
                            "a streaming connection fell behind; events skipped"
                        );
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    )
}

fn sse_event(message: Outgoing) -> SseEvent {
    SseEvent::default()
        .event(message.event)
        .data(message.payload)
}
