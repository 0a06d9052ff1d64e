//! The HTTP layer's error type. Handlers return it; [`super::error_pages`] renders its body
//! as JSON for APIs and servers, or as an HTML page for browsers.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use trellis_domain::services::login_limits::Throttled;

use trellis_domain::services::ServiceError;
use trellis_storage::DbError;

/// An error answer: a status and a message fit to show the caller.
#[derive(Clone, Debug)]
pub(crate) struct HttpError {
    /// HTTP status.
    pub status: StatusCode,
    /// Human-readable message (never secrets or internals).
    pub message: String,
    /// For validation errors: the field that was rejected.
    pub field: Option<&'static str>,
    /// For 429 and 503: seconds the caller should wait (the `Retry-After` header).
    pub retry_after: Option<u64>,
}

impl HttpError {
    /// An error with a status and a message.
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// 429 Too Many Requests, with `Retry-After` rounded up to whole seconds.
    pub(crate) fn too_many_requests(message: impl Into<String>, wait: std::time::Duration) -> Self {
        Self {
            retry_after: Some(trellis_domain::rate_limit::retry_after_secs(wait)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, message)
        }
    }

    /// 400 Bad Request.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404 Not Found.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 500 with a generic message; the cause is logged, not shown.
    pub(crate) fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
    }
}

impl From<ServiceError> for HttpError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::Invalid { field, message } => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message: format!("{field} {message}"),
                field: Some(field),
                retry_after: None,
            },
            ServiceError::Conflict(m) => Self::new(StatusCode::CONFLICT, m),
            ServiceError::NotFound(m) => Self::not_found(m),
            ServiceError::Gone(m) => Self::new(StatusCode::GONE, m),
            ServiceError::TooLarge(m) => Self::new(StatusCode::PAYLOAD_TOO_LARGE, m),
            ServiceError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, m),
            ServiceError::Db(e) => e.into(),
            ServiceError::Internal(m) => Self::internal(m),
        }
    }
}

impl From<Throttled> for HttpError {
    fn from(throttled: Throttled) -> Self {
        Self::too_many_requests(
            "Too many failed sign-ins; try again later.",
            throttled.retry_after,
        )
    }
}

impl From<DbError> for HttpError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Pool(_) | DbError::Connect { .. } => {
                tracing::error!(error = %err, "database unavailable");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
            }
            other => Self::internal(other),
        }
    }
}

impl From<askama::Error> for HttpError {
    fn from(err: askama::Error) -> Self {
        Self::internal(format!("template: {err}"))
    }
}

impl IntoResponse for HttpError {
    /// An empty response carrying the error; the error-page middleware writes the body.
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response.extensions_mut().insert(self);
        response
    }
}
