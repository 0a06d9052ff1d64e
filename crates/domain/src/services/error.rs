//! The domain layer's error type.

use trellis_storage::DbError;

/// Why a domain operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// An input field is invalid.
    #[error("{field} {message}")]
    Invalid {
        /// The field that was rejected.
        field: &'static str,
        /// Why.
        message: String,
    },
    /// The change conflicts with existing data (a taken username, say).
    #[error("{0}")]
    Conflict(String),
    /// The caller may not do this (a role or ownership rule).
    #[error("{0}")]
    Forbidden(String),
    /// The thing asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The thing asked for existed and was taken down (a suspended account).
    #[error("{0}")]
    Gone(String),
    /// The upload is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Something that should not fail did (key generation, hashing).
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    /// Shorthand for [`ServiceError::Invalid`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}
