//! The audit log: every admin and moderator action, role change, provisioning and
//! deprovisioning, and federation policy change is recorded, append-only, in the transaction
//! of the change itself: who ([`Acting`]), what, to what, why, when and from which address.

use serde_json::Value;

use crate::outbound::delivery::now;
use crate::state::AppState;
use trellis_storage::models::audit::{AuditFilter, AuditRow, actor_usernames};
use trellis_storage::page::Window;
use trellis_storage::{DbConnection, DbError};

use super::ServiceError;

/// Who acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A person of this instance (an admin or moderator, or the person themselves).
    Person(i64),
    /// The command line on the instance's machine.
    Cli,
    /// The identity provider's provisioning through SCIM.
    Scim,
    /// The identity provider at sign-in (OpenID Connect).
    IdentityProvider,
    /// The instance itself (an activity received from another server, say).
    System,
}

impl Actor {
    /// The name stored in `actor_kind`.
    pub fn kind(self) -> &'static str {
        match self {
            Actor::Person(_) => "person",
            Actor::Cli => "cli",
            Actor::Scim => "scim",
            Actor::IdentityProvider => "identity_provider",
            Actor::System => "system",
        }
    }

    fn account_id(self) -> Option<i64> {
        match self {
            Actor::Person(id) => Some(id),
            _ => None,
        }
    }
}

/// Who acts, and from which address when it came over HTTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acting {
    /// Who.
    pub actor: Actor,
    /// The client's address.
    pub address: Option<String>,
}

impl Acting {
    /// The command line.
    pub fn cli() -> Self {
        Self {
            actor: Actor::Cli,
            address: None,
        }
    }

    /// The instance itself.
    pub fn system() -> Self {
        Self {
            actor: Actor::System,
            address: None,
        }
    }
}

/// What was done.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Dotted, subject first: `domain_block.create`, `account.suspend`, `scim.deprovision`.
    pub action: &'static str,
    /// What it was done to: a domain, `@user`, a report id.
    pub target: Option<String>,
    /// Why, as given.
    pub reason: Option<String>,
    /// Further facts (a JSON object; `{}` when there are none).
    pub details: Value,
}

impl Entry {
    /// `action` on `target`, without reason or details.
    pub fn new(action: &'static str, target: impl Into<String>) -> Self {
        Self {
            action,
            target: Some(target.into()),
            reason: None,
            details: Value::Object(Default::default()),
        }
    }

    /// With a reason (an empty one is none).
    pub fn because(mut self, reason: Option<String>) -> Self {
        self.reason = reason.filter(|r| !r.trim().is_empty());
        self
    }

    /// With further facts.
    pub fn with(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// Records `entry` as done by `acting`. Call it inside the transaction of the change, so an
/// action is recorded exactly when it happens.
pub fn record(
    conn: &mut DbConnection,
    state: &AppState,
    acting: &Acting,
    entry: Entry,
) -> Result<(), DbError> {
    AuditRow::insert(
        conn,
        &AuditRow {
            id: state.ids().next_id(),
            created_at: now(),
            actor_kind: acting.actor.kind().to_string(),
            actor_account_id: acting.actor.account_id(),
            action: entry.action.to_string(),
            target: entry.target,
            reason: entry.reason,
            address: acting.address.clone(),
            details: entry.details.to_string(),
        },
    )
}

/// A recorded action with the username of the person who acted, if a person did.
#[derive(Clone, Debug)]
pub struct AuditView {
    /// The row.
    pub row: AuditRow,
    /// The acting person's username.
    pub actor_username: Option<String>,
}

/// A page of the log, newest first (two queries, whatever the page size).
pub async fn page(
    state: &AppState,
    filter: AuditFilter,
    window: Window,
) -> Result<Vec<AuditView>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let rows = AuditRow::page(conn, &filter, window)?;
            let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_account_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let names: std::collections::HashMap<i64, String> =
                actor_usernames(conn, &ids)?.into_iter().collect();
            Ok(rows
                .into_iter()
                .map(|row| AuditView {
                    actor_username: row.actor_account_id.and_then(|id| names.get(&id).cloned()),
                    row,
                })
                .collect())
        })
        .await?)
}
