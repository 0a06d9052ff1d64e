//! The domain: rules and transactions. Never sees HTTP types.

pub mod account_deletion;
pub mod accounts;
pub mod articles;
pub mod blocks;
pub mod bookmarks;
pub mod directory;
pub mod domain_blocks;
mod error;
pub mod events;
pub mod federation_policy;
pub mod follows;
pub mod hydrate;
pub mod instance_actor;
pub mod interactions;
pub mod keys;
pub mod lists;
pub mod login_limits;
pub mod markers;
pub mod notifications;
pub mod oauth;
mod outbox;
pub mod passwords;
pub mod peers;
pub mod posts;
pub mod profile;
pub mod relationships;
pub mod resolve;
pub mod scopes;
pub mod search;
pub mod streams;
pub mod timelines;
pub mod validation;
pub mod visibility;
pub mod web_sessions;
pub mod work_profile;

pub use error::ServiceError;
