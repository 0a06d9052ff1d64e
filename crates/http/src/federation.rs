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

impl From<FederationError> for HttpError {
    fn from(err: FederationError) -> Self {
        match err {
            FederationError::Unauthorized(m) => HttpError::new(StatusCode::UNAUTHORIZED, m),
            FederationError::Forbidden(m) => HttpError::new(StatusCode::FORBIDDEN, m),
            FederationError::Invalid(m) => HttpError::new(StatusCode::BAD_REQUEST, m),
            FederationError::NotFound(m) => HttpError::not_found(m),
            FederationError::Fetch(m) => HttpError::new(StatusCode::BAD_GATEWAY, m),
            FederationError::Db(e) => e.into(),
        }
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
    match inbox::receive(data, request).await {
        Ok(outcome) => Ok((
            StatusCode::ACCEPTED,
            axum::Json(json!({ "outcome": format!("{outcome:?}") })),
        )
            .into_response()),
        Err(FederationError::NotFound(reason)) => {
            tracing::debug!(%reason, "inbound activity refers to nothing known; ignored");
            Ok((
                StatusCode::ACCEPTED,
                axum::Json(json!({ "outcome": "ignored" })),
            )
                .into_response())
        }
        Err(e) => {
            tracing::info!(error = %e, "inbound activity refused");
            Err(e.into())
        }
    }
}
