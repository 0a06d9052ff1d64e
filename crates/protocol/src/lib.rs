//! ActivityPub as Trellis reads and writes it: one Rust type per activity and object kind.
//!
//! The types are lenient where real servers are: a property may be one value or an array
//! ([`Many`]), a link may be a bare id or an embedded object ([`Reference`]), and most
//! properties may be missing. They are strict where Trellis relies on a value: an activity
//! without an `id` or an `actor` does not parse.
//!
//! This crate knows nothing of storage, the network or the domain; it is the vocabulary the
//! federation layer speaks in both directions. It also holds the JSON shapes Trellis writes
//! ([`json`]: JSON-LD contexts, lenient value readers and limits) and the
//! draft-cavage HTTP signatures ([`signatures`]: pure functions over headers and keys).

pub mod activity;
pub mod actor;
pub mod audience;
pub mod collection;
pub mod inbound;
pub mod json;
pub mod kinds;
pub mod many;
pub mod object;
pub mod reference;
pub mod signatures;

pub use activity::Activity;
pub use actor::Actor;
pub use audience::Audience;
pub use collection::{OrderedCollection, OrderedCollectionPage};
pub use inbound::{Announced, Inbound, ParseError, Undone, Updated};
pub use kinds::{ActivityKind, ObjectKind};
pub use many::Many;
pub use object::{Object, Tombstone};
pub use reference::Reference;
