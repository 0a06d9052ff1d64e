//! GET /api/v1/instance, /api/v2/instance, and the instance's rules, peers, blocked domains
//! and activity.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

use crate::api::auth::MaybeAuth;
use crate::api::entities::datetime;
use crate::api::entities::domain::DomainBlockEntity;
use crate::error::HttpError;
use crate::oauth::apps::vapid_key;
use trellis_config::RegistrationMode;
use trellis_domain::services::{accounts, domain_blocks, posts};
use trellis_domain::state::AppState;
use trellis_storage::models::{Account, Post};

/// The Mastodon API level this instance implements, and its own version.
pub(crate) fn version() -> String {
    format!("4.3.0 (compatible; Trellis {})", env!("CARGO_PKG_VERSION"))
}

/// Attachments per status.
const MAX_MEDIA_ATTACHMENTS: u32 = 4;
/// Characters a URL counts for in a status.
const CHARACTERS_RESERVED_PER_URL: u32 = 23;
/// Image uploads, in bytes and pixels.
const IMAGE_SIZE_LIMIT: u64 = 16 * 1024 * 1024;
const IMAGE_MATRIX_LIMIT: u64 = 33_177_600;
/// Video uploads, in bytes, frames per second and pixels.
const VIDEO_SIZE_LIMIT: u64 = 99 * 1024 * 1024;
const VIDEO_FRAME_RATE_LIMIT: u32 = 120;
const VIDEO_MATRIX_LIMIT: u64 = 8_294_400;
/// Media types accepted for upload.
const SUPPORTED_MIME_TYPES: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];
/// Longest media description.
const MEDIA_DESCRIPTION_LIMIT: u32 = 1500;
/// Poll limits.
const POLL_MAX_OPTIONS: u32 = 4;
const POLL_MAX_CHARACTERS_PER_OPTION: u32 = 50;
const POLL_MIN_EXPIRATION: u32 = 300;
const POLL_MAX_EXPIRATION: u32 = 2_629_746;
/// Featured hashtags per profile.
const MAX_FEATURED_TAGS: u32 = 10;
/// Languages the instance is used in.
const LANGUAGES: &[&str] = &["en"];

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/instance", get(v1))
        .route("/api/v1/instance/", get(v1))
        .route("/api/v2/instance", get(v2))
        .route("/api/v2/instance/", get(v2))
        .route("/api/v1/instance/peers", get(peers))
        .route("/api/v1/instance/domain_blocks", get(blocked_domains))
        .route("/api/v1/instance/rules", get(empty_list))
        .route("/api/v1/instance/activity", get(empty_list))
        .route(
            "/api/v1/instance/extended_description",
            get(extended_description),
        )
}

/// `ws://` or `wss://` and the domain: where clients open streaming connections.
fn streaming_url(state: &AppState) -> String {
    let scheme = if state.config().scheme() == "https" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{}", state.urls().domain())
}

/// The statuses, media, polls and accounts limits, shared by v1 and v2.
fn limits() -> (Value, Value, Value, Value) {
    let statuses = json!({
        "max_characters": posts::MAX_CHARACTERS,
        "max_media_attachments": MAX_MEDIA_ATTACHMENTS,
        "characters_reserved_per_url": CHARACTERS_RESERVED_PER_URL
    });
    let media = json!({
        "supported_mime_types": SUPPORTED_MIME_TYPES,
        "description_limit": MEDIA_DESCRIPTION_LIMIT,
        "image_size_limit": IMAGE_SIZE_LIMIT,
        "image_matrix_limit": IMAGE_MATRIX_LIMIT,
        "video_size_limit": VIDEO_SIZE_LIMIT,
        "video_frame_rate_limit": VIDEO_FRAME_RATE_LIMIT,
        "video_matrix_limit": VIDEO_MATRIX_LIMIT
    });
    let polls = json!({
        "max_options": POLL_MAX_OPTIONS,
        "max_characters_per_option": POLL_MAX_CHARACTERS_PER_OPTION,
        "min_expiration": POLL_MIN_EXPIRATION,
        "max_expiration": POLL_MAX_EXPIRATION
    });
    let accounts = json!({
        "max_featured_tags": MAX_FEATURED_TAGS,
        "max_pinned_statuses": trellis_domain::services::pins::MAX_PINNED
    });
    (statuses, media, polls, accounts)
}

