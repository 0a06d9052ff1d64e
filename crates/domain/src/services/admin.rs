//! Who may administer the instance: people with the admin role. The client API's admin
//! endpoints (domain blocks and allows) ask this after checking the token's scope.

use super::ServiceError;
use super::accounts::Role;
use super::articles::permissions::role_of;
use crate::state::AppState;
use trellis_storage::models::Account;

/// Succeeds when `account` is a local person with the admin role; `Forbidden` otherwise.
pub async fn ensure_admin(state: &AppState, account: &Account) -> Result<(), ServiceError> {
    let id = account.id;
    let role = state.db().read(move |conn| role_of(conn, id)).await?;
    if account.domain.is_none() && role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("This action is not allowed".into()))
    }
}

/// Succeeds when `account` is a local moderator or admin; `Forbidden` otherwise.
pub async fn ensure_moderator(state: &AppState, account: &Account) -> Result<(), ServiceError> {
    let id = account.id;
    let role = state.db().read(move |conn| role_of(conn, id)).await?;
    if account.domain.is_none() && role.moderates() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("This action is not allowed".into()))
    }
}
