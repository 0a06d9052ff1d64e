//! The domain: rules and transactions. Never sees HTTP types.

pub mod account_deletion;
pub mod accounts;
mod error;
pub mod follows;
pub mod hydrate;
pub mod instance_actor;
pub mod interactions;
pub mod keys;
pub mod oauth;
mod outbox;
pub mod passwords;
pub mod posts;
pub mod profile;
pub mod resolve;
pub mod scopes;
pub mod timelines;
pub mod validation;
pub mod visibility;

pub use error::ServiceError;
