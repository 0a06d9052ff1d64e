//! Streams (Mastodon's channel names), who may open them, and which events each one carries,
//! shared by the WebSocket and the server-sent-event endpoints.

use std::collections::HashSet;

use axum::http::StatusCode;
use serde_json::json;

use crate::db::models::Account;
use crate::db::models::post::Visibility;
use crate::db::models::stream_event::StreamKind;
use crate::http::api::entities::{NotificationEntity, StatusEntity};
use crate::http::error::HttpError;
use crate::services::events::{self, Event};
use crate::services::hydrate::StatusView;
use crate::services::oauth::Grant;
use crate::services::{ServiceError, visibility};
use crate::state::AppState;

/// Most streams one WebSocket connection may subscribe to.
pub const MAX_SUBSCRIPTIONS: usize = 64;

/// Who is reading: the token's person and scopes (none for anonymous public streams), and the
/// accounts they block or mute.
#[derive(Clone, Debug, Default)]
pub struct Reader {
    /// The token's grant, if a token was sent.
    pub grant: Option<Grant>,
    /// Accounts left out of public streams.
    pub silenced: HashSet<i64>,
}

impl Reader {
    /// A reader for `grant`, with the accounts they silence loaded.
    pub async fn load(state: &AppState, grant: Option<Grant>) -> Result<Self, HttpError> {
        let silenced = match grant.as_ref().and_then(|g| g.account.as_ref()) {
            Some(account) => events::silenced(state, account.id).await?,
            None => HashSet::new(),
        };
        Ok(Self { grant, silenced })
    }

    /// The reader's account id.
    pub fn id(&self) -> Option<i64> {
        self.account().map(|a| a.id)
    }

    fn account(&self) -> Option<&Account> {
        self.grant.as_ref().and_then(|g| g.account.as_ref())
    }

    fn allows(&self, scope: &str) -> bool {
        self.grant.as_ref().is_some_and(|g| g.scopes.allows(scope))
    }

    /// The reader's account when the token grants `scope`.
    fn person(&self, scope: &str) -> Result<i64, StreamError> {
        let grant = self.grant.as_ref().ok_or(StreamError::Unauthorized)?;
        if !grant.scopes.allows(scope) {
            return Err(StreamError::Forbidden);
        }
        grant
            .account
            .as_ref()
            .map(|a| a.id)
            .ok_or(StreamError::Unauthorized)
    }
}

/// Why a stream cannot be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamError {
    /// Not one of Mastodon's stream names.
    Unknown,
    /// A parameter the stream needs is missing or malformed.
    Parameter(&'static str),
    /// The stream needs a person's token.
    Unauthorized,
    /// The token lacks the scope the stream needs.
    Forbidden,
    /// The list does not exist or is someone else's.
    NotFound,
    /// The database failed.
    Internal,
}

impl StreamError {
    /// The message, as Mastodon's streaming server words it.
    pub fn message(&self) -> String {
        match self {
            Self::Unknown => "Unknown stream type".into(),
            Self::Parameter(name) => format!("Missing {name} parameter"),
            Self::Unauthorized => "Missing access token".into(),
            Self::Forbidden => "Access token does not have the required scopes".into(),
            Self::NotFound => "Not authorized to stream this list".into(),
            Self::Internal => "internal error".into(),
        }
    }

    /// The HTTP status of the same error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unknown | Self::NotFound => StatusCode::NOT_FOUND,
            Self::Parameter(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The WebSocket error message.
    pub fn json(&self) -> String {
        json!({ "error": self.message(), "status": self.status().as_u16() }).to_string()
    }
}

impl From<StreamError> for HttpError {
    fn from(err: StreamError) -> Self {
        HttpError::new(err.status(), err.message())
    }
}

/// What a stream carries.
#[derive(Clone, Debug)]
enum Channel {
    /// Home feed updates, the reader's notifications, deletes.
    User { notifications: bool },
    /// The reader's notifications only.
    UserNotification,
    /// Public posts, optionally only local or only remote ones.
    Public { local: Option<bool> },
    /// Public posts with a hashtag (lower case), optionally only local ones.
    Hashtag { tag: String, local_only: bool },
    /// Posts by the members of one of the reader's lists.
    List { members: HashSet<i64> },
    /// Direct posts to or from the reader.
    Direct,
}

/// An open stream: what it carries and the name its messages are labelled with.
#[derive(Clone, Debug)]
pub struct Subscription {
    channel: Channel,
    /// `["hashtag", "rust"]`, `["list", "123"]`, `["user"]`, ...
    pub name: Vec<String>,
}

/// A stream as a client names it: `stream`, and `tag` or `list` where needed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct StreamRequest {
    /// The stream name.
    #[serde(default)]
    pub stream: Option<String>,
    /// For hashtag streams.
    #[serde(default, deserialize_with = "crate::http::api::params::de::opt_string")]
    pub tag: Option<String>,
    /// For list streams.
    #[serde(default, deserialize_with = "crate::http::api::params::de::opt_string")]
    pub list: Option<String>,
}

