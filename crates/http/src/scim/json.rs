//! SCIM request bodies: `application/scim+json` (or `application/json`), bounded in size.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde_json::Value;

use super::error::ScimError;
use super::media::SCIM_JSON;

/// The largest SCIM request body, in bytes.
pub(crate) const MAX_SCIM_BODY: usize = 64 * 1024;

/// A request body that is a JSON object.
pub(crate) struct ScimBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for ScimBody {
    type Rejection = ScimError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ScimError> {
        let media_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            });
        if let Some(media_type) = media_type
            && media_type != SCIM_JSON
            && media_type != "application/json"
        {
            return Err(ScimError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Some("invalidSyntax"),
                format!("the body must be {SCIM_JSON} or application/json"),
            ));
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|_| {
            ScimError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                Some("tooLarge"),
                format!("the body must be at most {MAX_SCIM_BODY} bytes"),
            )
        })?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(value @ Value::Object(_)) => Ok(ScimBody(value)),
            Ok(_) => Err(ScimError::invalid_syntax("the body must be a JSON object")),
            Err(e) => Err(ScimError::invalid_syntax(format!(
                "the body is not JSON: {e}"
            ))),
        }
    }
}
