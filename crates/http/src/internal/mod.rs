//! The internal operations interface under `/internal/v1`: act as a local person without the
//! client API (used by the federation test harness and by operators' scripts). Disabled
//! unless `TRELLIS_INTERNAL_API_TOKEN` is set; every request needs `Authorization: Bearer`.

mod directory;
mod handlers;
mod summary;

use activitypub_federation::config::Data;
use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

use crate::error::HttpError;
use trellis_config::Secret;
use trellis_domain::state::AppState;

/// Routes of the internal interface, guarded by the bearer token.
pub(crate) fn router(token: Secret) -> Router<AppState> {
    Router::new()
        .route("/internal/v1/users", post(handlers::create_user))
        .route(
            "/internal/v1/users/{username}/follow",
            post(handlers::follow),
        )
        .route(
            "/internal/v1/users/{username}/unfollow",
            post(handlers::unfollow),
        )
        .route(
            "/internal/v1/users/{username}/follow_requests",
            get(handlers::follow_requests),
        )
        .route(
            "/internal/v1/users/{username}/follow_requests/answer",
            post(handlers::answer_request),
        )
        .route(
            "/internal/v1/users/{username}/locked",
            post(handlers::set_locked),
        )
        .route(
            "/internal/v1/users/{username}/profile",
            post(handlers::update_profile),
        )
        .route(
            "/internal/v1/users/{username}/posts",
            post(handlers::create_post),
        )
        .route(
            "/internal/v1/users/{username}/posts/{id}",
            put(handlers::edit_post).delete(handlers::delete_post),
        )
        .route(
            "/internal/v1/users/{username}/{interaction}",
            post(handlers::interact),
        )
        .route("/internal/v1/users/{username}/home", get(handlers::home))
        .route(
            "/internal/v1/users/{username}/relations",
            get(handlers::relations),
        )
        .route(
            "/internal/v1/users/{username}/resolve",
            post(handlers::resolve),
        )
        .route("/internal/v1/posts", get(handlers::show_post))
        .route("/internal/v1/queue", get(handlers::queue))
        .route("/internal/v1/directory/refresh", post(directory::refresh))
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let token = token.clone();
                async move { authorize(&token, request, next).await }
            },
        ))
}

async fn authorize(token: &Secret, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_time_eq(presented.as_bytes(), token.expose().as_bytes()) {
        return HttpError::new(
            StatusCode::UNAUTHORIZED,
            "a valid internal API token is required",
        )
        .into_response();
    }
    next.run(request).await
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The federation request data every handler receives.
pub(crate) type Fed = Data<AppState>;
