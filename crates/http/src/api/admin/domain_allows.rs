//! `/api/v1/admin/domain_allows`: Mastodon's domain allows over the organisation's peers
//! allowed at run time (`services::peers`). The id is the authority (`host[:port]`). Peers
//! named by `TRELLIS_FEDERATION_PEERS` are not listed and cannot be removed here (409).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{AdminAuth, ReadDomainAllows, WriteDomainAllows};
use super::{by_id, invalid, record_not_found};
use crate::api::entities::domain::DomainAllowEntity;
use crate::api::params::{ApiForm, de};
use crate::error::HttpError;
use trellis_domain::services::peers;
use trellis_domain::state::AppState;

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/domain_allows", get(list).post(create))
        .route("/api/v1/admin/domain_allows/{id}", get(show).delete(remove))
}

/// Body of `POST /api/v1/admin/domain_allows`.
#[derive(Debug, Deserialize)]
struct AllowBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
}

/// `GET /api/v1/admin/domain_allows`
async fn list(
    State(state): State<AppState>,
    _admin: AdminAuth<ReadDomainAllows>,
) -> Result<Json<Vec<DomainAllowEntity>>, HttpError> {
    let peers = peers::list(&state).await?;
    Ok(Json(peers.allowed.iter().map(Into::into).collect()))
}

/// `GET /api/v1/admin/domain_allows/:id`
async fn show(
    State(state): State<AppState>,
    _admin: AdminAuth<ReadDomainAllows>,
    Path(id): Path<String>,
) -> Result<Json<DomainAllowEntity>, HttpError> {
    let peer = peers::find(&state, &id)
        .await
        .map_err(by_id)?
        .ok_or_else(record_not_found)?;
    Ok(Json((&peer).into()))
}

/// `POST /api/v1/admin/domain_allows`: allows the authority as a peer (again: the earlier
/// allow).
async fn create(
    State(state): State<AppState>,
    admin: AdminAuth<WriteDomainAllows>,
    ApiForm(body): ApiForm<AllowBody>,
) -> Result<Json<DomainAllowEntity>, HttpError> {
    let Some(domain) = body.domain.as_deref().filter(|d| !d.trim().is_empty()) else {
        return Err(invalid("domain", "domain can't be blank"));
    };
    let (peer, new) = peers::allow(&state, &admin.acting, domain).await?;
    if new {
        tracing::info!(admin = %admin.account.username, peer = %peer.authority, "peer allowed through the admin API");
    }
    Ok(Json((&peer).into()))
}

/// `DELETE /api/v1/admin/domain_allows/:id`: stops allowing the peer.
async fn remove(
    State(state): State<AppState>,
    admin: AdminAuth<WriteDomainAllows>,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    if !peers::deny(&state, &admin.acting, &id)
        .await
        .map_err(by_id)?
    {
        return Err(record_not_found());
    }
    tracing::info!(admin = %admin.account.username, peer = %id, "peer denied through the admin API");
    Ok(Json(json!({})))
}
