//! SCIM answers: JSON with the `application/scim+json` media type.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The SCIM media type.
pub(crate) const SCIM_JSON: &str = "application/scim+json";

/// `value` as a SCIM response with `status`.
pub(crate) fn scim_json(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, SCIM_JSON)],
        value.to_string(),
    )
        .into_response()
}
