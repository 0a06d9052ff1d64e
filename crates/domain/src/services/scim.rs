//! SCIM 2.0 provisioning: an identity provider creates, updates, deactivates and deletes the
//! people of this instance. Each provisioned person has a SCIM record (opaque id, userName,
//! externalId and the resource as written); the person themself is created and changed
//! through [`accounts`]. Every step is in the audit log, done by [`Actor::Scim`]:
//! `scim.provision`, `scim.update`, `scim.deprovision`, `scim.reactivate` and `scim.delete`.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::outbound::delivery::now;
use crate::state::AppState;
use trellis_storage::models::scim_user::{ScimUserPage, ScimUserQuery, ScimUserRow};
use trellis_storage::schema::accounts as accounts_table;
use trellis_storage::{DbConnection, DbError};

use super::accounts::{self, IdentityChange, NewPerson};
use super::audit::{self, Acting, Entry};
use super::{ServiceError, scim_username};

/// The domain of the address a person provisioned without an email gets (reserved, so never
/// delivered).
pub const NO_EMAIL_DOMAIN: &str = "scim.invalid";

/// What the identity provider says about a person, read from a SCIM User resource.
#[derive(Clone, Debug)]
pub struct ScimPerson {
    /// `userName`, as given.
    pub user_name: String,
    /// `externalId`.
    pub external_id: Option<String>,
    /// The display name (`displayName`, else the name).
    pub display_name: Option<String>,
    /// The primary email.
    pub email: Option<String>,
    /// The enterprise extension's department.
    pub department: Option<String>,
    /// `active`; `None` keeps the person as they are (enabled when new).
    pub active: Option<bool>,
    /// The resource to store and serve back (without `id` and `meta`).
    pub resource: Value,
}

/// A provisioned person as stored.
#[derive(Clone, Debug)]
pub struct ScimRecord {
    /// The SCIM record.
    pub row: ScimUserRow,
    /// Whether the person may sign in.
    pub active: bool,
}

impl ScimRecord {
    /// The stored resource.
    pub fn resource(&self) -> Value {
        serde_json::from_str(&self.row.resource).unwrap_or_else(|_| json!({}))
    }
}

fn record(row: ScimUserRow, disabled: bool) -> ScimRecord {
    ScimRecord {
        row,
        active: !disabled,
    }
}

fn taken(user_name: &str) -> ServiceError {
    ServiceError::Conflict(format!("userName {user_name:?} is already provisioned"))
}

fn missing(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("no User with id {id:?}"))
}

fn is_taken_by_another(
    conn: &mut DbConnection,
    key: &str,
    own_id: Option<&str>,
) -> Result<bool, DbError> {
    Ok(ScimUserRow::id_by_user_name_key(conn, key)?.is_some_and(|holder| Some(&*holder) != own_id))
}

fn entry(action: &'static str, row: &ScimUserRow, username: &str) -> Entry {
    Entry::new(action, format!("@{username}")).with(json!({
        "scim_id": row.id,
        "user_name": row.user_name,
        "external_id": row.external_id,
        "account_id": row.account_id,
    }))
}

/// Provisions a new person: a local person created through [`accounts::create_with`] and
/// their SCIM record, in one transaction (audited `scim.provision`); deactivated at once when
/// `active` is false. A userName already provisioned (without case) is a conflict.
pub async fn create(
    state: &AppState,
    acting: &Acting,
    person: ScimPerson,
) -> Result<ScimRecord, ServiceError> {
    let key = person.user_name.to_lowercase();
    let probe = (key.clone(), person.user_name.clone());
    let username = state
        .db()
        .read(move |conn| {
            if is_taken_by_another(conn, &probe.0, None)? {
                return Ok(None);
            }
            scim_username::free(conn, &probe.1).map(Some)
        })
        .await?
        .ok_or_else(|| taken(&person.user_name))?;
    let id = uuid::Uuid::new_v4().to_string();
    let email = person
        .email
        .clone()
        .unwrap_or_else(|| format!("{id}@{NO_EMAIL_DOMAIN}"));
    let at = now();
    let row = ScimUserRow {
        id,
        account_id: 0,
        user_name: person.user_name.clone(),
        user_name_key: key,
        external_id: person.external_id.clone(),
        resource: person.resource.to_string(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let stored = row.clone();
    let scim = acting.clone();
    let created = accounts::create_with(
        state,
        NewPerson {
            username,
            email,
            display_name: person.display_name.clone().filter(|n| !n.trim().is_empty()),
            department: person.department.clone(),
            ..Default::default()
        },
        move |conn, state, local| {
            let row = ScimUserRow {
                account_id: local.account.id,
                ..stored
            };
            ScimUserRow::insert(conn, &row)?;
            audit::record(
                conn,
                state,
                &scim,
                entry("scim.provision", &row, &local.account.username),
            )
        },
    )
    .await?;
    let id = row.id.clone();
    if person.active == Some(false) {
        set_active(state, acting, &created.account.username, &id, false).await?;
    }
    get(state, &id).await
}

/// The provisioned person with this SCIM id.
pub async fn get(state: &AppState, id: &str) -> Result<ScimRecord, ServiceError> {
    let key = id.to_string();
    state
        .db()
        .read(move |conn| ScimUserRow::find(conn, &key))
        .await?
        .map(|(row, disabled)| record(row, disabled))
        .ok_or_else(|| missing(id))
}

/// The provisioned people `query` selects, `limit` of them after the first `offset`.
pub async fn search(
    state: &AppState,
    query: ScimUserQuery,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<ScimRecord>), ServiceError> {
    let ScimUserPage { total, rows } = state
        .db()
        .read(move |conn| ScimUserRow::search(conn, &query, offset, limit))
        .await?;
    Ok((
        total,
        rows.into_iter()
            .map(|(row, disabled)| record(row, disabled))
            .collect(),
    ))
}

/// The local username of the person behind a SCIM record.
async fn username_of(state: &AppState, account_id: i64) -> Result<String, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            Ok(accounts_table::table
                .find(account_id)
                .select(accounts_table::username)
                .first::<String>(conn)?)
        })
        .await?)
}

