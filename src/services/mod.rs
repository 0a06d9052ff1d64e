//! The domain: rules and transactions. Never sees HTTP types.

pub mod accounts;
mod error;
pub mod instance_actor;
pub mod keys;
pub mod passwords;
pub mod validation;

pub use error::ServiceError;
