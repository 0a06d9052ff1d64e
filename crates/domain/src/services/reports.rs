//! Reports: a person reports an account and some of its posts to the moderators (and, for a
//! remote account, optionally to its server as a `Flag`); a `Flag` received from another
//! server about accounts here becomes a report too. Moderators and admins are notified
//! (`admin.report`), list, assign, resolve and reopen reports; every step is audited.

use diesel::prelude::*;
use serde_json::json;

use crate::changes::notifications::notify_report;
use crate::outbound::activities::flag;
use crate::outbound::delivery::{self, now};
use crate::state::AppState;
use trellis_storage::models::account_moderation::find_with_user;
use trellis_storage::models::report::{Report, ReportCategory, ReportFilter, moderators};
use trellis_storage::models::{Account, Post};
use trellis_storage::page::Window;
use trellis_storage::schema::{accounts, posts};
use trellis_storage::{DbConnection, DbError};

use super::ServiceError;
use super::audit::{self, Acting, Entry};
use super::hydrate::report_views as views;
pub use super::hydrate::{ModeratedAccount, ReportView};
use super::instance_actor;
use super::outbox::publish;

/// Longest comment kept (Mastodon's limit).
pub const MAX_COMMENT: usize = 1000;
/// Most posts one report names.
pub const MAX_STATUSES: usize = 50;

/// A report as a person files it.
#[derive(Clone, Debug, Default)]
pub struct NewReport {
    /// The reported account.
    pub target_account_id: i64,
    /// Posts of that account the report is about.
    pub status_ids: Vec<i64>,
    /// Why, in the reporter's words.
    pub comment: String,
    /// `spam`, `legal`, `violation` or `other` (`None`: other).
    pub category: Option<String>,
    /// Send the report on to a remote account's server as well.
    pub forward: bool,
}

/// Files a report by `reporter`; notifies the moderators, and sends a `Flag` to a remote
/// account's server when `forward` is asked.
pub async fn create(
    state: &AppState,
    acting: &Acting,
    reporter: &Account,
    input: NewReport,
) -> Result<ReportView, ServiceError> {
    let category = match input.category.as_deref() {
        None | Some("") => ReportCategory::Other,
        Some(name) => ReportCategory::parse(name).ok_or_else(|| {
            ServiceError::invalid("category", "must be spam, legal, violation or other")
        })?,
    };
    if input.comment.chars().count() > MAX_COMMENT {
        return Err(ServiceError::invalid(
            "comment",
            format!("must be at most {MAX_COMMENT} characters"),
        ));
    }
    if input.status_ids.len() > MAX_STATUSES {
        return Err(ServiceError::invalid(
            "status_ids",
            format!("name at most {MAX_STATUSES} posts"),
        ));
    }
    if input.target_account_id == reporter.id {
        return Err(ServiceError::invalid(
            "account_id",
            "cannot report yourself",
        ));
    }
    let forwarder = if input.forward {
        Some(instance_actor::ensure(state).await?)
    } else {
        None
    };
    let reporter_id = reporter.id;
    let acting = acting.clone();
    let id = publish(state, move |conn, state| {
        let Some(target) = find_account(conn, input.target_account_id)? else {
            return Ok(None);
        };
        let statuses = posts_of(conn, target.id, &input.status_ids)?;
        let forwarder = forwarder.filter(|_| !target.is_local());
        let report = Report {
            id: state.ids().next_id(),
            account_id: reporter_id,
            target_account_id: target.id,
            comment: input.comment.trim().to_string(),
            category,
            forwarded: forwarder.is_some(),
            uri: None,
            assigned_account_id: None,
            action_taken_at: None,
            action_taken_by_account_id: None,
            created_at: now(),
            updated_at: now(),
        };
        store(conn, state, &acting, &report, &statuses)?;
        if let Some(instance) = forwarder {
            forward(conn, state, &instance, &report, &target, &statuses)?;
        }
        Ok(Some(report.id))
    })
    .await?
    .ok_or_else(|| ServiceError::NotFound("Record not found".into()))?;
    find(state, id).await
}

