//! `/api/v1/admin/domain_blocks`: Mastodon's domain blocks over Trellis's
//! (`services::domain_blocks`). A block is always a `suspend`: nothing is exchanged with the
//! domain or its subdomains, and the accounts held of it are removed. The id is the domain;
//! the list is the whole list (blocks have no id order to page by).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{AdminAuth, ReadDomainBlocks, WriteDomainBlocks};
use super::{by_id, invalid, record_not_found};
use crate::api::entities::domain::{AdminDomainBlockEntity, SUSPEND};
use crate::api::params::{ApiForm, de};
use crate::error::HttpError;
use trellis_domain::services::domain_blocks;
use trellis_domain::state::AppState;

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/domain_blocks", get(list).post(create))
        .route(
            "/api/v1/admin/domain_blocks/{id}",
            get(show).put(update).delete(remove),
        )
}

/// Body of `POST` and `PUT`. `reject_media` and `reject_reports` are accepted and implied:
/// a suspended domain sends nothing.
#[derive(Debug, Deserialize)]
struct BlockBody {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    severity: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    private_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    public_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    obfuscate: Option<bool>,
}

impl BlockBody {
    /// 422 for what Trellis cannot do: another severity, or obfuscating the public list.
    fn check(&self) -> Result<(), HttpError> {
        match self.severity.as_deref() {
            None | Some(SUSPEND) => {}
            Some(other @ ("silence" | "noop")) => {
                return Err(invalid(
                    "severity",
                    format!(
                        "severity {other} is not supported: Trellis only suspends domains \
                         (severity suspend)"
                    ),
                ));
            }
            Some(_) => return Err(invalid("severity", "severity must be suspend")),
        }
        if self.obfuscate == Some(true) {
            return Err(invalid(
                "obfuscate",
                "obfuscate is not supported: blocked domains are listed in full",
            ));
        }
        Ok(())
    }

    /// The reason to store, when a comment was sent: the public comment, else the private
    /// one (Trellis keeps one reason, shown in the instance's public list of blocks).
    fn reason(&self) -> Option<Option<String>> {
        if self.public_comment.is_none() && self.private_comment.is_none() {
            return None;
        }
        let blank = |c: &Option<String>| c.as_deref().is_none_or(|c| c.trim().is_empty());
        let chosen = if blank(&self.public_comment) {
            &self.private_comment
        } else {
            &self.public_comment
        };
        Some(chosen.clone())
    }
}

/// `GET /api/v1/admin/domain_blocks`
async fn list(
    State(state): State<AppState>,
    _admin: AdminAuth<ReadDomainBlocks>,
) -> Result<Json<Vec<AdminDomainBlockEntity>>, HttpError> {
    let blocks = domain_blocks::list(&state).await?;
    Ok(Json(blocks.iter().map(Into::into).collect()))
}

/// `GET /api/v1/admin/domain_blocks/:id`
async fn show(
    State(state): State<AppState>,
    _admin: AdminAuth<ReadDomainBlocks>,
    Path(id): Path<String>,
) -> Result<Json<AdminDomainBlockEntity>, HttpError> {
    let block = domain_blocks::find(&state, &id)
        .await
        .map_err(by_id)?
        .ok_or_else(record_not_found)?;
    Ok(Json((&block).into()))
}

/// `POST /api/v1/admin/domain_blocks`: blocks the domain (again: updates the comment).
async fn create(
    State(state): State<AppState>,
    admin: AdminAuth<WriteDomainBlocks>,
    ApiForm(body): ApiForm<BlockBody>,
) -> Result<Json<AdminDomainBlockEntity>, HttpError> {
    body.check()?;
    let Some(domain) = body.domain.as_deref().filter(|d| !d.trim().is_empty()) else {
        return Err(invalid("domain", "domain can't be blank"));
    };
    let blocked =
        domain_blocks::block(&state, &admin.acting, domain, body.reason().flatten()).await?;
    tracing::info!(
        admin = %admin.account.username,
        domain = %blocked.block.domain,
        accounts_removed = blocked.accounts_removed,
        "domain blocked through the admin API"
    );
    Ok(Json((&blocked.block).into()))
}

/// `PUT /api/v1/admin/domain_blocks/:id`: changes the comment (absent: kept).
async fn update(
    State(state): State<AppState>,
    admin: AdminAuth<WriteDomainBlocks>,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<BlockBody>,
) -> Result<Json<AdminDomainBlockEntity>, HttpError> {
    body.check()?;
    let block = match body.reason() {
        Some(reason) => domain_blocks::set_reason(&state, &admin.acting, &id, reason)
            .await
            .map_err(by_id)?,
        None => domain_blocks::find(&state, &id)
            .await
            .map_err(by_id)?
            .ok_or_else(record_not_found)?,
    };
    Ok(Json((&block).into()))
}

/// `DELETE /api/v1/admin/domain_blocks/:id`: lifts the block.
async fn remove(
    State(state): State<AppState>,
    admin: AdminAuth<WriteDomainBlocks>,
    Path(id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    if !domain_blocks::unblock(&state, &admin.acting, &id)
        .await
        .map_err(by_id)?
    {
        return Err(record_not_found());
    }
    tracing::info!(admin = %admin.account.username, domain = %id, "domain unblocked through the admin API");
    Ok(Json(json!({})))
}
