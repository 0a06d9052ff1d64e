//! ActivityPub: protocol types, conversions between stored rows and their JSON, inbound
//! activities, signatures and the delivery queue.
//!
//! Invariant: this module never sees the client API's request types, and never calls
//! `services` (services call federation, not the other way round).

pub mod activities;
pub mod actor;
pub mod audience;
pub mod context;
pub mod delivery;
pub mod error;
pub mod fetch_auth;
pub mod inbox;
pub mod inbox_retention;
pub mod key_owner;
pub mod objects;
pub mod outbound;
pub mod protocol;
pub mod signatures;
