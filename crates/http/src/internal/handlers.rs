//! Handlers of the internal interface: parse, call a service, answer JSON.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::HttpError;
use trellis_domain::services::accounts::{self, NewPerson};
use trellis_domain::services::posts::Draft;
use trellis_domain::services::profile::ProfileChange;
use trellis_domain::services::{
    ServiceError, follows, interactions, posts, profile, resolve, timelines, visibility,
};
use trellis_domain::state::AppState;
use trellis_storage::models::delivery::queue_by_host;
use trellis_storage::models::post::Visibility;
use trellis_storage::models::{Account, Post};

use super::Fed;
use super::summary::{PostSummary, summaries};

type JsonResult = Result<Json<Value>, HttpError>;

async fn person(state: &AppState, username: &str) -> Result<Account, HttpError> {
    Ok(accounts::public_profile(state, username).await?)
}

/// Body of `POST /internal/v1/users`.
#[derive(Deserialize)]
pub(super) struct CreateUser {
    username: String,
    email: Option<String>,
    password: Option<String>,
    display_name: Option<String>,
    #[serde(default)]
    locked: bool,
    /// admin, moderator, editor or member (default).
    role: Option<String>,
    department: Option<String>,
}

/// Creates a local person.
pub(super) async fn create_user(
    data: Fed,
    Json(body): Json<CreateUser>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let created = accounts::create(
        &data,
        NewPerson {
            email: body
                .email
                .unwrap_or_else(|| format!("{}@{}", body.username, "example.invalid")),
            username: body.username,
            password: body.password,
            display_name: body.display_name,
            role: body
                .role
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e: String| {
                    HttpError::from(trellis_domain::services::ServiceError::invalid("role", e))
                })?,
            department: body.department,
            ..Default::default()
        },
    )
    .await?;
    let mut account = created.account;
    if body.locked {
        account = follows::set_locked(&data, &account, true).await?;
    }
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": account.id.to_string(), "uri": account.uri, "locked": account.locked })),
    ))
}

/// Body naming another actor.
#[derive(Deserialize)]
pub(super) struct Target {
    target: String,
}

/// Follows an actor by URL or handle.
pub(super) async fn follow(
    data: Fed,
    Path(username): Path<String>,
    Json(body): Json<Target>,
) -> JsonResult {
    let me = person(&data, &username).await?;
    let follow = follows::follow(&data, &me, &body.target).await?;
    Ok(Json(
        json!({ "uri": follow.uri, "accepted": follow.accepted }),
    ))
}

/// Stops following.
pub(super) async fn unfollow(
    data: Fed,
    Path(username): Path<String>,
    Json(body): Json<Target>,
) -> JsonResult {
    let me = person(&data, &username).await?;
    follows::unfollow(&data, &me, &body.target).await?;
    Ok(Json(json!({ "unfollowed": true })))
}

/// Pending follow requests.
pub(super) async fn follow_requests(
    State(state): State<AppState>,
    Path(username): Path<String>,
) -> JsonResult {
    let me = person(&state, &username).await?;
    let pending = follows::requests(&state, &me).await?;
    Ok(Json(json!(
        pending.into_iter().map(|a| a.uri).collect::<Vec<_>>()
    )))
}

/// Body of an answer to a follow request.
#[derive(Deserialize)]
pub(super) struct Answer {
    actor: String,
    accept: bool,
}

/// Approves or rejects a follow request.
pub(super) async fn answer_request(
    data: Fed,
    Path(username): Path<String>,
    Json(body): Json<Answer>,
) -> JsonResult {
    let me = person(&data, &username).await?;
    follows::answer_request(&data, &me, &body.actor, body.accept).await?;
    Ok(Json(json!({ "answered": true })))
}

/// Body of `locked`.
#[derive(Deserialize)]
pub(super) struct Locked {
    locked: bool,
}

/// Sets whether follows need approval.
pub(super) async fn set_locked(
    data: Fed,
    Path(username): Path<String>,
    Json(body): Json<Locked>,
) -> JsonResult {
    let me = person(&data, &username).await?;
    let account = follows::set_locked(&data, &me, body.locked).await?;
    Ok(Json(json!({ "locked": account.locked })))
}

/// Body of a profile change.
#[derive(Deserialize)]
pub(super) struct Profile {
    display_name: Option<String>,
    bio: Option<String>,
}

/// Changes the display name or biography.
pub(super) async fn update_profile(
    data: Fed,
    Path(username): Path<String>,
    Json(body): Json<Profile>,
) -> JsonResult {
    let me = person(&data, &username).await?;
    let account = profile::update(
        &data,
        &me,
        ProfileChange {
            display_name: body.display_name,
            bio: body.bio,
        },
    )
    .await?;
    Ok(Json(
        json!({ "display_name": account.display_name, "bio": account.bio }),
    ))
}

/// Body of a new post.
#[derive(Deserialize)]
pub(super) struct NewPost {
    text: String,
    visibility: Option<String>,
    in_reply_to: Option<String>,
    #[serde(default)]
    spoiler_text: String,
    #[serde(default)]
    sensitive: bool,
    /// Department-only: for people of this instance only.
    #[serde(default)]
    local_only: bool,
}

