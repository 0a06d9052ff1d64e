//! The moderators of a community: listed by anyone, named and removed by its moderators
//! (and the instance's admins). A moderator may be local or remote; a community always keeps
//! at least one.

use crate::outbound::delivery;
use crate::services::ServiceError;
use crate::state::AppState;
use trellis_storage::models::Account;
use trellis_storage::models::community::CommunityModerator;
use trellis_storage::schema::accounts;

use diesel::prelude::*;

use super::permissions::ensure_moderates;
use super::{decide, named};

/// The moderators of the community named `name`.
pub async fn list(state: &AppState, name: &str) -> Result<Vec<Account>, ServiceError> {
    let name = name.to_string();
    state
        .db()
        .read(move |conn| {
            Ok(match named(conn, &name)? {
                Ok(found) => Ok(CommunityModerator::of(conn, found.actor.id)?),
                Err(e) => Err(e),
            })
        })
        .await?
}

/// Makes the known account `account_id` (local or remote) a moderator; returns the
/// moderators.
pub async fn add(
    state: &AppState,
    actor: &Account,
    name: &str,
    account_id: i64,
) -> Result<Vec<Account>, ServiceError> {
    let (name, actor_id) = (name.to_string(), actor.id);
    decide(state, move |conn, _| {
        let found = match named(conn, &name)? {
            Ok(found) => found,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = ensure_moderates(conn, found.actor.id, actor_id)? {
            return Ok(Err(e));
        }
        let exists: bool = diesel::select(diesel::dsl::exists(
            accounts::table
                .find(account_id)
                .filter(accounts::actor_type.eq_any(["Person", "Service"])),
        ))
        .get_result(conn)?;
        if !exists {
            return Ok(Err(ServiceError::invalid(
                "account_id",
                "names no known person",
            )));
        }
        CommunityModerator::add(conn, found.actor.id, account_id, delivery::now())?;
        Ok(Ok(CommunityModerator::of(conn, found.actor.id)?))
    })
    .await
}

/// Removes the moderator `account_id`; 409 for the last one.
pub async fn remove(
    state: &AppState,
    actor: &Account,
    name: &str,
    account_id: i64,
) -> Result<Vec<Account>, ServiceError> {
    let (name, actor_id) = (name.to_string(), actor.id);
    decide(state, move |conn, _| {
        let found = match named(conn, &name)? {
            Ok(found) => found,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = ensure_moderates(conn, found.actor.id, actor_id)? {
            return Ok(Err(e));
        }
        let current = CommunityModerator::of(conn, found.actor.id)?;
        if !current.iter().any(|m| m.id == account_id) {
            return Ok(Err(ServiceError::NotFound(
                "that account is not a moderator of the community".into(),
            )));
        }
        if current.len() == 1 {
            return Ok(Err(ServiceError::Conflict(
                "a community keeps at least one moderator".into(),
            )));
        }
        CommunityModerator::remove(conn, found.actor.id, account_id)?;
        Ok(Ok(CommunityModerator::of(conn, found.actor.id)?))
    })
    .await
}
