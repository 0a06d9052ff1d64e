//! `audit_log`: who did what to what, when and from where. Rows are only ever inserted (the
//! database refuses updates and deletes).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::page::Window;
use crate::schema::audit_log;
use crate::{DbConnection, DbError};

/// One recorded action.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    /// Time-sortable id.
    pub id: i64,
    /// When it happened.
    pub created_at: NaiveDateTime,
    /// Who acted: `person`, `cli`, `scim`, `identity_provider` or `system`.
    pub actor_kind: String,
    /// The person who acted, for `person`.
    pub actor_account_id: Option<i64>,
    /// What was done, dotted (`domain_block.create`).
    pub action: String,
    /// What it was done to (a domain, `@user`, a report id...).
    pub target: Option<String>,
    /// Why, as given.
    pub reason: Option<String>,
    /// The client's address, when the action came over HTTP.
    pub address: Option<String>,
    /// Further facts, as a JSON object.
    pub details: String,
}

/// Which rows a reader wants.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only this action, or actions under it (`account` matches `account.suspend`).
    pub action: Option<String>,
    /// Only actions of this person.
    pub actor_account_id: Option<i64>,
    /// Only actions on this target.
    pub target: Option<String>,
    /// Only from this time on.
    pub since: Option<NaiveDateTime>,
    /// Only before this time.
    pub until: Option<NaiveDateTime>,
}

impl AuditRow {
    /// Appends a row.
    pub fn insert(conn: &mut DbConnection, row: &AuditRow) -> Result<(), DbError> {
        diesel::insert_into(audit_log::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// A page of rows matching `filter`, newest first.
    pub fn page(
        conn: &mut DbConnection,
        filter: &AuditFilter,
        window: Window,
    ) -> Result<Vec<AuditRow>, DbError> {
        let mut query = crate::page::paged!(
            audit_log::table.select(AuditRow::as_select()),
            audit_log::id,
            window
        );
        if let Some(action) = &filter.action {
            query = query.filter(
                audit_log::action.eq(action.clone()).or(audit_log::action
                    .like(format!("{}.%", escape_like(action)))
                    .escape('\\')),
            );
        }
        if let Some(actor) = filter.actor_account_id {
            query = query.filter(audit_log::actor_account_id.eq(actor));
        }
        if let Some(target) = &filter.target {
            query = query.filter(audit_log::target.eq(target.clone()));
        }
        if let Some(since) = filter.since {
            query = query.filter(audit_log::created_at.ge(since));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_log::created_at.lt(until));
        }
        Ok(window.finish(query.load(conn)?))
    }
}

/// The usernames of the local accounts among `ids` (the people who acted on a page).
pub fn actor_usernames(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<Vec<(i64, String)>, DbError> {
    use crate::schema::accounts;
    Ok(accounts::table
        .filter(accounts::id.eq_any(ids))
        .select((accounts::id, accounts::username))
        .load(conn)?)
}

/// `text` with the `LIKE` wildcards `%` and `_` taken literally (escaped with `\`).
pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