impl StreamRequest {
    /// The label messages of this stream carry (also the key to unsubscribe with).
    pub fn name(&self) -> Result<Vec<String>, StreamError> {
        let stream = self.stream.as_deref().unwrap_or("").trim();
        let mut name = vec![stream.to_string()];
        match stream {
            "hashtag" | "hashtag:local" => name.push(self.tag()?),
            "list" => name.push(self.list_id()?.to_string()),
            _ => {}
        }
        Ok(name)
    }

    fn tag(&self) -> Result<String, StreamError> {
        let tag = self
            .tag
            .as_deref()
            .unwrap_or("")
            .trim()
            .trim_start_matches('#');
        if tag.is_empty() {
            return Err(StreamError::Parameter("tag"));
        }
        Ok(tag.to_string())
    }

    fn list_id(&self) -> Result<i64, StreamError> {
        self.list
            .as_deref()
            .and_then(|l| l.trim().parse().ok())
            .ok_or(StreamError::Parameter("list"))
    }

    /// Opens the stream for `reader`, checking its token and parameters.
    pub async fn open(
        &self,
        state: &AppState,
        reader: &Reader,
    ) -> Result<Subscription, StreamError> {
        let channel = match self.stream.as_deref().unwrap_or("").trim() {
            "user" => {
                reader.person("read:statuses")?;
                Channel::User {
                    notifications: reader.allows("read:notifications"),
                }
            }
            "user:notification" => {
                reader.person("read:notifications")?;
                Channel::UserNotification
            }
            "public" => Channel::Public { local: None },
            "public:local" => Channel::Public { local: Some(true) },
            "public:remote" => Channel::Public { local: Some(false) },
            "hashtag" => Channel::Hashtag {
                tag: self.tag()?.to_lowercase(),
                local_only: false,
            },
            "hashtag:local" => Channel::Hashtag {
                tag: self.tag()?.to_lowercase(),
                local_only: true,
            },
            "list" => {
                let owner = reader.person("read:lists")?;
                let list = self.list_id()?;
                let members =
                    events::list_members(state, owner, list)
                        .await
                        .map_err(|e| match e {
                            ServiceError::NotFound(_) => StreamError::NotFound,
                            _ => StreamError::Internal,
                        })?;
                Channel::List { members }
            }
            "direct" => {
                reader.person("read:statuses")?;
                Channel::Direct
            }
            _ => return Err(StreamError::Unknown),
        };
        Ok(Subscription {
            channel,
            name: self.name()?,
        })
    }
}

/// One message for a client: its stream label, event name and payload string.
#[derive(Clone, Debug)]
pub struct Outgoing {
    /// The stream label.
    pub stream: Vec<String>,
    /// `update`, `status.update`, `delete` or `notification`.
    pub event: &'static str,
    /// A JSON document as a string, or a post id for `delete`.
    pub payload: String,
}

impl Outgoing {
    /// The WebSocket text frame.
    pub fn json(&self) -> String {
        json!({ "stream": self.stream, "event": self.event, "payload": self.payload }).to_string()
    }
}

/// Whether a subscription carries an event, before checks that need the database.
enum Verdict {
    No,
    Yes,
    /// Yes, if the reader may see the post.
    IfVisible,
}

