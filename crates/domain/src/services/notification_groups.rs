//! Grouped notifications (Mastodon 4.3's `/api/v2/notifications`): likes and boosts of one
//! post, and follows, on one day (UTC) form a group; every other notification is a group of
//! its own. The key is the same in the v1 and v2 APIs.

use std::collections::{HashMap, HashSet};

use trellis_storage::models::Notification;
use trellis_storage::models::notification::{NotificationFilter, NotificationKind};
use trellis_storage::page::Window;

use super::ServiceError;
use super::hydrate::NotificationView;
use super::notifications::{Query, UNREAD_CAP, views};
use crate::state::AppState;

/// The kinds grouped when a client does not say (`grouped_types[]`).
pub const GROUPED_BY_DEFAULT: [NotificationKind; 3] = [
    NotificationKind::Favourite,
    NotificationKind::Reblog,
    NotificationKind::Follow,
];

/// Raw notifications read per group asked for, so a page of groups is usually full.
const ROWS_PER_GROUP: i64 = 4;
/// Most raw notifications read for one page.
const MAX_ROWS: i64 = 400;
/// How far back a group is looked up by its key.
const GROUP_LOOKUP_ROWS: i64 = 400;

/// The group key of `notification` when `grouped` kinds are grouped.
pub fn group_key(notification: &Notification, grouped: &[NotificationKind]) -> String {
    let day = notification
        .created_at
        .and_utc()
        .timestamp()
        .div_euclid(86_400);
    match (notification.kind, notification.post_id) {
        (kind, _) if !grouped.contains(&kind) => format!("ungrouped-{}", notification.id),
        (NotificationKind::Follow, _) => format!("follow-{day}"),
        (kind, Some(post)) => format!("{}-{post}-{day}", kind.as_str()),
        (_, None) => format!("ungrouped-{}", notification.id),
    }
}

/// A group: its key and its notifications on this page, newest first.
#[derive(Clone, Debug)]
pub struct Group {
    /// The group key.
    pub key: String,
    /// The notifications, newest first (at least one).
    pub members: Vec<NotificationView>,
}

/// A page of groups.
#[derive(Clone, Debug)]
pub struct GroupPage {
    /// The groups, the most recent first.
    pub groups: Vec<Group>,
    /// The ids of the raw notifications this page covers (for the `Link` header).
    pub cursors: Vec<i64>,
}

/// Puts `views` (newest first) into at most `limit` groups in order of their most recent
/// notification; returns the groups and how many views they took (the rest start the next
/// page).
pub fn group(
    views: Vec<NotificationView>,
    grouped: &[NotificationKind],
    limit: usize,
) -> (Vec<Group>, usize) {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut taken = 0;
    for view in views {
        let key = group_key(&view.notification, grouped);
        match index.get(&key) {
            Some(&at) => groups[at].members.push(view),
            None if groups.len() == limit => break,
            None => {
                index.insert(key.clone(), groups.len());
                groups.push(Group {
                    key,
                    members: vec![view],
                });
            }
        }
        taken += 1;
    }
    (groups, taken)
}

/// A page of `reader`'s notifications in at most `limit` groups.
pub async fn page(
    state: &AppState,
    reader: i64,
    query: Query,
    grouped: Vec<NotificationKind>,
    window: Window,
) -> Result<GroupPage, ServiceError> {
    let filter = query.filter();
    let limit = usize::try_from(window.limit).unwrap_or(1).max(1);
    let rows_window = Window {
        limit: (window.limit * ROWS_PER_GROUP).clamp(1, MAX_ROWS),
        ..window
    };
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Notification::page(conn, reader, &filter, rows_window)?;
            let ids: Vec<i64> = rows.iter().map(|n| n.id).collect();
            let all = views(conn, rows, Some(reader))?;
            let (groups, taken) = group(all, &grouped, limit);
            // Cursors: every raw row up to the last view taken (left-out rows included).
            let last_taken = groups
                .iter()
                .flat_map(|g| g.members.iter().map(|m| m.notification.id))
                .min();
            let cursors = match (taken, last_taken) {
                (0, _) | (_, None) => ids,
                (_, Some(last)) => ids.into_iter().filter(|id| *id >= last).collect(),
            };
            Ok(GroupPage { groups, cursors })
        })
        .await?)
}

