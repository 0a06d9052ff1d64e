//! Listing, reading and dismissing notifications.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::state::AppState;
use trellis_storage::models::notification::NotificationFilter;
use trellis_storage::models::{Notification, NotificationKind, Post};
use trellis_storage::page::Window;
use trellis_storage::schema::posts;
use trellis_storage::{DbConnection, DbError};

use super::filters;
pub use super::hydrate::NotificationView;
use super::hydrate::{self, ReportView, StatusView};
use super::{ServiceError, visibility};

/// Largest unread count reported.
pub const UNREAD_CAP: i64 = 1000;

/// A page of notifications.
#[derive(Clone, Debug)]
pub struct Page {
    /// The notifications the reader may see, newest first.
    pub items: Vec<NotificationView>,
    /// Ids of every row read for the page (including left-out ones), for the `Link` header.
    pub cursors: Vec<i64>,
}

/// What a listing asks for: `types[]`, `exclude_types[]` and `account_id`.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Kind names to keep; unknown names are ignored, as Mastodon does.
    pub types: Vec<String>,
    /// Kind names to leave out.
    pub exclude_types: Vec<String>,
    /// Only notifications caused by this account.
    pub account_id: Option<i64>,
}

impl Query {
    /// The storage filter: with `types[]` only the known kinds named, otherwise every kind;
    /// minus the excluded ones.
    pub fn filter(&self) -> NotificationFilter {
        let requested: Vec<NotificationKind> = if self.types.is_empty() {
            NotificationKind::ALL.to_vec()
        } else {
            NotificationKind::ALL
                .iter()
                .copied()
                .filter(|k| self.types.iter().any(|t| t == k.as_str()))
                .collect()
        };
        let kinds = requested
            .into_iter()
            .filter(|k| !self.exclude_types.iter().any(|t| t == k.as_str()))
            .collect::<Vec<_>>();
        NotificationFilter {
            kinds: (kinds.len() < NotificationKind::ALL.len()).then_some(kinds),
            from_account_id: self.account_id,
        }
    }
}

/// A page of `reader`'s notifications.
pub async fn list(
    state: &AppState,
    reader: i64,
    query: Query,
    window: Window,
) -> Result<Page, ServiceError> {
    let filter = query.filter();
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Notification::page(conn, reader, &filter, window)?;
            let cursors = rows.iter().map(|n| n.id).collect();
            let items = views(conn, rows, Some(reader))?;
            Ok(Page { items, cursors })
        })
        .await?)
}

