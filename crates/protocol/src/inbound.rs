//! An activity as it reaches an inbox, typed by its kind. Parsing never fails on an unknown
//! kind (it becomes [`Inbound::Unsupported`]); it fails, with a message, on a known kind whose
//! required parts are missing or malformed.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::activity::Activity;
use crate::actor::Actor;
use crate::kinds::{ActivityKind, ObjectKind};
use crate::many::Many;
use crate::object::Object;
use crate::reference::Reference;

/// Embedded activities may nest (an Announce of an Undo of a Like); deeper is refused.
const MAX_NESTING: usize = 4;

/// Why an activity could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// A received activity.
#[derive(Clone, Debug, PartialEq)]
pub enum Inbound {
    /// Publishes a post.
    Create(Activity<Box<Object>>),
    /// Changes a post or an actor.
    Update(Activity<Updated>),
    /// Removes a post (the object is its id, a Tombstone or the object) or an actor.
    Delete(Activity<Reference>),
    /// Asks to follow the object.
    Follow(Activity<Reference>),
    /// Accepts a follow (embedded or by id).
    Accept(Activity<Undone>),
    /// Rejects a follow (embedded or by id).
    Reject(Activity<Undone>),
    /// Withdraws an earlier activity (embedded or by id).
    Undo(Activity<Undone>),
    /// Favourites a post.
    Like(Activity<Reference>),
    /// Downvotes a post.
    Dislike(Activity<Reference>),
    /// Reacts to a post with an emoji (`content`).
    EmojiReact(Activity<Reference>),
    /// Boosts a post, or relays an activity from a group.
    Announce(Activity<Announced>),
    /// Blocks an actor.
    Block(Activity<Reference>),
    /// Reports actors and posts (`content` is the comment).
    Flag(Activity<Many<Reference>>),
    /// Adds the object to `target` (pins, moderators).
    Add(Activity<Reference>),
    /// Removes the object from `target`, or (Lemmy) removes a post as a moderator.
    Remove(Activity<Reference>),
    /// Moves the account to `target`.
    Move(Activity<Reference>),
    /// Acknowledges a must-read.
    Read(Activity<Reference>),
    /// Locks a thread.
    Lock(Activity<Reference>),
    /// A kind Trellis does not handle.
    Unsupported(ActivityKind),
}

/// The object of an Update.
#[derive(Clone, Debug, PartialEq)]
pub enum Updated {
    /// A changed post.
    Object(Box<Object>),
    /// A changed actor.
    Actor(Box<Actor>),
    /// Something else, by id.
    Reference(Reference),
}

/// The object of an Undo, Accept or Reject: an embedded activity or an activity's id.
#[derive(Clone, Debug, PartialEq)]
pub enum Undone {
    /// The activity, embedded.
    Activity(Box<Inbound>),
    /// The activity's id only.
    Reference(Reference),
}

impl Undone {
    /// The id of the activity, embedded or named.
    pub fn id(&self) -> Option<&url::Url> {
        match self {
            Self::Activity(activity) => activity.id(),
            Self::Reference(reference) => Some(reference.url()),
        }
    }
}

/// The object of an Announce.
#[derive(Clone, Debug, PartialEq)]
pub enum Announced {
    /// A group relaying an activity (FEP-1b12, Lemmy).
    Activity(Box<Inbound>),
    /// A boosted post, embedded.
    Object(Box<Object>),
    /// A boosted post, by id.
    Reference(Reference),
}

impl Announced {
    /// The id of what is announced.
    pub fn id(&self) -> Option<&url::Url> {
        match self {
            Self::Activity(activity) => activity.id(),
            Self::Object(object) => Some(&object.id),
            Self::Reference(reference) => Some(reference.url()),
        }
    }
}

impl Inbound {
    /// Reads an activity from its JSON.
    pub fn parse(value: &Value) -> Result<Self, ParseError> {
        parse_nested(value, 0)
    }

    /// The activity's id (`None` for an unsupported kind, which is not read).
    pub fn id(&self) -> Option<&url::Url> {
        self.envelope().map(|(id, _)| id)
    }

    /// Who did it (`None` for an unsupported kind, which is not read).
    pub fn actor(&self) -> Option<&Reference> {
        self.envelope().map(|(_, actor)| actor)
    }

    fn envelope(&self) -> Option<(&url::Url, &Reference)> {
        Some(match self {
            Self::Create(a) => (&a.id, &a.actor),
            Self::Update(a) => (&a.id, &a.actor),
            Self::Accept(a) | Self::Reject(a) | Self::Undo(a) => (&a.id, &a.actor),
            Self::Announce(a) => (&a.id, &a.actor),
            Self::Flag(a) => (&a.id, &a.actor),
            Self::Delete(a)
            | Self::Follow(a)
            | Self::Like(a)
            | Self::Dislike(a)
            | Self::EmojiReact(a)
            | Self::Block(a)
            | Self::Add(a)
            | Self::Remove(a)
            | Self::Move(a)
            | Self::Read(a)
            | Self::Lock(a) => (&a.id, &a.actor),
            Self::Unsupported(_) => return None,
        })
    }

