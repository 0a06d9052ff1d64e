//! What a person reads: the home, public, hashtag and direct timelines, single statuses and
//! threads, and who liked or boosted a post. Every page is one indexed query, checked against
//! the visibility rule in batch ([`visibility::visible_posts`]) and hydrated in batch.

use std::collections::HashSet;

use crate::state::AppState;
use trellis_storage::models::post::TimelineFilter;
use trellis_storage::models::{Post, account_moderation};
use trellis_storage::page::Window;
use trellis_storage::{DbConnection, DbError};

use super::hydrate::{self, AccountView, StatusView};
use super::{ServiceError, visibility};

/// Longest ancestor chain returned with a thread.
const MAX_ANCESTORS: usize = 100;
/// Most descendants returned with a thread.
const MAX_DESCENDANTS: usize = 1000;

/// A page of statuses with the cursors of the rows read (for the `Link` header). Cursors are
/// taken before hidden posts are dropped, so a page emptied by filtering still pages on.
#[derive(Clone, Debug, Default)]
pub struct StatusPage {
    /// What the reader sees, newest first.
    pub statuses: Vec<StatusView>,
    /// Cursor ids of the rows read, newest first.
    pub cursors: Vec<i64>,
}

/// A page of accounts with their cursors.
#[derive(Clone, Debug, Default)]
pub struct AccountPage {
    /// The accounts, newest first.
    pub accounts: Vec<AccountView>,
    /// Cursor ids, in the same order.
    pub cursors: Vec<i64>,
}

/// Checks, filters and hydrates a page of posts read with `cursors`. Boosts of posts by
/// `hidden` authors are dropped too.
pub(crate) fn finish_page(
    conn: &mut DbConnection,
    rows: Vec<Post>,
    cursors: Vec<i64>,
    viewer: Option<i64>,
    hidden: &[i64],
) -> Result<StatusPage, DbError> {
    let visible = visibility::visible_posts(conn, rows, viewer)?;
    let hidden: HashSet<i64> = hidden.iter().copied().collect();
    let statuses = hydrate::statuses(conn, visible, viewer)?
        .into_iter()
        .filter(|view| {
            view.reblog
                .as_ref()
                .is_none_or(|inner| !hidden.contains(&inner.post.account_id))
        })
        .collect();
    Ok(StatusPage { statuses, cursors })
}

fn post_page(
    conn: &mut DbConnection,
    rows: Vec<Post>,
    viewer: Option<i64>,
    hidden: &[i64],
) -> Result<StatusPage, DbError> {
    let cursors = rows.iter().map(|p| p.id).collect();
    finish_page(conn, rows, cursors, viewer, hidden)
}

/// The latest `limit` posts of the reader's home timeline (posts and boosts from followed
/// accounts, one's own, posts mentioning the reader); never a post the reader may not see.
pub async fn home(state: &AppState, reader: i64, limit: i64) -> Result<Vec<Post>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Post::home_feed_page(conn, reader, Window::latest(limit))?;
            visibility::visible_posts(conn, rows, Some(reader))
        })
        .await?)
}

/// A page of the reader's home timeline, read from the feed written when posts arrive.
pub async fn home_page(
    state: &AppState,
    reader: i64,
    window: Window,
) -> Result<StatusPage, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Post::home_feed_page(conn, reader, window)?;
            post_page(conn, rows, Some(reader), &[])
        })
        .await?)
}

/// The same page computed at read time from the reader's follows (fan-out on read); kept
/// for comparison with [`home_page`] in the benchmark.
pub async fn home_by_followees_page(
    state: &AppState,
    reader: i64,
    window: Window,
) -> Result<StatusPage, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Post::home_by_followees_page(conn, reader, window)?;
            post_page(conn, rows, Some(reader), &[])
        })
        .await?)
}

/// A page of the public (or hashtag, when `filter` names tags) timeline, without authors the
/// viewer blocks or mutes.
pub async fn public_page(
    state: &AppState,
    viewer: Option<i64>,
    mut filter: TimelineFilter,
    window: Window,
) -> Result<StatusPage, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            if let Some(viewer) = viewer {
                filter.hidden_authors = Post::hidden_authors_for(conn, viewer)?;
            }
            let rows = Post::public_page(conn, &filter, window)?;
            let cursors = rows.iter().map(|p| p.id).collect();
            let rows = without_silenced(conn, rows)?;
            finish_page(conn, rows, cursors, viewer, &filter.hidden_authors)
        })
        .await?)
}

/// `rows` without the posts of silenced accounts: they reach their followers' home
/// timelines only, never the public ones.
fn without_silenced(conn: &mut DbConnection, rows: Vec<Post>) -> Result<Vec<Post>, DbError> {
    let authors: Vec<i64> = rows.iter().map(|p| p.account_id).collect();
    let silenced: HashSet<i64> = account_moderation::silenced_among(conn, &authors)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .filter(|p| !silenced.contains(&p.account_id))
        .collect())
}

/// A page of the direct posts the reader wrote or was mentioned in.
pub async fn direct_page(
    state: &AppState,
    reader: i64,
    window: Window,
) -> Result<StatusPage, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Post::direct_page(conn, reader, window)?;
            post_page(conn, rows, Some(reader), &[])
        })
        .await?)
}

