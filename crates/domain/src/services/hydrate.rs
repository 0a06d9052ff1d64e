//! Batch loading of everything a client needs to show accounts and posts: authors (whose
//! counters are columns of their rows), boosted posts (those the reader may see), mentions,
//! tags and the reader's own flags, in a fixed number of queries per page (never one query
//! per item); reports as moderators see them, with their accounts and posts.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use trellis_storage::models::report::Report;
use trellis_storage::models::status_pin::StatusPin;
use trellis_storage::models::{Account, Notification, Post, User};
use trellis_storage::schema::{
    accounts, bookmarks, favourites, post_mentions, post_tags, posts, users,
};
use trellis_storage::{DbConnection, DbError};

use super::filter_matching::FilterMatch;
use super::visibility;

/// An account as a client sees it. Its counters (followers, following, statuses, last
/// status) are columns of the row, kept by the functions that change follows and posts.
#[derive(Clone, Debug)]
pub struct AccountView {
    /// The row.
    pub account: Account,
}

/// A post as a reader sees it.
#[derive(Clone, Debug)]
pub struct StatusView {
    /// The row.
    pub post: Post,
    /// Its author (the booster, for a boost).
    pub account: AccountView,
    /// For a boost: the boosted post.
    pub reblog: Option<Box<StatusView>>,
    /// Mentioned accounts.
    pub mentions: Vec<Account>,
    /// Hashtags (lower case, without `#`).
    pub tags: Vec<String>,
    /// The reader liked it.
    pub favourited: bool,
    /// The reader boosted it.
    pub reblogged: bool,
    /// The reader bookmarked it.
    pub bookmarked: bool,
    /// The reader pinned it to their profile (their own posts only).
    pub pinned: bool,
    /// The reader's filters that match it where it is shown (see `filters::apply`).
    pub filtered: Vec<FilterMatch>,
    /// Its poll, as the reader sees it.
    pub poll: Option<super::poll_views::PollView>,
}

