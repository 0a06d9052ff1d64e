//! Trellis's domain: every rule, and the transactions that apply them.
//!
//! - [`services`]: accounts, posts, follows, likes and boosts, blocks and mutes, visibility,
//!   timelines, notifications, articles and channels, OAuth grants, search, streaming events.
//! - [`outbound`]: the outgoing side of federation: rows -> ActivityPub JSON and the delivery
//!   queue's enqueue, called in the transaction of the change.
//! - [`state`]: [`state::AppState`], the one state every layer is handed.
//! - [`remote`]: [`remote::RemoteLookup`], how the domain asks for a remote actor or post
//!   without sending HTTP itself (the federation crate implements it).
//!
//! Invariants: no axum or HTTP types, no outgoing HTTP, no inbound activity parsing.

pub mod changes;
pub mod media_proxy;
pub mod outbound;
pub mod rate_limit;
pub mod remote;
pub mod services;
pub mod state;
pub mod urls;