/// The post `id` if `viewer` may see it (and, for a boost, the boosted post); hidden and
/// unknown posts are both reported missing.
pub async fn visible_post(
    state: &AppState,
    id: i64,
    viewer: Option<i64>,
) -> Result<Post, ServiceError> {
    let found = state
        .db()
        .read(move |conn| {
            let Some(post) = Post::find(conn, id)? else {
                return Ok(None);
            };
            Ok(visibility::can_see_with_original(conn, &post, viewer)?.then_some(post))
        })
        .await?;
    found.ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

/// Status views of `posts` (same order) for `viewer`, who may see each of them.
pub async fn views(
    state: &AppState,
    posts: Vec<Post>,
    viewer: Option<i64>,
) -> Result<Vec<StatusView>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| hydrate::statuses(conn, posts, viewer))
        .await?)
}

/// The view of one post `viewer` may see.
pub async fn view(
    state: &AppState,
    post: Post,
    viewer: Option<i64>,
) -> Result<StatusView, ServiceError> {
    views(state, vec![post], viewer)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

/// The status `id` as `viewer` sees it (404 when hidden or unknown).
pub async fn status(
    state: &AppState,
    id: i64,
    viewer: Option<i64>,
) -> Result<StatusView, ServiceError> {
    let post = visible_post(state, id, viewer).await?;
    view(state, post, viewer).await
}

/// A post's ancestors (oldest first) and descendants (in reply order), as `viewer` may see them.
pub async fn thread(
    state: &AppState,
    post: &Post,
    viewer: Option<i64>,
) -> Result<(Vec<Post>, Vec<Post>), ServiceError> {
    let post = post.clone();
    Ok(state
        .db()
        .read(move |conn| thread_posts(conn, &post, viewer))
        .await?)
}

fn thread_posts(
    conn: &mut DbConnection,
    post: &Post,
    viewer: Option<i64>,
) -> Result<(Vec<Post>, Vec<Post>), DbError> {
    let mut ancestors = Vec::new();
    let mut cursor = post.in_reply_to_id;
    while let Some(id) = cursor {
        if ancestors.len() >= MAX_ANCESTORS {
            break;
        }
        let Some(parent) = Post::find(conn, id)? else {
            break;
        };
        cursor = parent.in_reply_to_id;
        ancestors.push(parent);
    }
    ancestors.reverse();
    let mut descendants = Vec::new();
    let mut frontier = vec![post.id];
    while !frontier.is_empty() && descendants.len() < MAX_DESCENDANTS {
        let replies = Post::replies_of_many(conn, &frontier, MAX_DESCENDANTS as i64)?;
        frontier = replies.iter().map(|p| p.id).collect();
        descendants.extend(replies);
    }
    descendants.truncate(MAX_DESCENDANTS);
    descendants.sort_by_key(|p| p.id);
    Ok((
        visibility::visible_posts(conn, ancestors, viewer)?,
        visibility::visible_posts(conn, descendants, viewer)?,
    ))
}

/// A post's thread as status views: `(ancestors, descendants)`, hydrated in one batch.
pub async fn context(
    state: &AppState,
    post: &Post,
    viewer: Option<i64>,
) -> Result<(Vec<StatusView>, Vec<StatusView>), ServiceError> {
    let post = post.clone();
    Ok(state
        .db()
        .read(move |conn| {
            let (ancestors, descendants) = thread_posts(conn, &post, viewer)?;
            let split = ancestors.len();
            let mut all = hydrate::statuses(
                conn,
                ancestors.into_iter().chain(descendants).collect(),
                viewer,
            )?;
            let descendants = all.split_off(split.min(all.len()));
            Ok((all, descendants))
        })
        .await?)
}

/// A page of the accounts that liked `post`.
pub async fn favourited_by(
    state: &AppState,
    post: &Post,
    window: Window,
) -> Result<AccountPage, ServiceError> {
    let id = post.id;
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Post::favouriters_page(conn, id, window)?;
            account_page(conn, rows)
        })
        .await?)
}

/// A page of the accounts that boosted `post`.
pub async fn reblogged_by(
    state: &AppState,
    post: &Post,
    window: Window,
) -> Result<AccountPage, ServiceError> {
    let id = post.id;
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Post::rebloggers_page(conn, id, window)?;
            account_page(conn, rows)
        })
        .await?)
}

/// Hydrates `(cursor, account)` rows.
pub fn account_page(
    conn: &mut DbConnection,
    rows: Vec<(i64, trellis_storage::models::Account)>,
) -> Result<AccountPage, DbError> {
    let ids: Vec<i64> = rows.iter().map(|(_, a)| a.id).collect();
    let by_id = hydrate::accounts_by_id(conn, &ids)?;
    let mut page = AccountPage::default();
    for (cursor, account) in rows {
        if let Some(view) = by_id.get(&account.id).cloned() {
            page.accounts.push(view);
            page.cursors.push(cursor);
        }
    }
    Ok(page)
}

/// The boost of `post_id` by `account_id`, if any.
pub async fn boost_by(
    state: &AppState,
    account_id: i64,
    post_id: i64,
) -> Result<Option<Post>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| Post::find_reblog(conn, account_id, post_id))
        .await?)
}
