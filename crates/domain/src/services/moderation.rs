//! What moderators do to accounts: suspend (posts hidden everywhere, profile not served,
//! a local person signed out and refused, the actor deleted on the servers of its followers),
//! silence (posts kept out of the public timelines), disable (sign-in refused), and their
//! reversals; and what admins do to roles. Every action is audited, with the report it
//! answers (which it resolves) and the reason.

use diesel::prelude::*;
use serde_json::json;

use crate::outbound::delivery::now;
use crate::state::AppState;
use trellis_storage::models::account_moderation::{self, AccountFilter, find_with_user};
use trellis_storage::models::{Account, User};
use trellis_storage::page::Window;
use trellis_storage::schema::accounts as actors;
use trellis_storage::{DbConnection, DbError};

use super::ServiceError;
use super::account_deletion::announce_actor_delete;
use super::accounts::{self, Role, revoke_everything};
use super::audit::{self, Acting, Entry};
use super::outbox::publish;
use super::profile::announce_update;
use super::reports::{self, ModeratedAccount, ReportChange};

/// A moderator's action on an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountAction {
    /// Nothing (resolves the report it answers, if any).
    None,
    /// Refuses sign-in (a local person).
    Disable,
    /// Allows sign-in again.
    Enable,
    /// Keeps the posts out of the public timelines.
    Silence,
    /// Lifts a silence.
    Unsilence,
    /// Hides the account and everything it posted.
    Suspend,
    /// Lifts a suspension.
    Unsuspend,
}

impl AccountAction {
    /// Mastodon's name of an action (`none`, `disable`, `silence`, `suspend`).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "none" => Self::None,
            "disable" => Self::Disable,
            "silence" => Self::Silence,
            "suspend" => Self::Suspend,
            _ => return None,
        })
    }

    /// The audit log's name of the action.
    fn audit_action(self) -> Option<&'static str> {
        Some(match self {
            Self::None => return None,
            Self::Disable => "account.disable",
            Self::Enable => "account.enable",
            Self::Silence => "account.silence",
            Self::Unsilence => "account.unsilence",
            Self::Suspend => "account.suspend",
            Self::Unsuspend => "account.unsuspend",
        })
    }
}

/// The audit log's name of an account: `@user` here, `@user@domain` elsewhere.
pub fn handle(account: &Account) -> String {
    match &account.domain {
        Some(domain) => format!("@{}@{}", account.username, domain),
        None => format!("@{}", account.username),
    }
}

/// Applies `action` to the account `account_id` as `moderator` (a person, or `None` for the
/// command line); with `report_id` the report is resolved in the same transaction.
pub async fn act(
    state: &AppState,
    acting: &Acting,
    moderator: Option<i64>,
    account_id: i64,
    action: AccountAction,
    reason: Option<String>,
    report_id: Option<i64>,
) -> Result<ModeratedAccount, ServiceError> {
    let target = reports::moderated_account(state, account_id).await?;
    if matches!(action, AccountAction::Disable | AccountAction::Enable) && target.user.is_none() {
        return Err(ServiceError::invalid(
            "type",
            "only a person of this instance can be disabled",
        ));
    }
    if let Some(report) = report_id {
        let found = reports::find(state, report).await?;
        if found.report.target_account_id != account_id {
            return Err(ServiceError::invalid(
                "report_id",
                "is a report about another account",
            ));
        }
    }
    let acting = acting.clone();
    let found = publish(state, move |conn, state| {
        let Some((account, _)) = find_with_user(conn, account_id)? else {
            return Ok(false);
        };
        apply(conn, state, &account, action)?;
        if let Some(name) = action.audit_action() {
            let entry = Entry::new(name, handle(&account))
                .because(reason.clone())
                .with(json!({
                    "account_id": account.id.to_string(),
                    "report_id": report_id.map(|r| r.to_string()),
                }));
            audit::record(conn, state, &acting, entry)?;
        }
        if let Some(report) = report_id {
            reports::apply(
                conn,
                state,
                &acting,
                moderator,
                report,
                ReportChange::Resolve,
                reason,
            )?;
        }
        Ok(true)
    })
    .await?;
    if !found {
        return Err(ServiceError::NotFound("Record not found".into()));
    }
    reports::moderated_account(state, account_id).await
}