/// Account views for `ids`, keyed by id (unknown ids are left out), in one query.
pub(crate) fn accounts_by_id(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, AccountView>, DbError> {
    let ids: Vec<i64> = unique(ids.iter().copied());
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(accounts::table
        .filter(accounts::id.eq_any(&ids))
        .select(Account::as_select())
        .load::<Account>(conn)?
        .into_iter()
        .map(|account| (account.id, AccountView { account }))
        .collect())
}

/// Account views in the order of `accounts`.
pub fn accounts(conn: &mut DbConnection, list: Vec<Account>) -> Result<Vec<AccountView>, DbError> {
    let ids: Vec<i64> = list.iter().map(|a| a.id).collect();
    let mut by_id = accounts_by_id(conn, &ids)?;
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Status views of `list` (same order) for `viewer`. The caller has already checked that the
/// viewer may see each post; the boosted posts are checked here, by the same rule in batch,
/// and a boost whose boosted post the viewer may not see is left out.
pub fn statuses(
    conn: &mut DbConnection,
    list: Vec<Post>,
    viewer: Option<i64>,
) -> Result<Vec<StatusView>, DbError> {
    let boosted_ids: Vec<i64> = unique(list.iter().filter_map(|p| p.reblog_of_id));
    let boosted: HashMap<i64, Post> = if boosted_ids.is_empty() {
        HashMap::new()
    } else {
        let loaded = posts::table
            .filter(posts::id.eq_any(&boosted_ids))
            .select(Post::as_select())
            .load::<Post>(conn)?;
        visibility::visible_posts(conn, loaded, viewer)?
            .into_iter()
            .map(|p| (p.id, p))
            .collect()
    };
    let all_posts: Vec<i64> = unique(list.iter().map(|p| p.id).chain(boosted.keys().copied()));
    let mention_rows: Vec<(i64, Account)> = post_mentions::table
        .inner_join(accounts::table.on(accounts::id.eq(post_mentions::account_id)))
        .filter(post_mentions::post_id.eq_any(&all_posts))
        .select((post_mentions::post_id, Account::as_select()))
        .load(conn)?;
    let mut mentions: HashMap<i64, Vec<Account>> = HashMap::new();
    for (post, account) in mention_rows {
        mentions.entry(post).or_default().push(account);
    }
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (post, name) in post_tags::table
        .filter(post_tags::post_id.eq_any(&all_posts))
        .order(post_tags::name.asc())
        .select((post_tags::post_id, post_tags::name))
        .load::<(i64, String)>(conn)?
    {
        tags.entry(post).or_default().push(name);
    }
    let (favourited, reblogged, bookmarked) = match viewer {
        Some(viewer) => viewer_flags(conn, viewer, &all_posts)?,
        None => Default::default(),
    };
    // Only authors pin, so a page without the reader's own posts needs no query.
    let own: Vec<i64> = match viewer {
        Some(viewer) => list
            .iter()
            .chain(boosted.values())
            .filter(|p| p.account_id == viewer)
            .map(|p| p.id)
            .collect(),
        None => Vec::new(),
    };
    let pinned = match viewer {
        Some(viewer) if !own.is_empty() => StatusPin::pinned_among(conn, viewer, &own)?,
        _ => HashSet::new(),
    };
    let author_ids: Vec<i64> = list
        .iter()
        .map(|p| p.account_id)
        .chain(boosted.values().map(|p| p.account_id))
        .collect();
    let authors = accounts_by_id(conn, &author_ids)?;
    let page_posts: Vec<&Post> = list.iter().chain(boosted.values()).collect();
    let polls = super::poll_views::views(conn, &page_posts, viewer)?;
    let view = |post: Post| -> Option<StatusView> {
        let account = authors.get(&post.account_id)?.clone();
        Some(StatusView {
            mentions: mentions.get(&post.id).cloned().unwrap_or_default(),
            tags: tags.get(&post.id).cloned().unwrap_or_default(),
            favourited: favourited.contains(&post.id),
            reblogged: reblogged.contains(&post.id),
            bookmarked: bookmarked.contains(&post.id),
            pinned: pinned.contains(&post.id),
            filtered: Vec::new(),
            poll: polls.get(&post.id).cloned(),
            account,
            reblog: None,
            post,
        })
    };
    Ok(list
        .into_iter()
        .filter_map(|post| {
            let inner = match post.reblog_of_id {
                Some(id) => Some(Box::new(view(boosted.get(&id)?.clone())?)),
                None => None,
            };
            let mut outer = view(post)?;
            outer.reblog = inner;
            Some(outer)
        })
        .collect())
}

/// Ids among a page that the reader liked, boosted and bookmarked.
pub type Flags = (HashSet<i64>, HashSet<i64>, HashSet<i64>);

/// Which of `ids` the viewer liked, boosted and bookmarked, in three queries.
pub(crate) fn viewer_flags(
    conn: &mut DbConnection,
    viewer: i64,
    ids: &[i64],
) -> Result<Flags, DbError> {
    let favourited = favourites::table
        .filter(favourites::account_id.eq(viewer))
        .filter(favourites::post_id.eq_any(ids))
        .select(favourites::post_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let reblogged = posts::table
        .filter(posts::account_id.eq(viewer))
        .filter(posts::reblog_of_id.eq_any(ids))
        .select(posts::reblog_of_id.assume_not_null())
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let bookmarked = bookmarks::table
        .filter(bookmarks::account_id.eq(viewer))
        .filter(bookmarks::post_id.eq_any(ids))
        .select(bookmarks::post_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    Ok((favourited, reblogged, bookmarked))
}

fn unique(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}

/// A notification with who caused it and the post concerned, ready to render.
#[derive(Clone, Debug)]
pub struct NotificationView {
    /// The row.
    pub notification: Notification,
    /// Who caused it.
    pub account: AccountView,
    /// The post concerned, if any.
    pub status: Option<StatusView>,
    /// The report concerned (`admin.report`), if any.
    pub report: Option<Box<ReportView>>,
}

/// An account as moderators see it: the row and, for a local person, the login data.
#[derive(Clone, Debug)]
pub struct ModeratedAccount {
    /// The account.
    pub account: Account,
    /// Login data of a local person.
    pub user: Option<User>,
}

/// A report with everything a moderator needs to show it.
#[derive(Clone, Debug)]
pub struct ReportView {
    /// The row.
    pub report: Report,
    /// Who reported.
    pub account: ModeratedAccount,
    /// Who is reported.
    pub target_account: ModeratedAccount,
    /// The moderator handling it.
    pub assigned_account: Option<ModeratedAccount>,
    /// Who resolved it.
    pub action_taken_by_account: Option<ModeratedAccount>,
    /// The reported posts that still exist.
    pub statuses: Vec<StatusView>,
    /// The ids of the reported posts (including those deleted since).
    pub status_ids: Vec<i64>,
}

/// Views of `rows` (same order) in a fixed number of queries.
pub(crate) fn report_views(
    conn: &mut DbConnection,
    rows: Vec<Report>,
) -> Result<Vec<ReportView>, DbError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let pairs = Report::statuses_of(conn, &ids)?;
    let post_ids: Vec<i64> = pairs.iter().map(|(_, p)| *p).collect();
    let loaded: Vec<Post> = posts::table
        .filter(posts::id.eq_any(&post_ids))
        .select(Post::as_select())
        .load(conn)?;
    let statuses: HashMap<i64, StatusView> = statuses(conn, loaded, None)?
        .into_iter()
        .map(|v| (v.post.id, v))
        .collect();
    let account_ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| {
            [
                Some(r.account_id),
                Some(r.target_account_id),
                r.assigned_account_id,
                r.action_taken_by_account_id,
            ]
        })
        .flatten()
        .collect();
    let people = moderated_accounts(conn, &account_ids)?;
    Ok(rows
        .into_iter()
        .filter_map(|report| {
            let status_ids: Vec<i64> = pairs
                .iter()
                .filter(|(r, _)| *r == report.id)
                .map(|(_, p)| *p)
                .collect();
            Some(ReportView {
                account: people.get(&report.account_id)?.clone(),
                target_account: people.get(&report.target_account_id)?.clone(),
                assigned_account: report
                    .assigned_account_id
                    .and_then(|id| people.get(&id).cloned()),
                action_taken_by_account: report
                    .action_taken_by_account_id
                    .and_then(|id| people.get(&id).cloned()),
                statuses: status_ids
                    .iter()
                    .filter_map(|id| statuses.get(id).cloned())
                    .collect(),
                status_ids,
                report,
            })
        })
        .collect())
}

/// Views of the reports `ids`, keyed by id (unknown ids are left out).
pub(crate) fn views_by_id(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, ReportView>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = Report::by_ids(conn, ids)?;
    Ok(report_views(conn, rows)?
        .into_iter()
        .map(|v| (v.report.id, v))
        .collect())
}

/// Accounts with their login data, keyed by id, in one query.
fn moderated_accounts(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, ModeratedAccount>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(accounts::table
        .left_join(users::table)
        .filter(accounts::id.eq_any(ids))
        .select((Account::as_select(), Option::<User>::as_select()))
        .load::<(Account, Option<User>)>(conn)?
        .into_iter()
        .map(|(account, user)| (account.id, ModeratedAccount { account, user }))
        .collect())
}
