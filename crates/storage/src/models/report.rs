//! `reports` and `report_statuses`: reports about an account and some of its posts, made by a
//! person here or received from another server (a `Flag`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::page::Window;
use crate::schema::{report_statuses, reports};
use crate::{DbConnection, DbError};

crate::stored_enum::stored_enum! {
    /// Why an account was reported (Mastodon's categories).
    pub enum ReportCategory {
        /// Unwanted advertising or repetitive content.
        Spam => "spam",
        /// Illegal content.
        Legal => "legal",
        /// Breaks the instance's rules.
        Violation => "violation",
        /// Anything else.
        Other => "other",
    }
}

/// A stored report.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = reports)]
pub struct Report {
    /// Time-sortable id.
    pub id: i64,
    /// Who reported: a local person, or the instance actor of the server that sent the Flag.
    pub account_id: i64,
    /// The reported account.
    pub target_account_id: i64,
    /// The reporter's comment (may be empty).
    pub comment: String,
    /// Why.
    pub category: ReportCategory,
    /// Sent on to the reported account's server as a Flag.
    pub forwarded: bool,
    /// The id of the Flag activity that brought the report, or that carried it away.
    pub uri: Option<String>,
    /// The moderator handling the report.
    pub assigned_account_id: Option<i64>,
    /// When it was resolved; `None` while open.
    pub action_taken_at: Option<NaiveDateTime>,
    /// Who resolved it.
    pub action_taken_by_account_id: Option<i64>,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// Which reports a listing keeps.
#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    /// `Some(true)`: resolved ones only; `Some(false)`: open ones only.
    pub resolved: Option<bool>,
    /// Only those made by this account.
    pub account_id: Option<i64>,
    /// Only those about this account.
    pub target_account_id: Option<i64>,
}

impl Report {
    /// Stores a report and the posts it names.
    pub fn insert(conn: &mut DbConnection, report: &Report, posts: &[i64]) -> Result<(), DbError> {
        diesel::insert_into(reports::table)
            .values(report)
            .execute(conn)?;
        let rows: Vec<_> = posts
            .iter()
            .map(|post| {
                (
                    report_statuses::report_id.eq(report.id),
                    report_statuses::post_id.eq(*post),
                )
            })
            .collect();
        for row in rows {
            diesel::insert_into(report_statuses::table)
                .values(row)
                .execute(conn)?;
        }
        Ok(())
    }

    /// One report.
    pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Report>, DbError> {
        Ok(reports::table
            .find(id)
            .select(Report::as_select())
            .first(conn)
            .optional()?)
    }

    /// The reports among `ids`.
    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<Report>, DbError> {
        Ok(reports::table
            .filter(reports::id.eq_any(ids))
            .select(Report::as_select())
            .load(conn)?)
    }

    /// The report a Flag with this id brought, if one did.
    pub fn find_by_uri(conn: &mut DbConnection, uri: &str) -> Result<Option<Report>, DbError> {
        Ok(reports::table
            .filter(reports::uri.eq(uri))
            .select(Report::as_select())
            .first(conn)
            .optional()?)
    }

    /// A page of reports matching `filter`, newest first.
    pub fn page(
        conn: &mut DbConnection,
        filter: &ReportFilter,
        window: Window,
    ) -> Result<Vec<Report>, DbError> {
        let mut query = crate::page::paged!(
            reports::table.select(Report::as_select()),
            reports::id,
            window
        );
        match filter.resolved {
            Some(true) => query = query.filter(reports::action_taken_at.is_not_null()),
            Some(false) => query = query.filter(reports::action_taken_at.is_null()),
            None => {}
        }
        if let Some(account) = filter.account_id {
            query = query.filter(reports::account_id.eq(account));
        }
        if let Some(target) = filter.target_account_id {
            query = query.filter(reports::target_account_id.eq(target));
        }
        Ok(window.finish(query.load(conn)?))
    }

    /// The (report, post) pairs of the given reports, in post order.
    pub fn statuses_of(
        conn: &mut DbConnection,
        reports: &[i64],
    ) -> Result<Vec<(i64, i64)>, DbError> {
        if reports.is_empty() {
            return Ok(Vec::new());
        }
        Ok(report_statuses::table
            .filter(report_statuses::report_id.eq_any(reports))
            .order(report_statuses::post_id.asc())
            .select((report_statuses::report_id, report_statuses::post_id))
            .load(conn)?)
    }

    /// Marks a report resolved at `resolved_at` by `by` (a person; `None` for the command
    /// line), or open again when `resolved_at` is `None`.
    pub fn set_resolved(
        conn: &mut DbConnection,
        id: i64,
        resolved_at: Option<NaiveDateTime>,
        by: Option<i64>,
        now: NaiveDateTime,
    ) -> Result<usize, DbError> {
        Ok(diesel::update(reports::table.find(id))
            .set((
                reports::action_taken_at.eq(resolved_at),
                reports::action_taken_by_account_id.eq(by),
                reports::updated_at.eq(now),
            ))
            .execute(conn)?)
    }

    /// Assigns a report to a moderator (or to nobody).
    pub fn set_assigned(
        conn: &mut DbConnection,
        id: i64,
        moderator: Option<i64>,
        now: NaiveDateTime,
    ) -> Result<usize, DbError> {
        Ok(diesel::update(reports::table.find(id))
            .set((
                reports::assigned_account_id.eq(moderator),
                reports::updated_at.eq(now),
            ))
            .execute(conn)?)
    }

    /// Records the id of the Flag that carried the report to the reported account's server.
    pub fn set_forwarded(conn: &mut DbConnection, id: i64, uri: &str) -> Result<usize, DbError> {
        Ok(diesel::update(reports::table.find(id))
            .set((reports::forwarded.eq(true), reports::uri.eq(uri)))
            .execute(conn)?)
    }
}

/// The local people who handle reports: enabled moderators and admins.
pub fn moderators(conn: &mut DbConnection) -> Result<Vec<i64>, DbError> {
    use crate::models::user::Role;
    use crate::schema::users;
    Ok(users::table
        .filter(users::role.eq_any([Role::Admin, Role::Moderator]))
        .filter(users::disabled.eq(false))
        .select(users::account_id)
        .load(conn)?)
}