/// One of `reader`'s notifications; another person's, or one about a post the reader can no
/// longer see, is missing.
pub async fn get(state: &AppState, reader: i64, id: i64) -> Result<NotificationView, ServiceError> {
    state
        .db()
        .read(move |conn| {
            let rows: Vec<Notification> = Notification::find_for(conn, reader, id)?
                .into_iter()
                .collect();
            views(conn, rows, Some(reader))
        })
        .await?
        .pop()
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

/// Dismisses one of `reader`'s notifications (missing when it is not theirs).
pub async fn dismiss(state: &AppState, reader: i64, id: i64) -> Result<(), ServiceError> {
    let found = state
        .db()
        .write(move |conn| Notification::dismiss(conn, reader, id))
        .await?;
    if found {
        Ok(())
    } else {
        Err(ServiceError::NotFound("Record not found".into()))
    }
}

/// Removes all of `reader`'s notifications.
pub async fn clear(state: &AppState, reader: i64) -> Result<(), ServiceError> {
    state
        .db()
        .write(move |conn| Notification::clear(conn, reader))
        .await?;
    Ok(())
}

/// How many notifications arrived after the reader's `notifications` marker, counting at
/// most `limit` (itself at most [`UNREAD_CAP`]).
pub async fn unread_count(
    state: &AppState,
    reader: i64,
    query: Query,
    limit: Option<i64>,
) -> Result<i64, ServiceError> {
    let filter = query.filter();
    let cap = limit.unwrap_or(UNREAD_CAP).clamp(1, UNREAD_CAP);
    Ok(state
        .db()
        .read(move |conn| Notification::unread(conn, reader, &filter, cap))
        .await?
        .len() as i64)
}

/// Views of `rows` (same order) in a fixed number of queries. Each notification is checked
/// against its own recipient: one about a post the recipient may not see (any more) is left
/// out. `flags_for` is the reader whose favourited/reblogged/bookmarked flags are loaded.
pub fn views(
    conn: &mut DbConnection,
    rows: Vec<Notification>,
    flags_for: Option<i64>,
) -> Result<Vec<NotificationView>, DbError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let post_ids: Vec<i64> = rows.iter().filter_map(|n| n.post_id).collect();
    let loaded: Vec<Post> = if post_ids.is_empty() {
        Vec::new()
    } else {
        posts::table
            .filter(posts::id.eq_any(&post_ids))
            .select(Post::as_select())
            .load(conn)?
    };
    let pairs: Vec<(i64, i64)> = rows
        .iter()
        .filter_map(|n| n.post_id.map(|p| (p, n.account_id)))
        .collect();
    let visible = visibility::visible_pairs(conn, &loaded, &pairs)?;
    let statuses: HashMap<i64, StatusView> = hydrate::statuses(conn, loaded, flags_for)?
        .into_iter()
        .map(|v| (v.post.id, v))
        .collect();
    let from: Vec<i64> = rows.iter().map(|n| n.from_account_id).collect();
    let accounts = hydrate::accounts_by_id(conn, &from)?;
    let report_ids: Vec<i64> = rows.iter().filter_map(|n| n.report_id).collect();
    let reports: HashMap<i64, ReportView> = hydrate::views_by_id(conn, &report_ids)?;
    let shown: Vec<NotificationView> = rows
        .into_iter()
        .filter_map(|notification| {
            let status = match notification.post_id {
                Some(post) => {
                    if !visible.contains(&(post, notification.account_id)) {
                        return None;
                    }
                    Some(statuses.get(&post)?.clone())
                }
                None => None,
            };
            let account = accounts.get(&notification.from_account_id)?.clone();
            let report = match notification.report_id {
                Some(id) => Some(Box::new(reports.get(&id)?.clone())),
                None => None,
            };
            Some(NotificationView {
                notification,
                account,
                status,
                report,
            })
        })
        .collect();
    Ok(match flags_for {
        Some(reader) => {
            filters::apply_to_notifications(&filters::load(conn, reader)?, reader, shown)
        }
        None => shown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(types: &[&str], exclude: &[&str]) -> Query {
        Query {
            types: types.iter().map(|s| s.to_string()).collect(),
            exclude_types: exclude.iter().map(|s| s.to_string()).collect(),
            account_id: None,
        }
    }

    #[test]
    fn filters_follow_mastodon() {
        assert_eq!(query(&[], &[]).filter().kinds, None);
        assert_eq!(
            query(&["mention", "poll"], &[]).filter().kinds,
            Some(vec![NotificationKind::Mention, NotificationKind::Poll])
        );
        // Types Trellis does not know select nothing.
        assert_eq!(query(&["quote"], &[]).filter().kinds, Some(vec![]));
        let all_but = query(&[], &["follow", "favourite"]).filter().kinds.unwrap();
        assert!(
            !all_but.contains(&NotificationKind::Follow)
                && !all_but.contains(&NotificationKind::Favourite)
        );
        assert_eq!(all_but.len(), NotificationKind::ALL.len() - 2);
        assert_eq!(
            query(&["admin.report"], &[]).filter().kinds,
            Some(vec![NotificationKind::AdminReport])
        );
        assert_eq!(
            query(&["mention", "reblog"], &["reblog"]).filter().kinds,
            Some(vec![NotificationKind::Mention])
        );
    }
}
