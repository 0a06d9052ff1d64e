//! Streams (Mastodon's channel names): who may open which, and which events each one carries
//! for its reader. The HTTP layer parses the request and renders the messages.

use std::collections::HashSet;

use trellis_storage::models::Account;
use trellis_storage::models::post::Visibility;
use trellis_storage::models::stream_event::StreamKind;

use super::events::{self, Event};
use super::hydrate::StatusView;
use super::oauth::Grant;
use super::{ServiceError, visibility};
use crate::state::AppState;

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
    pub async fn load(state: &AppState, grant: Option<Grant>) -> Result<Self, ServiceError> {
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
}

/// What a stream carries.
#[derive(Clone, Debug)]
pub enum Channel {
    /// Home feed updates, the reader's notifications, deletes.
    User {
        /// Whether the reader's notifications come too.
        notifications: bool,
    },
    /// The reader's notifications only.
    UserNotification,
    /// Public posts, optionally only local or only remote ones.
    Public {
        /// Only local (true) or only remote (false) posts.
        local: Option<bool>,
    },
    /// Public posts with a hashtag (lower case), optionally only local ones.
    Hashtag {
        /// The tag, lower case.
        tag: String,
        /// Only local posts.
        local_only: bool,
    },
    /// Posts by the members of one of the reader's lists.
    List {
        /// The list's members.
        members: HashSet<i64>,
    },
    /// Direct posts to or from the reader.
    Direct,
}

/// The `tag` parameter of a hashtag stream, without `#`.
pub fn stream_tag(raw: Option<&str>) -> Result<String, StreamError> {
    let tag = raw.unwrap_or("").trim().trim_start_matches('#');
    if tag.is_empty() {
        return Err(StreamError::Parameter("tag"));
    }
    Ok(tag.to_string())
}

/// The `list` parameter of a list stream.
pub fn stream_list_id(raw: Option<&str>) -> Result<i64, StreamError> {
    raw.and_then(|l| l.trim().parse().ok())
        .ok_or(StreamError::Parameter("list"))
}

/// Opens the stream named `stream` for `reader`, checking its token's scopes and the
/// stream's parameters (`tag`, `list`).
pub async fn open_channel(
    state: &AppState,
    reader: &Reader,
    stream: &str,
    tag: Option<&str>,
    list: Option<&str>,
) -> Result<Channel, StreamError> {
    Ok(match stream.trim() {
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
            tag: stream_tag(tag)?.to_lowercase(),
            local_only: false,
        },
        "hashtag:local" => Channel::Hashtag {
            tag: stream_tag(tag)?.to_lowercase(),
            local_only: true,
        },
        "list" => {
            let owner = reader.person("read:lists")?;
            let list = stream_list_id(list)?;
            let members = events::list_members(state, owner, list)
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
    })
}

/// Whether a channel carries an event, before checks that need the database.
enum Verdict {
    No,
    Yes,
    /// Yes, if the reader may see the post.
    IfVisible,
}

/// Whether `channel` carries `event` to `reader`: who may see what, on streams.
pub async fn carries(state: &AppState, reader: &Reader, channel: &Channel, event: &Event) -> bool {
    match verdict(channel, reader, event) {
        Verdict::No => false,
        Verdict::Yes => true,
        Verdict::IfVisible => match event.status.as_ref() {
            Some(view) => visible(state, reader, view).await,
            None => false,
        },
    }
}

async fn visible(state: &AppState, reader: &Reader, view: &StatusView) -> bool {
    visibility::ensure_visible(state.db(), &view.post, reader.id())
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
            if view.account.account.suspended_at.is_some() {
                return Verdict::No;
            }
            let author_silenced = view.account.account.silenced_at.is_some();
            let in_home = me.is_some_and(|id| event.in_home_of(id));
            match channel {
                Channel::User { .. } => yes(in_home),
                Channel::UserNotification => Verdict::No,
                Channel::Public { local } => department_checked(
                    view,
                    is_public_original(view)
                        && local.is_none_or(|l| view.post.local == l)
                        && !author_silenced
                        && !silenced(reader, view),
                ),
                Channel::Hashtag { tag, local_only } => department_checked(
                    view,
                    is_public_original(view)
                        && (!local_only || view.post.local)
                        && view.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
                        && !author_silenced
                        && !silenced(reader, view),
                ),
                Channel::List { members } => {
                    if !members.contains(&view.post.account_id)
                        || view.post.visibility == Visibility::Direct
                        || silenced(reader, view)
                    {
                        Verdict::No
                    } else if in_home || visibility::is_open_to_all(&view.post) {
                        Verdict::Yes
                    } else {
                        Verdict::IfVisible
                    }
                }
                Channel::Direct => yes(in_home && view.post.visibility == Visibility::Direct),
            }
        }
    }
}

/// `carried` for a post anyone may see; for a department-only post, only if the reader may
/// see it (a person of this instance).
fn department_checked(view: &StatusView, carried: bool) -> Verdict {
    match (carried, view.post.local_only) {
        (false, _) => Verdict::No,
        (true, false) => Verdict::Yes,
        (true, true) => Verdict::IfVisible,
    }
}

/// A public post that is not a boost.
fn is_public_original(view: &StatusView) -> bool {
    view.post.reblog_of_id.is_none() && view.post.visibility == Visibility::Public
}

/// The post's author (or the boosted post's author) is blocked or muted by the reader.
fn silenced(reader: &Reader, view: &StatusView) -> bool {
    reader.silenced.contains(&view.post.account_id)
        || view
            .reblog
            .as_ref()
            .is_some_and(|inner| reader.silenced.contains(&inner.post.account_id))
}