/// Stores a report received as a `Flag` (activity `uri`) from `reporter` (the sending
/// server's actor) about `objects`: the local accounts and posts it names. The reported
/// account is the first local account named, else the author of the first local post.
/// Returns the report's id; `None` when nothing named is here (or the Flag was seen before).
pub fn receive_flag(
    conn: &mut DbConnection,
    state: &AppState,
    reporter: i64,
    uri: &str,
    objects: &[String],
    comment: Option<&str>,
) -> Result<Option<i64>, DbError> {
    if Report::find_by_uri(conn, uri)?.is_some() {
        return Ok(None);
    }
    let named_accounts: Vec<Account> = accounts::table
        .filter(accounts::uri.eq_any(objects))
        .filter(accounts::domain.is_null())
        .select(Account::as_select())
        .load(conn)?;
    let named_posts: Vec<Post> = posts::table
        .filter(posts::uri.eq_any(objects))
        .filter(posts::local.eq(true))
        .select(Post::as_select())
        .load(conn)?;
    let target = objects
        .iter()
        .find_map(|uri| named_accounts.iter().find(|a| &a.uri == uri).map(|a| a.id))
        .or_else(|| {
            objects.iter().find_map(|uri| {
                named_posts
                    .iter()
                    .find(|p| &p.uri == uri)
                    .map(|p| p.account_id)
            })
        });
    let Some(target) = target else {
        return Ok(None);
    };
    let statuses: Vec<i64> = named_posts
        .iter()
        .filter(|p| p.account_id == target)
        .map(|p| p.id)
        .collect();
    let comment: String = comment
        .unwrap_or_default()
        .chars()
        .take(MAX_COMMENT)
        .collect();
    let report = Report {
        id: state.ids().next_id(),
        account_id: reporter,
        target_account_id: target,
        comment: comment.trim().to_string(),
        category: ReportCategory::Other,
        forwarded: false,
        uri: Some(uri.to_string()),
        assigned_account_id: None,
        action_taken_at: None,
        action_taken_by_account_id: None,
        created_at: now(),
        updated_at: now(),
    };
    let statuses = statuses.into_iter().take(MAX_STATUSES).collect::<Vec<_>>();
    store(conn, state, &Acting::system(), &report, &statuses)?;
    Ok(Some(report.id))
}

/// Inserts `report`, notifies every moderator but the reporter and records `report.create`.
fn store(
    conn: &mut DbConnection,
    state: &AppState,
    acting: &Acting,
    report: &Report,
    statuses: &[i64],
) -> Result<(), DbError> {
    Report::insert(conn, report, statuses)?;
    for moderator in moderators(conn)? {
        if moderator != report.account_id {
            notify_report(conn, state.ids(), moderator, report.account_id, report.id)?;
        }
    }
    let entry = Entry::new("report.create", report.id.to_string())
        .because(Some(report.comment.clone()))
        .with(json!({
            "report_id": report.id.to_string(),
            "reporter_account_id": report.account_id.to_string(),
            "target_account_id": report.target_account_id.to_string(),
            "status_ids": statuses.iter().map(i64::to_string).collect::<Vec<_>>(),
            "category": report.category.as_str(),
            "received": report.uri.is_some(),
            "forwarded": report.forwarded,
        }));
    audit::record(conn, state, acting, entry)
}

/// Queues the `Flag` of `report` by the instance actor to the reported account's server
/// and records that it was forwarded.
fn forward(
    conn: &mut DbConnection,
    state: &AppState,
    instance: &Account,
    report: &Report,
    target: &Account,
    statuses: &[i64],
) -> Result<(), DbError> {
    let mut objects = vec![target.uri.clone()];
    objects.extend(
        posts::table
            .filter(posts::id.eq_any(statuses))
            .order(posts::id.asc())
            .select(posts::uri)
            .load::<String>(conn)?,
    );
    let id = state.urls().new_activity();
    let activity = flag::build(&id, &instance.uri, &objects, &report.comment);
    let inbox = target
        .shared_inbox_url
        .clone()
        .unwrap_or_else(|| target.inbox_url.clone());
    delivery::enqueue(conn, state, instance.id, &activity, [inbox])?;
    Report::set_forwarded(conn, report.id, &id)?;
    Ok(())
}

