//! The network side of ActivityPub: the inbox (signature verification, de-duplication,
//! dispatch and the inbound activity handlers), remote JSON -> rows (activitypub_federation
//! `Object` impls for notes, actors and articles), fetching and resolving, key owners,
//! authorized fetch, the delivery worker (signing and sending) and the outgoing HTTP client.
//!
//! Invariants: nothing here sees the client API's request types; every rule is the domain's
//! (this crate calls `trellis_domain`, never the other way round); only this crate talks to
//! other servers, and it implements the domain's
//! [`RemoteLookup`](trellis_domain::remote::RemoteLookup) ([`lookup::FederatedLookup`]).

#![warn(unreachable_pub)]

mod activities;
pub mod context;
pub mod delivery;
pub mod directory;
pub mod error;
pub mod fetch_auth;
pub mod inbox;
pub mod inbox_retention;
mod key_owner;
pub mod lookup;
mod objects;
mod outbound;
pub mod remote_media;
