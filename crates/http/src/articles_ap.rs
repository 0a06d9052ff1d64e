//! Local articles at their ActivityPub ids (`/articles/ID`): the `Article` JSON for servers (a
//! Tombstone, 410, once deleted), a redirect to the web page for browsers, and the replies
//! collection (`/articles/ID/replies`) of the article's discussion.

use activitypub_federation::config::Data;
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};

use crate::actors::activity_json;
use crate::error::HttpError;
use crate::negotiate::Representation;
use crate::objects::replies_collection;
use crate::peer_gate::{VerifiedSigner, signer};
use trellis_domain::outbound::note::note_json;
use trellis_domain::outbound::tombstone;
use trellis_domain::state::AppState;
use trellis_storage::models::article::{Article, ArticleStatus};
use trellis_storage::models::{Post, Tombstone};

/// The replies collection of an article. `/articles/{key}` itself is served by
/// `web::articles::show`, which asks [`at_id`] first (ids) and then looks up slugs, so one
/// route serves both.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/articles/{key}/replies", get(replies))
}

/// What stands at an article id.
enum Found {
    /// A published (or archived) local article and its status.
    Article(Box<(Article, Post)>),
    /// A deleted article.
    Gone(Tombstone),
}

async fn find(data: &AppState, key: &str) -> Result<Option<Found>, HttpError> {
    let Ok(id) = key.parse::<i64>() else {
        return Ok(None);
    };
    let uri = data.urls().article(id);
    Ok(data
        .db()
        .read(move |conn| {
            // Department-only articles are answered as unknown, to everyone.
            let article = Article::find(conn, id)?
                .filter(|a| a.status != ArticleStatus::Draft && !a.local_only);
            if let Some(article) = article {
                let post = match article.post_id {
                    Some(post) => Post::find(conn, post)?.filter(|p| p.local),
                    None => None,
                };
                if let Some(post) = post {
                    return Ok(Some(Found::Article(Box::new((article, post)))));
                }
                return Ok(None);
            }
            Ok(Tombstone::find(conn, &uri)?.map(Found::Gone))
        })
        .await?)
}

/// The answer at an article id, or `None` when `key` is not the id of a published or
/// deleted local article. The web page handler of `/articles/{slug}` (the same route pattern)
/// calls this first, so that one route serves ids and slugs.
pub(crate) async fn at_id(data: &AppState, key: &str, headers: &HeaderMap) -> Option<Response> {
    let found = match find(data, key).await {
        Ok(found) => found?,
        Err(e) => return Some(e.into_response()),
    };
    let wants_json = Representation::from_headers(headers) != Representation::Html;
    Some(match found {
        Found::Article(found) if wants_json => {
            let (_, post) = *found;
            match data.db().read(move |conn| note_json(conn, &post)).await {
                Ok(json) => activity_json(&json),
                Err(e) => HttpError::from(e).into_response(),
            }
        }
        Found::Article(found) => {
            Redirect::to(&data.urls().article_page(&found.0.slug)).into_response()
        }
        Found::Gone(t) => {
            (StatusCode::GONE, activity_json(&tombstone::document(&t))).into_response()
        }
    })
}

/// GET /articles/{id}/replies: the direct replies the requester may see.
pub(crate) async fn replies(
    data: Data<AppState>,
    Path(key): Path<String>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    verified: Option<Extension<VerifiedSigner>>,
) -> Response {
    let post = match find(&data, &key).await {
        Ok(Some(Found::Article(found))) => found.1,
        Ok(Some(Found::Gone(_)) | None) => {
            return HttpError::not_found("no such article").into_response();
        }
        Err(e) => return e.into_response(),
    };
    let path = uri.0.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let viewer = match signer(&data, verified, &method, path, &headers).await {
        Ok(viewer) => viewer.map(|v| v.id),
        Err(e) => return e.into_response(),
    };
    replies_collection(&data, &post, viewer).await
}
