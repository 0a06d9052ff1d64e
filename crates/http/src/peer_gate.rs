//! Closing the ActivityPub side of an instance in `allowlist` mode: every ActivityPub GET
//! (actors, notes, articles, collections) needs a valid HTTP signature by one of the
//! organisation's peers. Unsigned or unverifiable requests get 401, a signer that is no peer
//! 403, before the handler runs. In `open` mode the layer lets everything through.
//!
//! Discovery (WebFinger, NodeInfo, host-meta) and the instance actor (`/actor`, whose key
//! peers fetch to verify this instance's own signatures) stay open, as in Mastodon's limited
//! federation mode; pages and feeds have their own gate (`web::gate`).

use activitypub_federation::config::{Data, FederationConfig};
use axum::Extension;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::HttpError;
use trellis_domain::state::AppState;
use trellis_federation::fetch_auth::{peer_requester, requester};
use trellis_storage::models::Account;

/// The peer whose signature the gate verified, handed on to the handler so it is not
/// verified twice.
#[derive(Clone, Debug)]
pub(crate) struct VerifiedSigner(pub(crate) Account);

/// Middleware for routes that serve only ActivityPub documents.
pub(crate) async fn peers_only(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !state.config().federation.is_closed() {
        return next.run(request).await;
    }
    require_peer(request, next).await
}

/// Runs the request when a peer signed it; otherwise answers 401 or 403.
pub(crate) async fn require_peer(mut request: Request, next: Next) -> Response {
    let Some(config) = request
        .extensions()
        .get::<FederationConfig<AppState>>()
        .cloned()
    else {
        return HttpError::internal("the federation layer is missing").into_response();
    };
    let data = config.to_request_data();
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_string();
    match peer_requester(&data, request.method(), &path, request.headers()).await {
        Ok(signer) => {
            request.extensions_mut().insert(VerifiedSigner(signer));
            next.run(request).await
        }
        Err(e) => HttpError::from(e).into_response(),
    }
}

/// Who signed the request: the signer the gate verified, else the request's own signature
/// (`None` when unsigned; an error when a signature does not verify).
pub(crate) async fn signer(
    data: &Data<AppState>,
    verified: Option<Extension<VerifiedSigner>>,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
) -> Result<Option<Account>, HttpError> {
    if let Some(Extension(VerifiedSigner(account))) = verified {
        return Ok(Some(account));
    }
    Ok(requester(data, method, path_and_query, headers).await?)
}
