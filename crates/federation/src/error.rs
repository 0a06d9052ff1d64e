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
    /// A remote file is larger than the instance fetches (answered with 413).
    #[error("too large: {0}")]
    TooLarge(String),
    /// A remote file is not of a media type the instance serves (answered with 422).
    #[error("not media: {0}")]
    NotMedia(String),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// How much of a detail that may quote a fetched document goes into the log.
const LOGGED_DETAIL_CHARS: usize = 200;

/// How much of a parser's message about a fetched document is kept (such messages may quote
/// the document).
const PARSE_ERROR_CHARS: usize = 60;

impl FederationError {
    /// What a remote caller is told: one fixed message per failure class. The details may
    /// quote documents fetched from elsewhere (internal services, when a request names them),
    /// so they only go to the log ([`FederationError::log_detail`]).
    pub fn public_message(&self) -> &'static str {
        match self {
            Self::Unauthorized(_) => "signature verification failed",
            Self::Forbidden(_) => "forbidden",
            Self::Invalid(_) => "invalid activity",
            Self::NotFound(_) => "not found",
            Self::Fetch(_) => "a remote document could not be fetched",
            Self::TooLarge(_) => "the remote file is too large",
            Self::NotMedia(_) => {
                "the remote file is not an image, video, audio or allowed document"
            }
            Self::Db(_) => "internal server error",
        }
    }

    /// The details for the log, cut to a bounded length.
    pub fn log_detail(&self) -> String {
        clip(&self.to_string(), LOGGED_DETAIL_CHARS)
    }
}

/// At most `max` characters of `text`, with `...` when cut.
pub(crate) fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
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
            // The crate's message quotes the whole document; keep the URL and a short reason.
            E::ParseFetchedObject(parse, url, _content) => Self::Fetch(format!(
                "cannot parse the object at {url}: {}",
                clip(&parse.to_string(), PARSE_ERROR_CHARS)
            )),
            other => Self::Fetch(clip(&other.to_string(), LOGGED_DETAIL_CHARS)),
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
            ServiceError::NotFound(m) | ServiceError::Gone(m) => Self::NotFound(m),
            ServiceError::Invalid { field, message } => Self::Invalid(format!("{field} {message}")),
            ServiceError::Conflict(m) | ServiceError::TooLarge(m) => Self::Invalid(m),
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
