//! What a change causes, decided once for every path that makes it: a local action (the
//! services) and an inbound activity (the federation crate) both call these, inside their
//! transaction, so they produce exactly the same rows. Each function writes the change
//! through storage and then its effects: account counters, home feeds, notifications and
//! stream events.

pub mod accounts;
pub mod communities;
pub mod conversations;
pub mod favourites;
pub mod follows;
pub mod notifications;
pub mod posts;
