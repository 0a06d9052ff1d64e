//! HTTP: the router, its middleware and thin handlers that parse, call a service and render.
//!
//! Invariant: handlers never build SQL and never talk to other servers.

#![warn(unreachable_pub)]

mod actors;
mod api;
mod articles_ap;
mod audit_context;
mod body_limit;
mod client_address;
mod collections;
mod cors;
mod directory_ap;
mod discovery;
mod error;
mod error_pages;
mod export_archive;
mod federation;
mod health;
mod internal;
mod limits;
mod media_files;
mod media_proxy;
mod negotiate;
mod oauth;
mod objects;
mod peer_gate;
mod request_id;
mod scim;
mod security_headers;
pub mod server;
mod sso;
mod streaming;
pub mod tls;
mod trellis_api;
mod web;

use std::time::Duration;

use activitypub_federation::config::{FederationConfig, FederationMiddleware};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::timeout::TimeoutLayer;

use error::HttpError;
use trellis_domain::state::AppState;

/// How long a request may take before it is answered with 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// The inboxes, behind their limits (checked before signatures and fetches).
fn inboxes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/inbox", post(federation::shared_inbox))
        .route("/actor/inbox", post(federation::shared_inbox))
        .route("/users/{username}/inbox", post(federation::user_inbox))
        .route_layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(limits::InboxLimits::new(&state.config().limits)),
            limits::limit_inbox,
        ))
}

/// The routes that serve only ActivityPub documents (collections), behind the peers' gate in
/// allowlist mode (`peer_gate`). Actors, notes and articles are negotiated ([`web_pages`]).
fn activitypub_documents(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/users/{username}/outbox", get(collections::outbox))
        .route("/users/{username}/followers", get(collections::followers))
        .route("/users/{username}/following", get(collections::following))
        .route("/users/{username}/moderators", get(collections::moderators))
        .route(
            "/users/{username}/collections/featured",
            get(collections::featured),
        )
        .route(
            "/users/{username}/statuses/{id}/replies",
            get(objects::replies),
        )
        .merge(articles_ap::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            peer_gate::peers_only,
        ))
}

/// The routes of pages and feeds, each group behind its gate (closed to strangers in
/// allowlist mode, see `web::gate`).
fn web_pages(state: &AppState) -> Router<AppState> {
    use axum::middleware::from_fn_with_state;
    let pages = Router::new()
        .route("/", get(web::home::home))
        .route("/{handle}", get(actors::short_profile))
        .route("/directory", get(web::directory::page))
        .merge(web::articles::pages())
        .route_layer(from_fn_with_state(state.clone(), web::gate::pages));
    let negotiated = Router::new()
        .route("/users/{username}", get(actors::person))
        .route("/users/{username}/statuses/{id}", get(objects::note))
        .merge(web::articles::negotiated())
        .route_layer(from_fn_with_state(state.clone(), web::gate::negotiated));
    let personal = web::export::pages()
        .route_layer(from_fn_with_state(state.clone(), web::gate::personal_pages));
    let feeds =
        web::articles::feeds().route_layer(from_fn_with_state(state.clone(), web::gate::feeds));
    pages.merge(negotiated).merge(personal).merge(feeds)
}

/// The complete router of an instance.
pub fn router(state: AppState, federation: FederationConfig<AppState>) -> Router {
    let max_body = state.config().max_body_bytes;
    let internal = match &state.config().internal_api_token {
        Some(token) => internal::router(token.clone()),
        None => Router::new(),
    };
    let scim = match &state.config().scim_token {
        Some(token) => scim::router(token.clone()),
        None => Router::new(),
    };
    Router::new()
        .route("/health", get(health::health))
        .route(
            "/.well-known/webfinger",
            get(discovery::webfinger::webfinger),
        )
        .route(
            "/.well-known/host-meta",
            get(discovery::host_meta::host_meta),
        )
        .route(
            "/.well-known/host-meta.json",
            get(discovery::host_meta::host_meta_json),
        )
        .route("/.well-known/nodeinfo", get(discovery::nodeinfo::discovery))
        .route("/nodeinfo/2.0", get(discovery::nodeinfo::nodeinfo_2_0))
        .route("/nodeinfo/2.1", get(discovery::nodeinfo::nodeinfo_2_1))
        .route("/actor", get(actors::instance))
        .route("/federation/directory", get(directory_ap::directory))
        .route("/static/avatar.png", get(web::static_files::default_avatar))
        .route("/static/header.png", get(web::static_files::default_header))
        .route("/favicon.svg", get(web::static_files::favicon_svg))
        .route("/favicon.ico", get(web::static_files::favicon_ico))
        .route("/media/{*key}", get(media_files::serve))
        .merge(inboxes(&state))
        .merge(activitypub_documents(&state))
        .merge(web_pages(&state))
        .merge(media_proxy::routes(&state))
        .merge(web::login::routes())
        .merge(sso::routes(&state))
        .merge(api::router(&state))
        .merge(trellis_api::routes())
        .merge(oauth::routes())
        .merge(streaming::routes())
        .merge(internal)
        .merge(scim)
        .fallback(|| async { HttpError::not_found("not found") })
        .layer(
            ServiceBuilder::new()
                .layer(request_id::layer())
                .layer(axum::middleware::from_fn(security_headers::add))
                .layer(axum::middleware::from_fn(cors::cors))
                .layer(axum::middleware::from_fn(error_pages::render_errors))
                .layer(axum::middleware::from_fn_with_state(
                    (max_body, api::media::upload_body_limit(&state)),
                    body_limit::reject_declared_oversize,
                ))
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    REQUEST_TIMEOUT,
                ))
                .layer(DefaultBodyLimit::max(max_body))
                .layer(FederationMiddleware::new(federation)),
        )
        .with_state(state)
}