/// The account `id`, if it exists.
fn find_account(conn: &mut DbConnection, id: i64) -> Result<Option<Account>, DbError> {
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

/// The posts among `ids` written by `author` (others are left out).
fn posts_of(conn: &mut DbConnection, author: i64, ids: &[i64]) -> Result<Vec<i64>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(posts::table
        .filter(posts::id.eq_any(ids))
        .filter(posts::account_id.eq(author))
        .select(posts::id)
        .load(conn)?)
}

/// A page of reports matching `filter`, newest first (their ids are the page's cursors).
pub async fn list(
    state: &AppState,
    filter: ReportFilter,
    window: Window,
) -> Result<Vec<ReportView>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Report::page(conn, &filter, window)?;
            views(conn, rows)
        })
        .await?)
}

/// One report.
pub async fn find(state: &AppState, id: i64) -> Result<ReportView, ServiceError> {
    state
        .db()
        .read(move |conn| {
            let rows: Vec<Report> = Report::find(conn, id)?.into_iter().collect();
            views(conn, rows)
        })
        .await?
        .pop()
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

/// How a moderator changes a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportChange {
    /// Marks it resolved.
    Resolve,
    /// Opens it again.
    Reopen,
    /// Assigns it to the acting moderator.
    AssignToSelf,
    /// Assigns it to nobody.
    Unassign,
}

impl ReportChange {
    fn action(self) -> &'static str {
        match self {
            ReportChange::Resolve => "report.resolve",
            ReportChange::Reopen => "report.reopen",
            ReportChange::AssignToSelf | ReportChange::Unassign => "report.assign",
        }
    }
}

/// Applies `change` to report `id` as `moderator`, recorded in the audit log with `reason`.
pub async fn change(
    state: &AppState,
    acting: &Acting,
    moderator: Option<i64>,
    id: i64,
    change: ReportChange,
    reason: Option<String>,
) -> Result<ReportView, ServiceError> {
    let acting = acting.clone();
    let writer = state.clone();
    let found = state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| apply(conn, &writer, &acting, moderator, id, change, reason))
        })
        .await?;
    if !found {
        return Err(ServiceError::NotFound("Record not found".into()));
    }
    find(state, id).await
}

/// Applies `change` to report `id` in the caller's transaction and audits it; false when
/// there is no such report.
pub(crate) fn apply(
    conn: &mut DbConnection,
    state: &AppState,
    acting: &Acting,
    moderator: Option<i64>,
    id: i64,
    change: ReportChange,
    reason: Option<String>,
) -> Result<bool, DbError> {
    let at = now();
    let changed = match change {
        ReportChange::Resolve => Report::set_resolved(conn, id, Some(at), moderator, at)?,
        ReportChange::Reopen => Report::set_resolved(conn, id, None, None, at)?,
        ReportChange::AssignToSelf => Report::set_assigned(conn, id, moderator, at)?,
        ReportChange::Unassign => Report::set_assigned(conn, id, None, at)?,
    };
    if changed == 0 {
        return Ok(false);
    }
    let assigned = match change {
        ReportChange::AssignToSelf => moderator.map(|m| m.to_string()),
        _ => None,
    };
    let entry = Entry::new(change.action(), id.to_string())
        .because(reason)
        .with(json!({"report_id": id.to_string(), "assigned_account_id": assigned}));
    audit::record(conn, state, acting, entry)?;
    Ok(true)
}

/// One account as moderators see it.
pub async fn moderated_account(
    state: &AppState,
    id: i64,
) -> Result<ModeratedAccount, ServiceError> {
    state
        .db()
        .read(move |conn| find_with_user(conn, id))
        .await?
        .map(|(account, user)| ModeratedAccount { account, user })
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}
