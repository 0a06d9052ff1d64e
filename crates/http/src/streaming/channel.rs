//! Streams as the client API names them, shared by the WebSocket and the server-sent-event
//! endpoints: the request's parameters, the errors' statuses, and the messages rendered for the
//! connection's reader. Which stream carries which event to whom is the domain's
//! (`trellis_domain::services::streams`).

use axum::http::StatusCode;
use serde_json::json;

use crate::api::entities::{NotificationEntity, StatusEntity};
use crate::error::HttpError;
use trellis_domain::services::ServiceError;
use trellis_domain::services::events::{self, Event};
use trellis_domain::services::filters::{self, ActiveFilters, FilterContext};
use trellis_domain::services::streams::{self, Channel, Reader, StreamError};
use trellis_domain::state::AppState;
use trellis_storage::models::stream_event::StreamKind;

/// Most streams one WebSocket connection may subscribe to.
pub(crate) const MAX_SUBSCRIPTIONS: usize = 64;

/// The HTTP status of a stream error.
pub(crate) fn error_status(err: &StreamError) -> StatusCode {
    match err {
        StreamError::Unknown | StreamError::NotFound => StatusCode::NOT_FOUND,
        StreamError::Parameter(_) => StatusCode::UNPROCESSABLE_ENTITY,
        StreamError::Unauthorized => StatusCode::UNAUTHORIZED,
        StreamError::Forbidden => StatusCode::FORBIDDEN,
        StreamError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The WebSocket error message of a stream error.
pub(crate) fn error_json(err: &StreamError) -> String {
    json!({ "error": err.message(), "status": error_status(err).as_u16() }).to_string()
}

impl From<StreamError> for HttpError {
    fn from(err: StreamError) -> Self {
        HttpError::new(error_status(&err), err.message())
    }
}

/// An open stream: what it carries and the name its messages are labelled with.
#[derive(Clone, Debug)]
pub(crate) struct Subscription {
    channel: Channel,
    /// `["hashtag", "rust"]`, `["list", "123"]`, `["user"]`, ...
    pub name: Vec<String>,
}

/// A stream as a client names it: `stream`, and `tag` or `list` where needed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub(crate) struct StreamRequest {
    /// The stream name.
    #[serde(default)]
    pub stream: Option<String>,
    /// For hashtag streams.
    #[serde(default, deserialize_with = "crate::api::params::de::opt_string")]
    pub tag: Option<String>,
    /// For list streams.
    #[serde(default, deserialize_with = "crate::api::params::de::opt_string")]
    pub list: Option<String>,
}

impl StreamRequest {
    /// The label messages of this stream carry (also the key to unsubscribe with).
    pub(crate) fn name(&self) -> Result<Vec<String>, StreamError> {
        let stream = self.stream.as_deref().unwrap_or("").trim();
        let mut name = vec![stream.to_string()];
        match stream {
            "hashtag" | "hashtag:local" => name.push(streams::stream_tag(self.tag.as_deref())?),
            "list" => name.push(streams::stream_list_id(self.list.as_deref())?.to_string()),
            _ => {}
        }
        Ok(name)
    }

    /// Opens the stream for `reader`, checking its token and parameters.
    pub(crate) async fn open(
        &self,
        state: &AppState,
        reader: &Reader,
    ) -> Result<Subscription, StreamError> {
        let channel = streams::open_channel(
            state,
            reader,
            self.stream.as_deref().unwrap_or(""),
            self.tag.as_deref(),
            self.list.as_deref(),
        )
        .await?;
        Ok(Subscription {
            channel,
            name: self.name()?,
        })
    }
}

/// One message for a client: its stream label, event name and payload string.
#[derive(Clone, Debug)]
pub(crate) struct Outgoing {
    /// The stream label.
    pub stream: Vec<String>,
    /// `update`, `status.update`, `delete` or `notification`.
    pub event: &'static str,
    /// A JSON document as a string, or a post id for `delete`.
    pub payload: String,
}

impl Outgoing {
    /// The WebSocket text frame.
    pub(crate) fn json(&self) -> String {
        json!({ "stream": self.stream, "event": self.event, "payload": self.payload }).to_string()
    }
}

/// The filter context of what `channel` carries of `event` (none for direct messages).
fn filter_context(channel: &Channel, event: &Event) -> Option<FilterContext> {
    if event.kind == StreamKind::Notification {
        return Some(FilterContext::Notifications);
    }
    match channel {
        Channel::User { .. } | Channel::List { .. } => Some(FilterContext::Home),
        Channel::Public { .. } | Channel::Hashtag { .. } => Some(FilterContext::Public),
        Channel::UserNotification => Some(FilterContext::Notifications),
        Channel::Direct => None,
    }
}

/// The messages `event` produces on `subscriptions` for `reader` (none for most events). The
/// payload is rendered once per filter context, for the reader, and left out where one of the
/// reader's filters hides it.
pub(crate) async fn messages(
    state: &AppState,
    reader: &Reader,
    subscriptions: &[Subscription],
    event: &Event,
) -> Vec<Outgoing> {
    let mut carried: Vec<(Option<FilterContext>, Vec<String>)> = Vec::new();
    for subscription in subscriptions {
        if streams::carries(state, reader, &subscription.channel, event).await {
            let context = filter_context(&subscription.channel, event);
            carried.push((context, subscription.name.clone()));
        }
    }
    if carried.is_empty() {
        return Vec::new();
    }
    let filters = match reader.id() {
        Some(id) if event.kind != StreamKind::Delete => {
            match filters::loaded_for(state, id).await {
                Ok(filters) => filters,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read a reader's filters");
                    ActiveFilters::default()
                }
            }
        }
        _ => ActiveFilters::default(),
    };
    let mut rendered: Vec<(Option<FilterContext>, Option<String>)> = Vec::new();
    let mut out = Vec::new();
    for (context, stream) in carried {
        let payload = match rendered.iter().find(|(c, _)| *c == context) {
            Some((_, payload)) => payload.clone(),
            None => {
                let payload = match payload(state, reader, event, &filters, context).await {
                    Ok(payload) => payload,
                    Err(e) => {
                        tracing::warn!(error = %e, event = event.id, "could not render a stream event");
                        None
                    }
                };
                rendered.push((context, payload.clone()));
                payload
            }
        };
        if let Some(payload) = payload {
            out.push(Outgoing {
                stream,
                event: event.kind.as_str(),
                payload,
            });
        }
    }
    out
}

