//! Actor collections: outbox, followers and following, as paged OrderedCollections.

use activitypub_federation::config::Data;
use axum::extract::{Path, Query};
use axum::response::Response;
use serde::Deserialize;

use crate::actors::activity_json;
use crate::error::HttpError;
use trellis_domain::outbound::collection::{collection, ids, inline, outbox_items, page};
use trellis_domain::services::accounts;
use trellis_domain::services::visibility::SERVED_TO_OTHER_SERVERS;
use trellis_domain::state::AppState;
use trellis_storage::models::status_pin::StatusPin;
use trellis_storage::models::{Follow, Post};

/// Items per collection page.
const PAGE_SIZE: i64 = 20;

/// Page selection of a collection request.
#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    page: Option<String>,
    max_id: Option<i64>,
}

/// GET /users/{username}/outbox: Create activities of public and unlisted posts and Announce
/// activities of boosts (a channel's outbox is its articles), newest first.
pub(crate) async fn outbox(
    data: Data<AppState>,
    Path(username): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, HttpError> {
    let account = accounts::public_profile(&data, &username).await?;
    let id = data.urls().user_outbox(&username);
    let account_id = account.id;
    if query.page.is_none() {
        let total = data
            .db()
            .read(move |conn| Post::count_by_account_in(conn, account_id, &SERVED_TO_OTHER_SERVERS))
            .await?;
        return Ok(activity_json(&collection(&id, total)));
    }
    let max_id = query.max_id;
    let actor = account.uri.clone();
    let followers = account.followers_url.clone().unwrap_or_default();
    let (items, last) = data
        .db()
        .read(move |conn| {
            let posts = Post::by_account_in(
                conn,
                account_id,
                &SERVED_TO_OTHER_SERVERS,
                max_id,
                PAGE_SIZE,
            )?;
            let last = (posts.len() as i64 == PAGE_SIZE)
                .then(|| posts.last().map(|p| p.id))
                .flatten();
            let items = outbox_items(conn, &actor, &followers, &posts)?;
            Ok((items, last))
        })
        .await?;
    let page_id = match max_id {
        Some(max) => format!("{id}?page=1&max_id={max}"),
        None => format!("{id}?page=1"),
    };
    let next = last.map(|last| format!("{id}?page=1&max_id={last}"));
    Ok(activity_json(&page(&id, &page_id, items, next)))
}

/// GET /users/{username}/collections/featured: the ids of the public and unlisted posts the
/// person pinned, latest pin first, inline (Mastodon reads it to show pinned posts).
pub(crate) async fn featured(
    data: Data<AppState>,
    Path(username): Path<String>,
) -> Result<Response, HttpError> {
    let account = accounts::public_profile(&data, &username).await?;
    let id = data.urls().user_featured(&username);
    let account_id = account.id;
    let uris = data
        .db()
        .read(move |conn| {
            let pinned = StatusPin::post_ids_of(conn, account_id)?;
            let posts = Post::by_ids_in(conn, &pinned, &SERVED_TO_OTHER_SERVERS)?;
            Ok(pinned
                .iter()
                .filter_map(|id| posts.iter().find(|p| p.id == *id))
                .map(|p| p.uri.clone())
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(activity_json(&inline(&id, ids(uris))))
}

/// GET /users/{username}/followers
pub(crate) async fn followers(
    data: Data<AppState>,
    Path(username): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, HttpError> {
    relation_collection(data, username, query, true).await
}

/// GET /users/{username}/following
pub(crate) async fn following(
    data: Data<AppState>,
    Path(username): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, HttpError> {
    relation_collection(data, username, query, false).await
}

async fn relation_collection(
    data: Data<AppState>,
    username: String,
    query: PageQuery,
    followers: bool,
) -> Result<Response, HttpError> {
    let account = accounts::public_profile(&data, &username).await?;
    let id = if followers {
        data.urls().user_followers(&username)
    } else {
        data.urls().user_following(&username)
    };
    let account_id = account.id;
    let total = if followers {
        account.followers_count
    } else {
        account.following_count
    };
    let Some(page_text) = query.page else {
        return Ok(activity_json(&collection(&id, total)));
    };
    let number: i64 = page_text.parse().unwrap_or(1).max(1);
    let offset = (number - 1) * PAGE_SIZE;
    let accounts = data
        .db()
        .read(move |conn| {
            if followers {
                Follow::followers(conn, account_id, offset, PAGE_SIZE)
            } else {
                Follow::following(conn, account_id, offset, PAGE_SIZE)
            }
        })
        .await?;
    let next = (offset + PAGE_SIZE < total).then(|| format!("{id}?page={}", number + 1));
    let items = ids(accounts.into_iter().map(|a| a.uri));
    Ok(activity_json(&page(
        &id,
        &format!("{id}?page={number}"),
        items,
        next,
    )))
}

/// GET /users/{username}/moderators: a community's moderators (Lemmy's collection).
pub(crate) async fn moderators(
    data: Data<AppState>,
    Path(username): Path<String>,
) -> Result<Response, HttpError> {
    let account = accounts::public_profile(&data, &username).await?;
    match trellis_domain::services::communities::document::moderators_collection(&data, &account)
        .await?
    {
        Some(document) => Ok(activity_json(&document)),
        None => Err(HttpError::not_found("no community of that name")),
    }
}
