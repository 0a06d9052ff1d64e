//! The federation layer's error type.

use trellis_domain::services::ServiceError;
use trellis_storage::DbError;

/// Why an inbound activity or a fetch was not processed.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// The request is not signed, or the signature does not verify (answered with 401).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The signer may not do this (answered with 403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The document is malformed or inconsistent (answered with 400).
    #[error("invalid: {0}")]
    Invalid(String),
    /// A referenced object does not exist (answered with 404).
    #[error("not found: {0}")]
    NotFound(String),
    /// Fetching or verifying a remote document failed.
    #[error("fetch: {0}")]
    Fetch(String),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<activitypub_federation::error::Error> for FederationError {
    fn from(err: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as E;
        match err {
            E::NotFound => Self::NotFound("object not found".into()),
            E::ActivitySignatureInvalid | E::ActivityBodyDigestInvalid => {
                Self::Unauthorized(err.to_string())
            }
            E::UrlVerificationError(m) => Self::Invalid(m.to_string()),
            other => Self::Fetch(other.to_string()),
        }
    }
}

impl From<diesel::result::Error> for FederationError {
    fn from(err: diesel::result::Error) -> Self {
        Self::Db(DbError::Query(err))
    }
}

impl From<ServiceError> for FederationError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::Db(e) => Self::Db(e),
            ServiceError::NotFound(m) => Self::NotFound(m),
            ServiceError::Invalid { field, message } => Self::Invalid(format!("{field} {message}")),
            ServiceError::Conflict(m) => Self::Invalid(m),
            ServiceError::Forbidden(m) => Self::Forbidden(m),
            ServiceError::Internal(m) => Self::Fetch(m),
        }
    }
}

impl From<FederationError> for ServiceError {
    fn from(err: FederationError) -> Self {
        match err {
            FederationError::Db(e) => ServiceError::Db(e),
            FederationError::NotFound(m) => ServiceError::NotFound(m),
            FederationError::Invalid(m) => ServiceError::invalid("object", m),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}
