//! JSON shapes exchanged with other servers: the JSON-LD contexts, lenient value readers and
//! the limits on what is kept of other servers' documents.

pub mod context;
pub mod limits;
pub mod values;