/// The notifications of `reader`'s group `key` among their latest ones (missing when none).
pub async fn find(
    state: &AppState,
    reader: i64,
    key: &str,
    grouped: Vec<NotificationKind>,
) -> Result<Group, ServiceError> {
    let wanted = key.to_string();
    let members = state
        .db()
        .read(move |conn| {
            let rows = Notification::page(
                conn,
                reader,
                &NotificationFilter::default(),
                Window::latest(GROUP_LOOKUP_ROWS),
            )?;
            let rows = rows
                .into_iter()
                .filter(|n| group_key(n, &grouped) == wanted)
                .collect();
            views(conn, rows, Some(reader))
        })
        .await?;
    if members.is_empty() {
        return Err(ServiceError::NotFound("Record not found".into()));
    }
    Ok(Group {
        key: key.to_string(),
        members,
    })
}

/// How many groups the reader's unread notifications (after their marker; the newest
/// [`UNREAD_CAP`] of them) make, counting at most `limit` groups.
pub async fn unread_count(
    state: &AppState,
    reader: i64,
    query: Query,
    grouped: Vec<NotificationKind>,
    limit: Option<i64>,
) -> Result<i64, ServiceError> {
    let filter = query.filter();
    let cap = limit.unwrap_or(UNREAD_CAP).clamp(1, UNREAD_CAP);
    let unread = state
        .db()
        .read(move |conn| Notification::unread(conn, reader, &filter, UNREAD_CAP))
        .await?;
    let keys: HashSet<String> = unread.iter().map(|n| group_key(n, &grouped)).collect();
    Ok((keys.len() as i64).min(cap))
}

/// Dismisses every notification of `reader`'s group `key` (missing when there is none).
pub async fn dismiss(
    state: &AppState,
    reader: i64,
    key: &str,
    grouped: Vec<NotificationKind>,
) -> Result<(), ServiceError> {
    let group = find(state, reader, key, grouped).await?;
    let ids: Vec<i64> = group.members.iter().map(|m| m.notification.id).collect();
    state
        .db()
        .write(move |conn| Notification::dismiss_many(conn, reader, &ids))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn notification(id: i64, kind: NotificationKind, post: Option<i64>, day: u32) -> Notification {
        Notification {
            id,
            account_id: 1,
            from_account_id: 2,
            kind,
            post_id: post,
            created_at: NaiveDate::from_ymd_opt(2026, 12, day)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap(),
            report_id: None,
        }
    }

    #[test]
    fn likes_and_boosts_of_a_post_and_follows_group_by_day() {
        let like = notification(1, NotificationKind::Favourite, Some(7), 5);
        let other_day = notification(2, NotificationKind::Favourite, Some(7), 6);
        let boost = notification(3, NotificationKind::Reblog, Some(7), 5);
        let follow = notification(4, NotificationKind::Follow, None, 5);
        let mention = notification(5, NotificationKind::Mention, Some(7), 5);
        let keys: Vec<String> = [&like, &other_day, &boost, &follow, &mention]
            .iter()
            .map(|n| group_key(n, &GROUPED_BY_DEFAULT))
            .collect();
        assert_eq!(keys[0], "favourite-7-20792");
        assert_ne!(keys[0], keys[1]);
        assert_eq!(keys[2], "reblog-7-20792");
        assert_eq!(keys[3], "follow-20792");
        assert_eq!(keys[4], "ungrouped-5");
        assert_eq!(group_key(&like, &[]), "ungrouped-1");
    }
}
