//! Mastodon's admin API under `/api/v1/admin`, for people with the admin role and a token
//! with the endpoint's `admin:` scope ([`auth::AdminAuth`]): domain blocks and domain allows,
//! over the federation policy's blocked domains and run-time peers; and for moderators and
//! admins ([`auth::ModeratorAuth`]): reports and accounts.

mod accounts;
pub(crate) mod auth;
mod domain_allows;
mod domain_blocks;
mod reports;

use axum::Router;
use axum::http::StatusCode;

use crate::error::HttpError;
use trellis_domain::services::ServiceError;
use trellis_domain::state::AppState;

/// Every admin API route.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(domain_blocks::routes())
        .merge(domain_allows::routes())
        .merge(reports::routes())
        .merge(accounts::routes())
}

/// 404 as Mastodon words it.
fn record_not_found() -> HttpError {
    HttpError::not_found("Record not found")
}

/// A service error about an id taken from the path: an id that is no domain names nothing,
/// so it is 404 rather than 422.
fn by_id(err: ServiceError) -> HttpError {
    match err {
        ServiceError::Invalid { .. } => record_not_found(),
        other => other.into(),
    }
}

/// 422 naming the rejected field.
fn invalid(field: &'static str, message: impl Into<String>) -> HttpError {
    HttpError {
        field: Some(field),
        ..HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}
