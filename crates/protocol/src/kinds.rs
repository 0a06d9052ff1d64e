//! The `type` of activities and objects, as enums. A type Trellis does not know is kept by
//! name (`Other`), so a document of an unknown kind still parses and can be ignored politely.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;

/// Declares a kind enum with its JSON names; `Other` keeps any other name.
macro_rules! kinds {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A type Trellis does not handle, by name.
            Other(String),
        }

        impl $name {
            /// The kind for a JSON `type` name.
            pub fn from_name(name: &str) -> Self {
                match name {
                    $(stringify!($variant) => Self::$variant,)+
                    other => Self::Other(other.to_string()),
                }
            }

            /// The JSON `type` name.
            pub fn name(&self) -> &str {
                match self {
                    $(Self::$variant => stringify!($variant),)+
                    Self::Other(name) => name,
                }
            }

            /// The kind of a document: its `type`, or the first known one of an array.
            pub fn of(value: &Value) -> Option<Self> {
                kind_names(value.get("type")?)
                    .into_iter()
                    .map(Self::from_name)
                    .reduce(|first, next| match first {
                        Self::Other(_) if !matches!(next, Self::Other(_)) => next,
                        _ => first,
                    })
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(deserializer)?;
                Self::of(&serde_json::json!({ "type": value }))
                    .ok_or_else(|| serde::de::Error::custom("`type` is not a name"))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.name().serialize(serializer)
            }
        }
    };
}

kinds!(
    /// The kind of an activity.
    ActivityKind {
        /// Publishes an object.
        Create,
        /// Changes an object or an actor.
        Update,
        /// Removes an object or an actor.
        Delete,
        /// Asks to follow.
        Follow,
        /// Accepts a follow.
        Accept,
        /// Rejects (or ends) a follow.
        Reject,
        /// Withdraws an earlier activity.
        Undo,
        /// Favourites an object.
        Like,
        /// A downvote (Lemmy, Friendica).
        Dislike,
        /// An emoji reaction (Misskey, Pleroma).
        EmojiReact,
        /// Boosts an object, or relays an activity (a community).
        Announce,
        /// Blocks an actor.
        Block,
        /// Reports actors or objects to their server.
        Flag,
        /// Adds to a collection (pins, moderators).
        Add,
        /// Removes from a collection.
        Remove,
        /// Moves an account.
        Move,
        /// Acknowledges that an object was read (Trellis must-reads).
        Read,
        /// Locks a thread (Lemmy).
        Lock,
    }
);

kinds!(
    /// The kind of an object or actor.
    ObjectKind {
        /// A short post.
        Note,
        /// A long-form post with a title.
        Article,
        /// A link or text post (Lemmy, lotide).
        Page,
        /// A poll.
        Question,
        /// A private message (Lemmy, Pleroma chats).
        ChatMessage,
        /// An event (Mobilizon).
        Event,
        /// A video (PeerTube).
        Video,
        /// A picture post.
        Image,
        /// A deleted object.
        Tombstone,
        /// A person.
        Person,
        /// A bot or service account.
        Service,
        /// An instance actor.
        Application,
        /// A group: a community or a channel.
        Group,
        /// An organisation's account.
        Organization,
        /// A collection.
        Collection,
        /// An ordered collection.
        OrderedCollection,
        /// A page of a collection.
        CollectionPage,
        /// A page of an ordered collection.
        OrderedCollectionPage,
    }
);

impl ObjectKind {
    /// True for the kinds that are actors.
    pub fn is_actor(&self) -> bool {
        matches!(
            self,
            Self::Person | Self::Service | Self::Application | Self::Group | Self::Organization
        )
    }

    /// True for the kinds Trellis shows as a post.
    pub fn is_post(&self) -> bool {
        matches!(
            self,
            Self::Note
                | Self::Article
                | Self::Page
                | Self::Question
                | Self::ChatMessage
                | Self::Event
                | Self::Video
                | Self::Image
        )
    }
}

/// The names in a `type` value: a string or an array of them.
fn kind_names(value: &Value) -> Vec<&str> {
    match value {
        Value::String(name) => vec![name.as_str()],
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_round_trip_and_unknown_names_are_kept() {
        assert_eq!(ActivityKind::from_name("Announce"), ActivityKind::Announce);
        assert_eq!(ActivityKind::Announce.name(), "Announce");
        assert_eq!(
            ActivityKind::from_name("Bite"),
            ActivityKind::Other("Bite".into())
        );
        assert_eq!(
            serde_json::to_value(ObjectKind::ChatMessage).unwrap(),
            json!("ChatMessage")
        );
    }

    #[test]
    fn an_array_of_types_gives_the_first_known_one() {
        assert_eq!(
            ObjectKind::of(&json!({"type": ["schema:Thing", "Note"]})),
            Some(ObjectKind::Note)
        );
        assert_eq!(ObjectKind::of(&json!({"type": 3})), None);
        assert_eq!(ObjectKind::of(&json!({})), None);
    }
}
