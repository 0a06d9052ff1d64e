//! JSON shapes exchanged with other servers: the JSON-LD contexts, lenient value readers and
//! the actor and note documents Trellis writes and reads.

pub mod actor;
pub mod context;
pub mod limits;
pub mod note;
pub mod values;
