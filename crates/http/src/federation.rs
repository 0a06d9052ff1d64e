//! Federation endpoints: inboxes, objects and collections.

use activitypub_federation::config::Data;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::HttpError;
use trellis_domain::services::accounts;
use trellis_domain::state::AppState;
use trellis_federation::error::FederationError;
use trellis_federation::inbox::{self, InboxRequest};

/// The body of every accepted inbox POST, whatever became of the activity.
const ACCEPTED: &str = "accepted";

/// Other servers get the status and a fixed message per failure class; the details, which may
/// quote fetched documents, go to the log only.
impl From<FederationError> for HttpError {
    fn from(err: FederationError) -> Self {
        let status = match err {
            FederationError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            FederationError::Forbidden(_) => StatusCode::FORBIDDEN,
            FederationError::Invalid(_) => StatusCode::BAD_REQUEST,
            FederationError::NotFound(_) => StatusCode::NOT_FOUND,
            FederationError::Fetch(_) => StatusCode::BAD_GATEWAY,
            FederationError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            FederationError::NotMedia(_) => StatusCode::UNPROCESSABLE_ENTITY,
            FederationError::Db(e) => return e.into(),
        };
        tracing::debug!(error = %err.log_detail(), %status, "federation request refused");
        HttpError::new(status, err.public_message())
    }
}

/// POST /inbox
pub(crate) async fn shared_inbox(
    data: Data<AppState>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    receive(&data, method, uri, headers, body).await
}

/// POST /users/{username}/inbox
pub(crate) async fn user_inbox(
    data: Data<AppState>,
    Path(username): Path<String>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    accounts::public_profile(&data, &username).await?;
    receive(&data, method, uri, headers, body).await
}

async fn receive(
    data: &Data<AppState>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, HttpError> {
    let path = uri.0.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let request = InboxRequest {
        method: &method,
        path_and_query: path,
        headers: &headers,
        body: &body,
    };
    // The outcome is logged by the inbox; the sender learns only that it was accepted.
    inbox::receive(data, request).await?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(json!({ "outcome": ACCEPTED })),
    )
        .into_response())
}
