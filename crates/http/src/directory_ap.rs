//! `GET /federation/directory`: the directory exchange, serving side. The discoverable local
//! people as an `OrderedCollection` of full actor documents, paged, for the organisation's
//! peers. Only signed requests are answered (401 otherwise); when the instance federates with
//! its peers only (`allowlist`), a signer that is not a peer gets 403.

use activitypub_federation::config::Data;
use axum::extract::{OriginalUri, Query};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use crate::actors::activity_json;
use crate::error::HttpError;
use trellis_domain::outbound::directory;
use trellis_domain::services::directory::{EXCHANGE_PAGE_SIZE, is_peer, local_people};
use trellis_domain::state::AppState;
use trellis_federation::fetch_auth::requester;

/// `?page=N` (from 1); without it, the collection itself.
#[derive(Debug, Deserialize)]
pub(crate) struct DirectoryPageQuery {
    page: Option<String>,
}

/// `GET /federation/directory[?page=N]`
pub(crate) async fn directory(
    data: Data<AppState>,
    method: Method,
    uri: OriginalUri,
    headers: HeaderMap,
    Query(query): Query<DirectoryPageQuery>,
) -> Result<Response, HttpError> {
    let path = uri.0.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let signer = requester(&data, &method, path, &headers)
        .await?
        .ok_or_else(|| {
            HttpError::new(
                StatusCode::UNAUTHORIZED,
                "the directory answers signed requests only",
            )
        })?;
    if data.config().federation.is_closed()
        && let Some(domain) = &signer.domain
        && !is_peer(&data, domain).await?
    {
        return Err(HttpError::new(
            StatusCode::FORBIDDEN,
            "the directory is served to the organisation's peers only",
        ));
    }
    let page = match query.page.as_deref() {
        None => None,
        Some(text) => Some(
            text.parse::<u64>()
                .ok()
                .filter(|p| (1..=1_000_000).contains(p))
                .ok_or_else(|| HttpError::bad_request("page must be a number from 1"))?,
        ),
    };
    let Some(page) = page else {
        let (_, total) = local_people(&data, 0, 0).await?;
        return Ok(activity_json(&directory::collection(data.urls(), total)));
    };
    let offset = (page as i64 - 1) * EXCHANGE_PAGE_SIZE;
    let (people, total) = local_people(&data, offset, EXCHANGE_PAGE_SIZE).await?;
    let more = offset + (people.len() as i64) < total;
    Ok(activity_json(&directory::page(
        data.urls(),
        page,
        &people,
        more,
    )))
}
