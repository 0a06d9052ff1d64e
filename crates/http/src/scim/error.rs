//! SCIM's own error answer (RFC 7644 §3.12): a status, an optional `scimType` and a detail,
//! in the SCIM error schema.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::media::scim_json;
use trellis_domain::services::ServiceError;
use trellis_storage::DbError;

/// The SCIM error message schema.
pub(crate) const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// A SCIM error answer.
#[derive(Debug)]
pub(crate) struct ScimError {
    status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
}

impl ScimError {
    /// An error with a status, a `scimType` and a detail.
    pub(crate) fn new(
        status: StatusCode,
        scim_type: Option<&'static str>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    /// 400 `invalidFilter`.
    pub(crate) fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidFilter"), detail)
    }

    /// 400 `invalidValue`.
    pub(crate) fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidValue"), detail)
    }

    /// 400 `invalidSyntax`.
    pub(crate) fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidSyntax"), detail)
    }

    /// 400 `invalidPath`.
    pub(crate) fn invalid_path(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalidPath"), detail)
    }

    /// 400 `noTarget`.
    pub(crate) fn no_target(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("noTarget"), detail)
    }

    /// 404 without a `scimType`.
    pub(crate) fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, detail)
    }
}

impl From<ServiceError> for ScimError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::Invalid { field, message } => {
                Self::invalid_value(format!("{field} {message}"))
            }
            ServiceError::Conflict(m) => Self::new(StatusCode::CONFLICT, Some("uniqueness"), m),
            ServiceError::NotFound(m) | ServiceError::Gone(m) => Self::not_found(m),
            ServiceError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, None, m),
            ServiceError::TooLarge(m) => Self::new(StatusCode::PAYLOAD_TOO_LARGE, None, m),
            ServiceError::Db(e) => e.into(),
            ServiceError::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    "internal server error",
                )
            }
        }
    }
}

impl From<DbError> for ScimError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Pool(_) | DbError::Connect { .. } => {
                tracing::error!(error = %err, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    None,
                    "database unavailable",
                )
            }
            other => {
                tracing::error!(error = %other, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    "internal server error",
                )
            }
        }
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(scim_type) = self.scim_type {
            body["scimType"] = json!(scim_type);
        }
        scim_json(self.status, &body)
    }
}