/// The payload of `event` for `reader` in `context`: none when a filter hides it.
async fn payload(
    state: &AppState,
    reader: &Reader,
    event: &Event,
    filters: &ActiveFilters,
    context: Option<FilterContext>,
) -> Result<Option<String>, ServiceError> {
    let render = |value: Result<String, serde_json::Error>| {
        value.map_err(|e| ServiceError::Internal(format!("serializing a stream event: {e}")))
    };
    let reader_id = reader.id().unwrap_or_default();
    Ok(match event.kind {
        StreamKind::Revoke => None,
        StreamKind::Delete => event.post_id.map(|id| id.to_string()),
        StreamKind::Update | StreamKind::StatusUpdate => match event.status.as_ref() {
            Some(view) => {
                let view = events::personalize(state, reader.id(), view).await?;
                let shown = match context {
                    Some(context) => {
                        filters::apply_to_statuses(filters, reader_id, context, vec![view]).pop()
                    }
                    None => Some(view),
                };
                match shown {
                    Some(view) => Some(render(serde_json::to_string(&StatusEntity::new(
                        state, &view,
                    )))?),
                    None => None,
                }
            }
            None => None,
        },
        StreamKind::Notification => match event.notification.as_ref() {
            Some(note) => {
                let mut note = note.clone();
                if let Some(status) = note.status.as_ref() {
                    note.status = Some(events::personalize(state, reader.id(), status).await?);
                }
                match filters::apply_to_notifications(filters, reader_id, vec![note]).pop() {
                    Some(note) => Some(render(serde_json::to_string(&NotificationEntity::new(
                        state, &note,
                    )))?),
                    None => None,
                }
            }
            None => None,
        },
    })
}
