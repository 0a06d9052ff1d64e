//! Requests to join an `approval` community: held follows that its moderators list and
//! answer. The Accept or Reject federates as the group.

use crate::services::{ServiceError, follows};
use crate::state::{AppState, FedData};
use trellis_storage::models::{Account, Follow};

use super::named;
use super::permissions::ensure_moderates;

/// The community named `name`, when `actor` moderates it.
async fn moderated(state: &AppState, actor: &Account, name: &str) -> Result<Account, ServiceError> {
    let (name, actor_id) = (name.to_string(), actor.id);
    state
        .db()
        .read(move |conn| {
            let found = match named(conn, &name)? {
                Ok(found) => found,
                Err(e) => return Ok(Err(e)),
            };
            Ok(ensure_moderates(conn, found.actor.id, actor_id)?.map(|()| found.actor))
        })
        .await?
}

/// The people waiting to join, oldest request first (moderators only).
pub async fn list(
    state: &AppState,
    actor: &Account,
    name: &str,
) -> Result<Vec<Account>, ServiceError> {
    let group = moderated(state, actor, name).await?;
    follows::requests(state, &group).await
}

/// Accepts (`accept`) or rejects the request of `account_id` (moderators only); 404 when
/// there is none.
pub async fn answer(
    data: &FedData,
    actor: &Account,
    name: &str,
    account_id: i64,
    accept: bool,
) -> Result<(), ServiceError> {
    let group = moderated(data, actor, name).await?;
    let group_id = group.id;
    let requester = data
        .db()
        .read(move |conn| {
            Ok(Follow::pending_for(conn, group_id)?
                .into_iter()
                .map(|(_, account)| account)
                .find(|a| a.id == account_id))
        })
        .await?
        .ok_or_else(|| ServiceError::NotFound("no pending request from that account".into()))?;
    follows::answer_request(data, &group, &requester.uri, accept).await
}