/// GET /api/v1/instance
pub(crate) async fn v1(State(state): State<AppState>) -> Result<Json<Value>, HttpError> {
    let usage = accounts::usage(&state).await?;
    let (status_count, domains) = state
        .db()
        .read(|conn| Ok((Post::count_local(conn)?, Account::known_domains(conn)?)))
        .await?;
    let instance = &state.config().instance;
    let (statuses, media, polls, account_limits) = limits();
    Ok(Json(json!({
        "uri": state.urls().domain(),
        "title": instance.name,
        "short_description": instance.description,
        "description": instance.description,
        "email": instance.contact_email.clone().unwrap_or_default(),
        "version": version(),
        "urls": { "streaming_api": streaming_url(&state) },
        "stats": {
            "user_count": usage.total,
            "status_count": status_count,
            "domain_count": domains.len()
        },
        "thumbnail": state.urls().default_header(),
        "languages": LANGUAGES,
        "registrations": instance.registrations == RegistrationMode::Open,
        "approval_required": false,
        "invites_enabled": instance.registrations == RegistrationMode::Invite,
        "configuration": {
            "accounts": account_limits,
            "statuses": statuses,
            "media_attachments": media,
            "polls": polls
        },
        "contact_account": null,
        "rules": []
    })))
}

/// GET /api/v2/instance
pub(crate) async fn v2(State(state): State<AppState>) -> Result<Json<Value>, HttpError> {
    let usage = accounts::usage(&state).await?;
    let instance = &state.config().instance;
    let (statuses, media, polls, account_limits) = limits();
    let registrations_message = match instance.registrations {
        RegistrationMode::Open => None,
        RegistrationMode::Invite => Some("Accounts are created by invitation."),
        RegistrationMode::Closed => Some("Accounts are created by the administrators."),
    };
    Ok(Json(json!({
        "domain": state.urls().domain(),
        "title": instance.name,
        "version": version(),
        "source_url": state.urls().at("/"),
        "description": instance.description,
        "usage": { "users": { "active_month": usage.active_month } },
        "thumbnail": {
            "url": state.urls().default_header(),
            "blurhash": null,
            "versions": {}
        },
        "icon": [],
        "languages": LANGUAGES,
        "configuration": {
            "urls": { "streaming": streaming_url(&state), "status": null },
            "vapid": { "public_key": vapid_key(&state) },
            "accounts": account_limits,
            "statuses": statuses,
            "media_attachments": media,
            "polls": polls,
            "translation": { "enabled": false }
        },
        "registrations": {
            "enabled": instance.registrations == RegistrationMode::Open,
            "approval_required": false,
            "message": registrations_message,
            "url": null
        },
        "api_versions": { "mastodon": 2 },
        "contact": {
            "email": instance.contact_email.clone().unwrap_or_default(),
            "account": null
        },
        "rules": []
    })))
}

/// GET /api/v1/instance/peers: the domains of known remote accounts (to people only, in
/// `allowlist` mode).
pub(crate) async fn peers(
    State(state): State<AppState>,
    _reader: MaybeAuth,
) -> Result<Json<Vec<String>>, HttpError> {
    Ok(Json(state.db().read(Account::known_domains).await?))
}

/// GET /api/v1/instance/domain_blocks: every blocked domain, with its reason. Public, as
/// the instance's other documents; a token that is sent must be valid.
pub(crate) async fn blocked_domains(
    State(state): State<AppState>,
    _auth: MaybeAuth,
) -> Result<Json<Vec<DomainBlockEntity>>, HttpError> {
    let blocks = domain_blocks::list(&state).await?;
    Ok(Json(blocks.iter().map(Into::into).collect()))
}

/// GET /api/v1/instance/rules and /activity: nothing to list.
pub(crate) async fn empty_list() -> Json<Value> {
    Json(json!([]))
}

/// GET /api/v1/instance/extended_description
pub(crate) async fn extended_description(State(state): State<AppState>) -> Json<Value> {
    let description = trellis_content::text::escape_html(&state.config().instance.description);
    Json(json!({
        "updated_at": datetime(chrono::Utc::now().naive_utc()),
        "content": if description.is_empty() { String::new() } else { format!("<p>{description}</p>") }
    }))
}
