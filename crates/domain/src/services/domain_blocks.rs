//! Domain blocks: nothing is accepted from or sent to a blocked domain (or its subdomains), in
//! either federation mode, and what the instance holds of it goes: its accounts, their posts,
//! likes, boosts and follows.

use diesel::Connection;
use trellis_config::parse_authority;
use trellis_storage::models::delivery;
use trellis_storage::models::domain_block::{DomainBlock, remote_accounts_near};

use super::ServiceError;
use super::audit::{self, Acting, Entry};
use super::federation_policy::{host_of, is_under};
use crate::outbound::delivery::now;
use crate::state::AppState;
use serde_json::json;

/// What blocking a domain did.
#[derive(Clone, Debug)]
pub struct Blocked {
    /// The block as stored.
    pub block: DomainBlock,
    /// Remote accounts removed with everything of theirs.
    pub accounts_removed: usize,
}

/// Blocks `text` (a host name) with an optional reason and removes what is held of it. Blocking
/// a blocked domain again updates the reason (and removes anything stored since).
pub async fn block(
    state: &AppState,
    acting: &Acting,
    text: &str,
    reason: Option<String>,
) -> Result<Blocked, ServiceError> {
    let domain = domain_name(text)?;
    if is_under(host_of(state.urls().domain()), &domain) {
        return Err(ServiceError::invalid("domain", "is this instance itself"));
    }
    let block = DomainBlock {
        domain: domain.clone(),
        reason: clean_reason(reason),
        created_at: now(),
    };
    let row = block.clone();
    let (writer, acting) = (state.clone(), acting.clone());
    let accounts_removed = state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                DomainBlock::upsert(conn, &row)?;
                let mut removed = 0;
                for (id, authority) in remote_accounts_near(conn, &row.domain)? {
                    if is_under(host_of(&authority), &row.domain) {
                        crate::changes::accounts::remove_remote_account(conn, id)?;
                        removed += 1;
                    }
                }
                let blocked_hosts: Vec<String> = delivery::pending_hosts(conn)?
                    .into_iter()
                    .filter(|host| is_under(host_of(host), &row.domain))
                    .collect();
                delivery::drop_pending_to(conn, &blocked_hosts, "domain blocked", now())?;
                let entry = Entry::new("domain_block.create", row.domain.clone())
                    .because(row.reason.clone())
                    .with(json!({"accounts_removed": removed}));
                audit::record(conn, &writer, &acting, entry)?;
                Ok(removed)
            })
        })
        .await?;
    state.federation_policy_changed();
    tracing::info!(%domain, accounts_removed, "domain blocked");
    Ok(Blocked {
        block,
        accounts_removed,
    })
}

/// Changes the reason of a block (`None` or blank clears it); `NotFound` when `text` is not
/// blocked. What is federated with does not change.
pub async fn set_reason(
    state: &AppState,
    acting: &Acting,
    text: &str,
    reason: Option<String>,
) -> Result<DomainBlock, ServiceError> {
    let domain = domain_name(text)?;
    let reason = clean_reason(reason);
    let (writer, acting) = (state.clone(), acting.clone());
    let changed = state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let Some(mut block) = DomainBlock::find(conn, &domain)? else {
                    return Ok(None);
                };
                block.reason = reason;
                DomainBlock::upsert(conn, &block)?;
                let entry = Entry::new("domain_block.update", block.domain.clone())
                    .because(block.reason.clone());
                audit::record(conn, &writer, &acting, entry)?;
                Ok(Some(block))
            })
        })
        .await?;
    changed.ok_or_else(|| ServiceError::NotFound(format!("{text} is not blocked")))
}

/// Lifts a block; false when there was none.
pub async fn unblock(state: &AppState, acting: &Acting, text: &str) -> Result<bool, ServiceError> {
    let domain = domain_name(text)?;
    let (writer, acting) = (state.clone(), acting.clone());
    let removed = state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let removed = DomainBlock::delete(conn, &domain)?;
                if removed {
                    audit::record(
                        conn,
                        &writer,
                        &acting,
                        Entry::new("domain_block.delete", domain),
                    )?;
                }
                Ok(removed)
            })
        })
        .await?;
    state.federation_policy_changed();
    Ok(removed)
}

/// Every block.
pub async fn list(state: &AppState) -> Result<Vec<DomainBlock>, ServiceError> {
    Ok(state.db().read(DomainBlock::all).await?)
}

/// One block.
pub async fn find(state: &AppState, text: &str) -> Result<Option<DomainBlock>, ServiceError> {
    let domain = domain_name(text)?;
    Ok(state
        .db()
        .read(move |conn| DomainBlock::find(conn, &domain))
        .await?)
}

/// A reason as stored: trimmed, and `None` when blank.
fn clean_reason(reason: Option<String>) -> Option<String> {
    reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
}

/// A host name, lower-case, without a port.
fn domain_name(text: &str) -> Result<String, ServiceError> {
    let authority = parse_authority(text).map_err(|m| ServiceError::invalid("domain", m))?;
    if authority.contains(':') && !authority.ends_with(']') {
        return Err(ServiceError::invalid(
            "domain",
            "a domain block names a host without a port",
        ));
    }
    Ok(authority)
}
