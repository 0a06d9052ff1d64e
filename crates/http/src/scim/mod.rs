//! SCIM 2.0 provisioning (RFC 7643, RFC 7644) under `/scim/v2`: an identity provider creates,
//! updates, deactivates and deletes the people of this instance. Disabled unless
//! `TRELLIS_SCIM_TOKEN` is set; every request needs `Authorization: Bearer` with that token.

mod discovery;
mod error;
mod filter;
mod json;
mod list;
mod media;
mod patch;
mod resource;
mod schema;
mod users;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};

use crate::client_address::client_address;
use crate::internal::constant_time_eq;
use error::ScimError;
use trellis_config::Secret;
use trellis_domain::services::audit::{Acting, Actor};
use trellis_domain::state::AppState;

/// The SCIM routes, guarded by the bearer token.
pub(crate) fn router(token: Secret) -> Router<AppState> {
    Router::new()
        .route(
            "/scim/v2/ServiceProviderConfig",
            get(discovery::service_provider_config),
        )
        .route("/scim/v2/Schemas", get(discovery::list_schemas))
        .route("/scim/v2/Schemas/{id}", get(discovery::schema))
        .route(
            "/scim/v2/ResourceTypes",
            get(discovery::list_resource_types),
        )
        .route(
            "/scim/v2/ResourceTypes/{id}",
            get(discovery::resource_type_by_id),
        )
        .route("/scim/v2/Users", get(users::list).post(users::create))
        .route("/scim/v2/Users/.search", post(users::search))
        .route(
            "/scim/v2/Users/{id}",
            get(users::show)
                .put(users::replace)
                .patch(users::modify)
                .delete(users::delete),
        )
        .route("/scim/v2/.search", post(users::search_everything))
        .route("/scim/v2", any(unknown))
        .route("/scim/v2/{*rest}", any(unknown))
        .layer(DefaultBodyLimit::max(json::MAX_SCIM_BODY))
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let token = token.clone();
                async move { authorize(&token, request, next).await }
            },
        ))
}

async fn unknown() -> ScimError {
    ScimError::not_found("no such SCIM endpoint")
}

async fn authorize(token: &Secret, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.get(..7)
                .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
                .map(|_| v[7..].trim())
        })
        .unwrap_or("");
    if !constant_time_eq(presented.as_bytes(), token.expose().as_bytes()) {
        let mut response = ScimError::new(
            StatusCode::UNAUTHORIZED,
            None,
            "a valid SCIM bearer token is required",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"scim\""),
        );
        return response;
    }
    next.run(request).await
}

/// The identity provider acting through a SCIM request, with the client's address.
pub(crate) struct ScimCaller(pub Acting);

impl FromRequestParts<AppState> for ScimCaller {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ScimError> {
        Ok(ScimCaller(Acting {
            actor: Actor::Scim,
            address: client_address(
                &parts.headers,
                &parts.extensions,
                state.config().limits.trust_forwarded_for,
            )
            .map(|ip| ip.to_string()),
        }))
    }
}