/// The change itself, in the caller's transaction.
fn apply(
    conn: &mut DbConnection,
    state: &AppState,
    account: &Account,
    action: AccountAction,
) -> Result<(), DbError> {
    let at = now();
    match action {
        AccountAction::None => {}
        AccountAction::Disable | AccountAction::Enable => {
            let disabled = action == AccountAction::Disable;
            User::set_disabled(conn, account.id, disabled)?;
            if disabled {
                revoke_everything(conn, state, account.id)?;
            }
        }
        AccountAction::Silence => {
            account_moderation::set_silenced(conn, account.id, Some(at))?;
        }
        AccountAction::Unsilence => {
            account_moderation::set_silenced(conn, account.id, None)?;
        }
        AccountAction::Suspend => {
            account_moderation::set_suspended(conn, account.id, Some(at))?;
            if account.is_local() {
                revoke_everything(conn, state, account.id)?;
                let id = format!("{}#suspend-{}", account.uri, state.ids().next_id());
                announce_actor_delete(conn, state, account, &id)?;
            }
        }
        AccountAction::Unsuspend => {
            account_moderation::set_suspended(conn, account.id, None)?;
            if account.is_local() {
                let mut restored = account.clone();
                restored.suspended_at = None;
                announce_update(conn, state, &restored)?;
            }
        }
    }
    Ok(())
}

/// The account named `handle`: `user` (a local person) or `user@domain` (a remote actor
/// known here), with or without a leading `@`.
pub async fn find_by_handle(state: &AppState, handle: &str) -> Result<Account, ServiceError> {
    let handle = handle.trim().trim_start_matches('@').to_string();
    let (username, domain) = match handle.split_once('@') {
        Some((user, domain)) if domain != state.urls().domain() => {
            (user.to_string(), Some(domain.to_lowercase()))
        }
        Some((user, _)) => (user.to_string(), None),
        None => (handle.clone(), None),
    };
    state
        .db()
        .read(move |conn| {
            let query = actors::table
                .filter(actors::username.eq(&username))
                .select(Account::as_select());
            match domain {
                Some(domain) => query.filter(actors::domain.eq(domain)).first(conn),
                None => query
                    .filter(actors::domain.is_null())
                    .filter(actors::actor_type.eq_any(["Person", "Service"]))
                    .first(conn),
            }
            .optional()
            .map_err(DbError::from)
        })
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no account named {handle:?}")))
}

/// Gives the local person `username` a new role, recorded as `account.role` with the old
/// and the new role. Returns the old role.
pub async fn set_role(
    state: &AppState,
    acting: &Acting,
    username: &str,
    role: Role,
) -> Result<Role, ServiceError> {
    let person = accounts::find(state, username).await?;
    let acting = acting.clone();
    let writer = state.clone();
    let old = person.user.role;
    state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                User::set_role(conn, person.user.account_id, role)?;
                let entry = Entry::new("account.role", handle(&person.account))
                    .with(json!({"old": old.as_str(), "new": role.as_str()}));
                audit::record(conn, &writer, &acting, entry)?;
                Ok::<_, DbError>(())
            })
        })
        .await?;
    Ok(old)
}

/// A page of accounts for moderators, newest first.
pub async fn list(
    state: &AppState,
    filter: AccountFilter,
    window: Window,
) -> Result<Vec<ModeratedAccount>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| account_moderation::page(conn, &filter, window))
        .await?
        .into_iter()
        .map(|(account, user)| ModeratedAccount { account, user })
        .collect())
}
