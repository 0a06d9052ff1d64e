//! Local objects at their ids: notes (JSON or HTML) and their replies collection, answering
//! only to those who may see them (authorized fetch through HTTP signatures).

use activitypub_federation::config::Data;
use askama::Template;
use axum::Extension;
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::actors::activity_json;
use crate::error::HttpError;
use crate::negotiate::Representation;
use crate::peer_gate::{VerifiedSigner, signer};
use crate::web::viewer::{SignedIn, WebViewer};
use trellis_domain::outbound::note::note_json;
use trellis_domain::outbound::{collection, tombstone};
use trellis_domain::services::{accounts, visibility};
use trellis_domain::state::AppState;
use trellis_storage::models::{Account, Post, Tombstone};

#[derive(Template)]
#[template(path = "note.html")]
struct NotePage<'a> {
    instance_name: &'a str,
    viewer: Option<SignedIn>,
    author_name: &'a str,
    handle: String,
    author_url: &'a str,
    content: &'a str,
    summary: &'a str,
    published: String,
    object_url: &'a str,
}

/// A local post someone may see, with its author and who is asking (from the HTTP signature).
struct Visible {
    author: Account,
    post: Post,
    viewer: Option<i64>,
}

/// The local post at `/users/{username}/statuses/{id}` if the signer may see it, or the error
/// to answer: 401 for a bad signature, 410 for a deleted post, 404 for a missing or hidden one.
async fn visible_post(
    data: &Data<AppState>,
    username: &str,
    id: i64,
    method: &Method,
    uri: &OriginalUri,
    headers: &HeaderMap,
    verified: Option<Extension<VerifiedSigner>>,
) -> Result<Visible, Response> {
    let author = accounts::public_profile(data, username)
        .await
        .map_err(|e| HttpError::from(e).into_response())?;
    let author_id = author.id;
    let post = data
        .db()
        .read(move |conn| Post::find(conn, id))
        .await
        .map_err(|e| HttpError::from(e).into_response())?
        // A department-only post is never served here: it is for people of this instance.
        .filter(|p| {
            p.account_id == author_id && p.local && p.reblog_of_id.is_none() && !p.local_only
        });
    let Some(post) = post else {
        let object_uri = data.urls().post(username, id);
        let tombstone = data
            .db()
            .read(move |conn| Tombstone::find(conn, &object_uri))
            .await
            .map_err(|e| HttpError::from(e).into_response())?;
        return Err(match tombstone {
            Some(t) => (StatusCode::GONE, activity_json(&tombstone::document(&t))).into_response(),
            None => HttpError::not_found("no such post").into_response(),
        });
    };
    let path = uri.0.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let viewer = signer(data, verified, method, path, headers)
        .await
        .map_err(IntoResponse::into_response)?
        .map(|v| v.id);
    visibility::ensure_visible(data.db(), &post, viewer)
        .await
        .map_err(|e| HttpError::from(e).into_response())?;
    Ok(Visible {
        author,
        post,
        viewer,
    })
}

/// GET /users/{username}/statuses/{id}
pub(crate) async fn note(
    data: Data<AppState>,
    WebViewer(viewer): WebViewer,
    Path((username, id)): Path<(String, i64)>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    verified: Option<Extension<VerifiedSigner>>,
) -> Response {
    let Visible { author, post, .. } =
        match visible_post(&data, &username, id, &method, &uri, &headers, verified).await {
            Ok(found) => found,
            Err(response) => return response,
        };
    if Representation::from_headers(&headers) == Representation::Html {
        let page = NotePage {
            instance_name: &data.config().instance.name,
            viewer,
            author_name: &author.display_name,
            handle: format!("{}@{}", author.username, data.urls().domain()),
            author_url: &author.uri,
            content: &post.content,
            summary: &post.summary,
            published: post.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            object_url: &post.uri,
        };
        return match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(e) => HttpError::from(e).into_response(),
        };
    }
    match data.db().read(move |conn| note_json(conn, &post)).await {
        Ok(note) => activity_json(&note),
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// GET /users/{username}/statuses/{id}/replies
pub(crate) async fn replies(
    data: Data<AppState>,
    Path((username, id)): Path<(String, i64)>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    verified: Option<Extension<VerifiedSigner>>,
) -> Response {
    let Visible { post, viewer, .. } =
        match visible_post(&data, &username, id, &method, &uri, &headers, verified).await {
            Ok(found) => found,
            Err(response) => return response,
        };
    replies_collection(&data, &post, viewer).await
}

/// The `replies` collection of `post`: the ids of its direct replies that `viewer` may see
/// (one visibility check for the whole page, not one per reply).
pub(crate) async fn replies_collection(
    data: &AppState,
    post: &Post,
    viewer: Option<i64>,
) -> Response {
    let parent_id = post.id;
    let items = data
        .db()
        .read(move |conn| {
            let replies = Post::replies(conn, parent_id, 200)?;
            let visible = visibility::visible_posts(conn, replies, viewer)?;
            Ok(visible
                .into_iter()
                .map(|reply| reply.uri)
                .collect::<Vec<_>>())
        })
        .await;
    match items {
        Ok(items) => activity_json(&collection::inline(
            &format!("{}/replies", post.uri),
            collection::ids(items),
        )),
        Err(e) => HttpError::from(e).into_response(),
    }
}
