//! The organisation directory: who is listed (discoverable local people, and the people the
//! peers' directories list), and which remote people a peer's directory listed.

use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

use crate::schema::{accounts, users};
use crate::{DbConnection, DbError};

use super::Account;

diesel::define_sql_function! {
    /// SQL `lower()` of a nullable text, the same on SQLite and PostgreSQL.
    #[sql_name = "lower"]
    fn lower_nullable(x: Nullable<Text>) -> Nullable<Text>;
}

/// The actor types the directory lists: people and bots, never channels (`Group`) or the
/// instance actor (`Application`).
pub const LISTED_ACTOR_TYPES: [&str; 2] = ["Person", "Service"];

/// The order of a directory page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectoryOrder {
    /// Most recent post first (people who never posted last), then newest.
    Active,
    /// Newest account first.
    New,
}

/// Which people a directory page shows.
#[derive(Clone, Debug)]
pub struct DirectoryFilter {
    /// Only local people (`false`: also those listed by the peers' directories).
    pub local_only: bool,
    /// Only people of this department (compared case-insensitively).
    pub department: Option<String>,
    /// Only people of this instance (`host[:port]`; the local domain means local people).
    pub domain: Option<String>,
    /// The local instance's domain, to recognise `domain` naming it.
    pub local_domain: String,
    /// The order.
    pub order: DirectoryOrder,
    /// People to skip.
    pub offset: i64,
    /// Most people returned.
    pub limit: i64,
}

/// Listed people of the directory, in the filter's order.
pub fn listed(conn: &mut DbConnection, filter: &DirectoryFilter) -> Result<Vec<Account>, DbError> {
    let disabled = users::table
        .filter(users::disabled.eq(true))
        .select(users::account_id);
    let mut query = accounts::table
        .filter(accounts::discoverable.eq(true))
        .filter(accounts::actor_type.eq_any(LISTED_ACTOR_TYPES))
        .filter(diesel::dsl::not(accounts::id.eq_any(disabled)))
        .select(Account::as_select())
        .into_boxed();
    let local_domain = filter.local_domain.to_ascii_lowercase();
    match filter.domain.as_deref().map(str::to_ascii_lowercase) {
        Some(domain) if domain == local_domain => {
            query = query.filter(accounts::domain.is_null());
        }
        Some(_) if filter.local_only => return Ok(Vec::new()),
        Some(domain) => {
            query = query
                .filter(accounts::domain.eq(domain))
                .filter(accounts::directory_peer.is_not_null());
        }
        None if filter.local_only => query = query.filter(accounts::domain.is_null()),
        None => {
            query = query.filter(
                accounts::domain
                    .is_null()
                    .or(accounts::directory_peer.is_not_null()),
            );
        }
    }
    if let Some(department) = filter
        .department
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        query = query.filter(lower_nullable(accounts::department).eq(department.to_lowercase()));
    }
    query = match filter.order {
        DirectoryOrder::Active => query.order((
            accounts::last_status_at.is_null().asc(),
            accounts::last_status_at.desc(),
            accounts::id.desc(),
        )),
        DirectoryOrder::New => query.order(accounts::id.desc()),
    };
    Ok(query
        .offset(filter.offset.max(0))
        .limit(filter.limit.max(0))
        .load(conn)?)
}

/// The distinct departments of listed people (local and from the peers' directories),
/// sorted, for the directory page's filter.
pub fn departments(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let names: Vec<Option<String>> = accounts::table
        .filter(accounts::discoverable.eq(true))
        .filter(accounts::actor_type.eq_any(LISTED_ACTOR_TYPES))
        .filter(
            accounts::domain
                .is_null()
                .or(accounts::directory_peer.is_not_null()),
        )
        .filter(accounts::department.is_not_null())
        .select(accounts::department)
        .distinct()
        .order(accounts::department.asc())
        .load(conn)?;
    Ok(names.into_iter().flatten().collect())
}

/// The local people the directory exchange serves to peers (discoverable, not disabled),
/// oldest first so pages stay stable while people join.
pub fn local_page(
    conn: &mut DbConnection,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Account>, i64), DbError> {
    let disabled = users::table
        .filter(users::disabled.eq(true))
        .select(users::account_id);
    let listed = || {
        accounts::table
            .filter(accounts::domain.is_null())
            .filter(accounts::discoverable.eq(true))
            .filter(accounts::actor_type.eq_any(LISTED_ACTOR_TYPES))
            .filter(diesel::dsl::not(accounts::id.eq_any(disabled)))
    };
    let total: i64 = listed().count().get_result(conn)?;
    let rows = listed()
        .order(accounts::id.asc())
        .offset(offset.max(0))
        .limit(limit.max(0))
        .select(Account::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Records that `peer`'s directory lists exactly the accounts `listed`: they are marked as
/// coming from it, and the ones it listed before but no longer does are unlisted and no longer
/// discoverable here (they opted out, and their profile's update may not have arrived yet;
/// the accounts stay, with their follows). Returns how many were unlisted.
pub fn replace_listing(
    conn: &mut DbConnection,
    peer: &str,
    listed: &[i64],
) -> Result<usize, DbError> {
    conn.transaction(|conn| {
        for chunk in listed.chunks(crate::INSERT_CHUNK) {
            diesel::update(accounts::table.filter(accounts::id.eq_any(chunk)))
                .set(accounts::directory_peer.eq(peer))
                .execute(conn)?;
        }
        let before: Vec<i64> = accounts::table
            .filter(accounts::directory_peer.eq(peer))
            .select(accounts::id)
            .load(conn)?;
        let keep: std::collections::HashSet<i64> = listed.iter().copied().collect();
        let gone: Vec<i64> = before.into_iter().filter(|id| !keep.contains(id)).collect();
        for chunk in gone.chunks(crate::INSERT_CHUNK) {
            diesel::update(accounts::table.filter(accounts::id.eq_any(chunk)))
                .set((
                    accounts::directory_peer.eq(None::<String>),
                    accounts::discoverable.eq(false),
                ))
                .execute(conn)?;
        }
        Ok(gone.len())
    })
}