    /// The activity's kind.
    pub fn kind(&self) -> ActivityKind {
        match self {
            Self::Create(a) => a.kind.clone(),
            Self::Update(a) => a.kind.clone(),
            Self::Accept(a) | Self::Reject(a) | Self::Undo(a) => a.kind.clone(),
            Self::Announce(a) => a.kind.clone(),
            Self::Flag(a) => a.kind.clone(),
            Self::Delete(a)
            | Self::Follow(a)
            | Self::Like(a)
            | Self::Dislike(a)
            | Self::EmojiReact(a)
            | Self::Block(a)
            | Self::Add(a)
            | Self::Remove(a)
            | Self::Move(a)
            | Self::Read(a)
            | Self::Lock(a) => a.kind.clone(),
            Self::Unsupported(kind) => kind.clone(),
        }
    }
}

fn parse_nested(value: &Value, depth: usize) -> Result<Inbound, ParseError> {
    if depth > MAX_NESTING {
        return Err(ParseError("activities are nested too deeply".into()));
    }
    let kind =
        ActivityKind::of(value).ok_or_else(|| ParseError("the activity has no type".into()))?;
    Ok(match kind {
        ActivityKind::Create => Inbound::Create(envelope(value, |object| {
            typed::<Box<Object>>(object, "the created object")
        })?),
        ActivityKind::Update => Inbound::Update(envelope(value, updated)?),
        ActivityKind::Delete => Inbound::Delete(envelope(value, reference)?),
        ActivityKind::Follow => Inbound::Follow(envelope(value, reference)?),
        ActivityKind::Accept => Inbound::Accept(envelope(value, |o| undone(o, depth))?),
        ActivityKind::Reject => Inbound::Reject(envelope(value, |o| undone(o, depth))?),
        ActivityKind::Undo => Inbound::Undo(envelope(value, |o| undone(o, depth))?),
        ActivityKind::Like => Inbound::Like(envelope(value, reference)?),
        ActivityKind::Dislike => Inbound::Dislike(envelope(value, reference)?),
        ActivityKind::EmojiReact => Inbound::EmojiReact(envelope(value, reference)?),
        ActivityKind::Announce => Inbound::Announce(envelope(value, |o| announced(o, depth))?),
        ActivityKind::Block => Inbound::Block(envelope(value, reference)?),
        ActivityKind::Flag => Inbound::Flag(envelope(value, |object| {
            typed::<Many<Reference>>(object, "the reported objects")
        })?),
        ActivityKind::Add => Inbound::Add(envelope(value, reference)?),
        ActivityKind::Remove => Inbound::Remove(envelope(value, reference)?),
        ActivityKind::Move => Inbound::Move(envelope(value, reference)?),
        ActivityKind::Read => Inbound::Read(envelope(value, reference)?),
        ActivityKind::Lock => Inbound::Lock(envelope(value, reference)?),
        other @ ActivityKind::Other(_) => Inbound::Unsupported(other),
    })
}

/// Reads the shared envelope, then the object with `read_object`.
fn envelope<O>(
    value: &Value,
    read_object: impl FnOnce(&Value) -> Result<O, ParseError>,
) -> Result<Activity<O>, ParseError> {
    let object = value
        .get("object")
        .filter(|o| !o.is_null())
        .ok_or_else(|| ParseError("the activity has no object".into()))?;
    let object = read_object(object)?;
    // The envelope is read with the object replaced by a placeholder, so the object is
    // read once, by the reader its kind needs.
    let mut shell = value.clone();
    if let Some(map) = shell.as_object_mut() {
        map.insert("object".into(), Value::Null);
    }
    let activity: Activity<Value> = serde_json::from_value(shell)
        .map_err(|e| ParseError(format!("the activity is malformed: {e}")))?;
    Ok(Activity {
        context: activity.context,
        id: activity.id,
        kind: activity.kind,
        actor: activity.actor,
        object,
        addressed: activity.addressed,
        audience: activity.audience,
        target: activity.target,
        published: activity.published,
        content: activity.content,
    })
}

fn typed<T: DeserializeOwned>(value: &Value, what: &str) -> Result<T, ParseError> {
    T::deserialize(value).map_err(|e| ParseError(format!("{what} is malformed: {e}")))
}

fn reference(value: &Value) -> Result<Reference, ParseError> {
    Reference::from_value(value).ok_or_else(|| ParseError("the object has no id".into()))
}

fn updated(value: &Value) -> Result<Updated, ParseError> {
    match ObjectKind::of(value) {
        Some(kind) if kind.is_actor() => {
            Ok(Updated::Actor(Box::new(typed(value, "the updated actor")?)))
        }
        Some(kind) if kind.is_post() => Ok(Updated::Object(Box::new(typed(
            value,
            "the updated object",
        )?))),
        _ => reference(value).map(Updated::Reference),
    }
}

fn undone(value: &Value, depth: usize) -> Result<Undone, ParseError> {
    match ActivityKind::of(value) {
        Some(ActivityKind::Other(_)) | None => reference(value).map(Undone::Reference),
        Some(_) => Ok(Undone::Activity(Box::new(parse_nested(value, depth + 1)?))),
    }
}

fn announced(value: &Value, depth: usize) -> Result<Announced, ParseError> {
    if let Some(ActivityKind::Other(_)) | None = ActivityKind::of(value) {
        return match ObjectKind::of(value) {
            Some(kind) if kind.is_post() => Ok(Announced::Object(Box::new(typed(
                value,
                "the announced object",
            )?))),
            _ => reference(value).map(Announced::Reference),
        };
    }
    Ok(Announced::Activity(Box::new(parse_nested(
        value,
        depth + 1,
    )?)))
}
