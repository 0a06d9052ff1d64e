//! JSON shapes exchanged with other servers.

pub mod actor;
pub mod context;
pub mod limits;
pub mod note;
pub mod values;