/// The messages `event` produces on `subscriptions` for `reader` (none for most events). The
/// payload is rendered once, for the reader.
pub async fn messages(
    state: &AppState,
    reader: &Reader,
    subscriptions: &[Subscription],
    event: &Event,
) -> Vec<Outgoing> {
    let mut names = Vec::new();
    for subscription in subscriptions {
        let carried = match verdict(&subscription.channel, reader, event) {
            Verdict::No => false,
            Verdict::Yes => true,
            Verdict::IfVisible => match event.status.as_ref() {
                Some(view) => visible(state, reader, view).await,
                None => false,
            },
        };
        if carried {
            names.push(subscription.name.clone());
        }
    }
    if names.is_empty() {
        return Vec::new();
    }
    let payload = match payload(state, reader, event).await {
        Ok(Some(payload)) => payload,
        Ok(None) => return Vec::new(),
        Err(e) => {
            tracing::warn!(error = %e, event = event.id, "could not render a stream event");
            return Vec::new();
        }
    };
    names
        .into_iter()
        .map(|stream| Outgoing {
            stream,
            event: event.kind.as_str(),
            payload: payload.clone(),
        })
        .collect()
}

async fn visible(state: &AppState, reader: &Reader, view: &StatusView) -> bool {
    visibility::ensure_visible(state, &view.post, reader.id())
        .await
        .is_ok()
}

fn verdict(channel: &Channel, reader: &Reader, event: &Event) -> Verdict {
    let yes = |b: bool| if b { Verdict::Yes } else { Verdict::No };
    let me = reader.id();
    match event.kind {
        StreamKind::Revoke => Verdict::No,
        StreamKind::Delete => yes(!matches!(channel, Channel::UserNotification)),
        StreamKind::Notification => yes(match channel {
            Channel::User { notifications } => *notifications && event.recipient() == me,
            Channel::UserNotification => event.recipient() == me,
            _ => false,
        }),
        StreamKind::Update | StreamKind::StatusUpdate => {
            let Some(view) = event.status.as_ref() else {
                return Verdict::No;
            };
            let in_home = me.is_some_and(|id| event.in_home_of(id));
            match channel {
                Channel::User { .. } => yes(in_home),
                Channel::UserNotification => Verdict::No,
                Channel::Public { local } => yes(is_public_original(view)
                    && local.is_none_or(|l| view.post.local == l)
                    && !silenced(reader, view)),
                Channel::Hashtag { tag, local_only } => yes(is_public_original(view)
                    && (!local_only || view.post.local)
                    && view.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
                    && !silenced(reader, view)),
                Channel::List { members } => {
                    if !members.contains(&view.post.account_id)
                        || view.post.visibility() == Visibility::Direct
                        || silenced(reader, view)
                    {
                        Verdict::No
                    } else if in_home || view.post.visibility().is_world_readable() {
                        Verdict::Yes
                    } else {
                        Verdict::IfVisible
                    }
                }
                Channel::Direct => yes(in_home && view.post.visibility() == Visibility::Direct),
            }
        }
    }
}

/// A public post that is not a boost.
fn is_public_original(view: &StatusView) -> bool {
    view.post.reblog_of_id.is_none() && view.post.visibility() == Visibility::Public
}

/// The post's author (or the boosted post's author) is blocked or muted by the reader.
fn silenced(reader: &Reader, view: &StatusView) -> bool {
    reader.silenced.contains(&view.post.account_id)
        || view
            .reblog
            .as_ref()
            .is_some_and(|inner| reader.silenced.contains(&inner.post.account_id))
}

/// The payload of `event` for `reader`.
async fn payload(
    state: &AppState,
    reader: &Reader,
    event: &Event,
) -> Result<Option<String>, ServiceError> {
    let render = |value: Result<String, serde_json::Error>| {
        value.map_err(|e| ServiceError::Internal(format!("serializing a stream event: {e}")))
    };
    Ok(match event.kind {
        StreamKind::Revoke => None,
        StreamKind::Delete => event.post_id.map(|id| id.to_string()),
        StreamKind::Update | StreamKind::StatusUpdate => match event.status.as_ref() {
            Some(view) => {
                let view = events::personalize(state, reader.id(), view).await?;
                Some(render(serde_json::to_string(&StatusEntity::new(
                    state, &view,
                )))?)
            }
            None => None,
        },
        StreamKind::Notification => match event.notification.as_ref() {
            Some(note) => {
                let mut note = note.clone();
                if let Some(status) = note.status.as_ref() {
                    note.status = Some(events::personalize(state, reader.id(), status).await?);
                }
                Some(render(serde_json::to_string(&NotificationEntity::new(
                    state, &note,
                )))?)
            }
            None => None,
        },
    })
}
