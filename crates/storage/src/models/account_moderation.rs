//! What moderators set on accounts (suspended, silenced) and the admin listing of accounts
//! with its filters.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::models::audit::escape_like;
use crate::models::{Account, User};
use crate::page::Window;
use crate::schema::{accounts, users};
use crate::{DbConnection, DbError};

/// Which accounts the admin listing keeps.
#[derive(Clone, Debug, Default)]
pub struct AccountFilter {
    /// `Some(true)`: accounts of this instance only; `Some(false)`: remote ones only.
    pub local: Option<bool>,
    /// Only accounts neither suspended nor disabled.
    pub active: bool,
    /// Only disabled local people.
    pub disabled: bool,
    /// Only silenced accounts.
    pub silenced: bool,
    /// Only suspended accounts.
    pub suspended: bool,
    /// Username starting with this (case-insensitive).
    pub username: Option<String>,
    /// Display name containing this (case-insensitive).
    pub display_name: Option<String>,
    /// Only accounts of this domain.
    pub by_domain: Option<String>,
    /// Email containing this (case-insensitive; local people only).
    pub email: Option<String>,
}

/// Sets or clears `accounts.suspended_at`.
pub fn set_suspended(
    conn: &mut DbConnection,
    account: i64,
    at: Option<NaiveDateTime>,
) -> Result<usize, DbError> {
    Ok(diesel::update(accounts::table.find(account))
        .set(accounts::suspended_at.eq(at))
        .execute(conn)?)
}

/// Sets or clears `accounts.silenced_at`.
pub fn set_silenced(
    conn: &mut DbConnection,
    account: i64,
    at: Option<NaiveDateTime>,
) -> Result<usize, DbError> {
    Ok(diesel::update(accounts::table.find(account))
        .set(accounts::silenced_at.eq(at))
        .execute(conn)?)
}

/// The suspended accounts among `ids` (through the partial index on suspended accounts).
pub fn suspended_among(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<i64>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(accounts::table
        .filter(accounts::suspended_at.is_not_null())
        .filter(accounts::id.eq_any(ids))
        .select(accounts::id)
        .load(conn)?)
}

/// The silenced accounts among `ids`.
pub fn silenced_among(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<i64>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(accounts::table
        .filter(accounts::silenced_at.is_not_null())
        .filter(accounts::id.eq_any(ids))
        .select(accounts::id)
        .load(conn)?)
}

/// One account with its login data when it is a local person.
pub fn find_with_user(
    conn: &mut DbConnection,
    id: i64,
) -> Result<Option<(Account, Option<User>)>, DbError> {
    Ok(accounts::table
        .left_join(users::table)
        .filter(accounts::id.eq(id))
        .select((Account::as_select(), Option::<User>::as_select()))
        .first(conn)
        .optional()?)
}

/// A page of people and bots (never channels or the instance actor) matching `filter`,
/// newest first, with the login data of local ones.
pub fn page(
    conn: &mut DbConnection,
    filter: &AccountFilter,
    window: Window,
) -> Result<Vec<(Account, Option<User>)>, DbError> {
    let mut query = crate::page::paged!(
        accounts::table
            .left_join(users::table)
            .filter(accounts::actor_type.eq_any(["Person", "Service"]))
            .select((Account::as_select(), Option::<User>::as_select())),
        accounts::id,
        window
    );
    match filter.local {
        Some(true) => query = query.filter(accounts::domain.is_null()),
        Some(false) => query = query.filter(accounts::domain.is_not_null()),
        None => {}
    }
    if filter.active {
        query = query
            .filter(accounts::suspended_at.is_null())
            .filter(users::disabled.is_null().or(users::disabled.eq(false)));
    }
    if filter.disabled {
        query = query.filter(users::disabled.eq(true));
    }
    if filter.silenced {
        query = query.filter(accounts::silenced_at.is_not_null());
    }
    if filter.suspended {
        query = query.filter(accounts::suspended_at.is_not_null());
    }
    if let Some(name) = &filter.username {
        query = query.filter(
            accounts::username
                .like(format!("{}%", escape_like(&name.to_lowercase())))
                .escape('\\'),
        );
    }
    if let Some(name) = &filter.display_name {
        query = query.filter(
            accounts::display_name
                .like(format!("%{}%", escape_like(name)))
                .escape('\\'),
        );
    }
    if let Some(domain) = &filter.by_domain {
        query = query.filter(accounts::domain.eq(domain.to_lowercase()));
    }
    if let Some(email) = &filter.email {
        query = query.filter(
            users::email
                .like(format!("%{}%", escape_like(&email.to_lowercase())))
                .escape('\\'),
        );
    }
    Ok(window.finish(query.load(conn)?))
}
