//! ActivityPub: protocol types and conversions between stored rows and their JSON.
//!
//! Invariant: this module never sees the client API's request types.

pub mod actor;
pub mod protocol;
