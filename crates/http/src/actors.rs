//! Actor documents: `/users/NAME` (a Person, or an article channel's Group) and `/actor` (the
//! instance's Application actor), as ActivityPub JSON for servers and as a profile page for
//! browsers.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::HttpError;
use crate::negotiate::{ACTIVITY_JSON, Representation};
use crate::web::profile::profile_page;
use crate::web::viewer::WebViewer;
use trellis_domain::outbound::actor::to_document;
use trellis_domain::outbound::tombstone;
use trellis_domain::services::ServiceError;
use trellis_domain::services::articles::channels;
use trellis_domain::services::{accounts, instance_actor};
use trellis_domain::state::AppState;
use trellis_protocol::json::context::ACTIVITYSTREAMS;

/// GET /users/{username}: a person or an article channel (Group).
pub(crate) async fn person(
    State(state): State<AppState>,
    WebViewer(viewer): WebViewer,
    Path(username): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let representation = Representation::from_headers(&headers);
    let account = match accounts::public_profile(&state, &username).await {
        Ok(account) => account,
        Err(ServiceError::NotFound(message)) => {
            return match accounts::disabled_person_uri(&state, &username).await? {
                Some(uri) if !matches!(representation, Representation::Html) => {
                    Ok(gone_person(&uri))
                }
                _ => Err(HttpError::not_found(message)),
            };
        }
        Err(e) => return Err(e.into()),
    };
    if account.actor_type == channels::ACTOR_TYPE
        && !matches!(representation, Representation::Html)
        && let Some(document) =
            trellis_domain::services::communities::document::actor_document(&state, &account)
                .await?
    {
        return Ok(activity_json(&document));
    }
    match representation {
        // A channel's page is the category (or article index) it carries.
        Representation::Html
            if account.actor_type == channels::ACTOR_TYPE
                && account.url.as_ref() != Some(&account.uri) =>
        {
            let page = account.url.unwrap_or_else(|| state.urls().articles_index());
            Ok(Redirect::to(&page).into_response())
        }
        Representation::Html => profile_page(&state, viewer, &account),
        _ => Ok(activity_json(&to_document(&account, state.urls()))),
    }
}

/// A disabled person's actor document: 410 Gone with a Tombstone that was a Person.
fn gone_person(uri: &str) -> Response {
    let mut document = tombstone::of(uri, Some("Person".into()), None);
    document.context = Some(serde_json::json!(ACTIVITYSTREAMS));
    (StatusCode::GONE, activity_json(&document)).into_response()
}

/// GET /@{username}: the short profile address redirects to the canonical one.
pub(crate) async fn short_profile(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> Result<Redirect, HttpError> {
    let username = handle
        .strip_prefix('@')
        .ok_or_else(|| HttpError::not_found("not found"))?;
    let account = accounts::public_profile(&state, username).await?;
    Ok(Redirect::to(&account.uri))
}

/// GET /actor
pub(crate) async fn instance(State(state): State<AppState>) -> Result<Response, HttpError> {
    let actor = instance_actor::find(&state)
        .await?
        .ok_or_else(|| HttpError::not_found("the instance actor does not exist yet"))?;
    let mut document = to_document(&actor, state.urls());
    document.preferred_username = Some(state.urls().domain().to_string());
    Ok(activity_json(&document))
}

/// Serializes an ActivityPub document with its media type.
pub(crate) fn activity_json<T: serde::Serialize>(document: &T) -> Response {
    match serde_json::to_string(document) {
        Ok(body) => ([(header::CONTENT_TYPE, ACTIVITY_JSON)], body).into_response(),
        Err(e) => HttpError::internal(e).into_response(),
    }
}