/// Publishes a post.
pub(super) async fn create_post(
    data: Fed,
    Path(username): Path<String>,
    Json(body): Json<NewPost>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    let me = person(&data, &username).await?;
    let visibility = match body.visibility.as_deref() {
        None => Visibility::Public,
        Some(name) => Visibility::parse(name).ok_or_else(|| {
            HttpError::from(ServiceError::invalid(
                "visibility",
                "must be public, unlisted, private or direct",
            ))
        })?,
    };
    let post = posts::create(
        &data,
        &me,
        Draft {
            text: body.text,
            visibility,
            in_reply_to: body.in_reply_to,
            spoiler_text: body.spoiler_text,
            sensitive: body.sensitive,
            language: None,
            local_only: body.local_only,
            idempotency_key: None,
            poll: None,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!(summary_of(&data, post).await?)),
    ))
}

/// Body of an edit.
#[derive(Deserialize)]
pub(super) struct Edit {
    text: String,
    spoiler_text: Option<String>,
}

/// Edits a post.
pub(super) async fn edit_post(
    data: Fed,
    Path((username, id)): Path<(String, i64)>,
    Json(body): Json<Edit>,
) -> JsonResult {
    let me = person(&data, &username).await?;
    let post = posts::edit(&data, &me, id, body.text, body.spoiler_text).await?;
    Ok(Json(json!(summary_of(&data, post).await?)))
}

/// Deletes a post.
pub(super) async fn delete_post(
    data: Fed,
    Path((username, id)): Path<(String, i64)>,
) -> JsonResult {
    let me = person(&data, &username).await?;
    posts::delete(&data, &me, id).await?;
    Ok(Json(json!({ "deleted": true })))
}

/// Body naming an object.
#[derive(Deserialize)]
pub(super) struct Object {
    object: String,
}

/// like, unlike, boost or unboost.
pub(super) async fn interact(
    data: Fed,
    Path((username, interaction)): Path<(String, String)>,
    Json(body): Json<Object>,
) -> JsonResult {
    let me = person(&data, &username).await?;
    let post = match interaction.as_str() {
        "like" => interactions::like(&data, &me, &body.object).await?,
        "unlike" => interactions::unlike(&data, &me, &body.object).await?,
        "boost" => interactions::boost(&data, &me, &body.object).await?,
        "unboost" => interactions::unboost(&data, &me, &body.object).await?,
        _ => return Err(HttpError::not_found("unknown interaction")),
    };
    Ok(Json(json!(summary_of(&data, post).await?)))
}

/// Fetches a remote post (with its thread parents) by URL.
pub(super) async fn resolve(
    data: Fed,
    Path(username): Path<String>,
    Json(body): Json<Object>,
) -> JsonResult {
    let me = person(&data, &username).await?;
    let post = resolve::visible_post(&data, &body.object, me.id).await?;
    Ok(Json(json!(summary_of(&data, post).await?)))
}

/// The home timeline, newest first.
pub(super) async fn home(
    State(state): State<AppState>,
    Path(username): Path<String>,
) -> JsonResult {
    let me = person(&state, &username).await?;
    let rows = timelines::home(&state, me.id, 100).await?;
    let list = state.db().read(move |conn| summaries(conn, &rows)).await?;
    Ok(Json(json!(list)))
}

/// Followers and follows.
pub(super) async fn relations(
    State(state): State<AppState>,
    Path(username): Path<String>,
) -> JsonResult {
    let me = person(&state, &username).await?;
    let relations = follows::relations(&state, &me).await?;
    let uris = |accounts: Vec<Account>| accounts.into_iter().map(|a| a.uri).collect::<Vec<_>>();
    Ok(Json(json!({
        "followers": uris(relations.followers),
        "following": uris(relations.following),
        "requested": uris(relations.requested),
    })))
}

/// Query of `GET /internal/v1/posts`.
#[derive(Deserialize)]
pub(super) struct ShowPost {
    uri: String,
    #[serde(rename = "as")]
    viewer: Option<String>,
}

/// A stored post with its thread, as `as` may see it; never fetches.
pub(super) async fn show_post(
    State(state): State<AppState>,
    Query(query): Query<ShowPost>,
) -> JsonResult {
    let viewer = match &query.viewer {
        Some(name) => Some(person(&state, name).await?.id),
        None => None,
    };
    let uri = query.uri.clone();
    let post = state
        .db()
        .read(move |conn| Post::find_by_uri(conn, &uri))
        .await?
        .ok_or_else(|| HttpError::not_found("no such post here"))?;
    visibility::ensure_visible(state.db(), &post, viewer).await?;
    let (ancestors, descendants) = timelines::thread(&state, &post, viewer).await?;
    let (post, ancestors, descendants) = state
        .db()
        .read(move |conn| {
            Ok((
                summaries(conn, std::slice::from_ref(&post))?,
                summaries(conn, &ancestors)?,
                summaries(conn, &descendants)?,
            ))
        })
        .await?;
    Ok(Json(
        json!({ "post": post.first(), "ancestors": ancestors, "descendants": descendants }),
    ))
}

/// Pending and failed deliveries per host.
pub(super) async fn queue(State(state): State<AppState>) -> JsonResult {
    let hosts = state.db().read(queue_by_host).await?;
    Ok(Json(json!(
        hosts
            .into_iter()
            .map(|h| json!({
                "host": h.host,
                "pending": h.pending,
                "failed": h.failed,
                "delivered": h.delivered,
                "consecutive_failures": h.consecutive_failures,
                "last_error": h.last_error,
            }))
            .collect::<Vec<_>>()
    )))
}

async fn summary_of(state: &AppState, post: Post) -> Result<PostSummary, HttpError> {
    let mut list = state
        .db()
        .read(move |conn| summaries(conn, &[post]))
        .await?;
    list.pop()
        .ok_or_else(|| HttpError::internal("summary of a stored post is missing"))
}
