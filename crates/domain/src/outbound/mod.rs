//! The outbound side of federation: rows -> ActivityPub JSON (actors, notes, articles,
//! activities, addressing) and the delivery queue's enqueue, called inside the transaction of
//! the change it announces. Nothing here talks to the network: the federation crate's worker
//! sends what is queued.

pub mod activities;
pub mod actor;
pub mod article;
pub mod audience;
pub mod collection;
pub mod delivery;
pub mod department;
pub mod directory;
pub mod note;
pub mod question;
pub mod tombstone;