/// Replaces what the provider says about the person `id` (PUT, and PATCH once applied):
/// display name, email and department through [`accounts::update_identity`] (audited
/// `scim.update`), then deactivation or reactivation when `active` changed.
pub async fn replace(
    state: &AppState,
    acting: &Acting,
    id: &str,
    person: ScimPerson,
) -> Result<ScimRecord, ServiceError> {
    let current = get(state, id).await?;
    let key = person.user_name.to_lowercase();
    let (probe, own) = (key.clone(), id.to_string());
    if state
        .db()
        .read(move |conn| is_taken_by_another(conn, &probe, Some(&own)))
        .await?
    {
        return Err(taken(&person.user_name));
    }
    let username = username_of(state, current.row.account_id).await?;
    let row = ScimUserRow {
        user_name: person.user_name.clone(),
        user_name_key: key,
        external_id: person.external_id.clone(),
        resource: person.resource.to_string(),
        version: current.row.version + 1,
        updated_at: now(),
        ..current.row.clone()
    };
    let scim = acting.clone();
    let target = username.clone();
    let display_name = person
        .display_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| username.clone());
    accounts::update_identity(
        state,
        current.row.account_id,
        IdentityChange {
            display_name: Some(display_name),
            email: person.email.clone(),
            department: Some(person.department.clone().unwrap_or_default()),
        },
        move |conn, state, _| {
            ScimUserRow::update(conn, &row)?;
            audit::record(conn, state, &scim, entry("scim.update", &row, &target))
        },
    )
    .await?;
    if let Some(active) = person.active
        && active != current.active
    {
        set_active(state, acting, &username, id, active).await?;
    }
    get(state, id).await
}

/// Deactivates (`scim.deprovision`) or reactivates (`scim.reactivate`) a provisioned person
/// through [`accounts::set_disabled_with`]: deactivation revokes their tokens, ends their
/// sessions and closes their streams; reactivation lets them sign in again.
async fn set_active(
    state: &AppState,
    acting: &Acting,
    username: &str,
    id: &str,
    active: bool,
) -> Result<(), ServiceError> {
    let (scim, key) = (acting.clone(), id.to_string());
    let action = if active {
        "scim.reactivate"
    } else {
        "scim.deprovision"
    };
    accounts::set_disabled_with(
        state,
        acting,
        username,
        !active,
        Some(format!("{action} by the identity provider")),
        move |conn, state, person| {
            let (row, _) = ScimUserRow::find(conn, &key)?
                .ok_or(DbError::Query(diesel::result::Error::NotFound))?;
            let entry = entry(action, &row, &person.account.username);
            audit::record(conn, state, &scim, entry)
        },
    )
    .await
}

/// Deletes the provisioned person `id`: the person is disabled at once (their articles stay)
/// and the SCIM record is forgotten (audited `scim.delete`), so the same userName provisioned
/// later makes a new person.
pub async fn delete(state: &AppState, acting: &Acting, id: &str) -> Result<(), ServiceError> {
    let current = get(state, id).await?;
    let username = username_of(state, current.row.account_id).await?;
    let scim = acting.clone();
    let row = current.row;
    accounts::set_disabled_with(
        state,
        acting,
        &username,
        true,
        Some("scim.delete by the identity provider".into()),
        move |conn, state, person| {
            ScimUserRow::delete(conn, &row.id)?;
            let entry = entry("scim.delete", &row, &person.account.username);
            audit::record(conn, state, &scim, entry)
        },
    )
    .await
}
