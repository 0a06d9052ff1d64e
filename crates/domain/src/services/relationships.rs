//! A reader's view of other accounts: relationships (following, followed_by, requested,
//! blocking, muting, ...) computed in batch, follows made through the API, followers and
//! following pages, pending requests, and an account's posts as the reader may see them.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::state::AppState;
use crate::state::FedData;
use trellis_storage::models::block::{Block, Mute};
use trellis_storage::models::post::Visibility;
use trellis_storage::models::status_pin::StatusPin;
use trellis_storage::models::{Account, Follow, Post};
use trellis_storage::page::{Window, paged};
use trellis_storage::schema::{accounts, follows, post_mentions, post_tags, posts, users};
use trellis_storage::{DbConnection, DbError};

use super::hydrate::{self, AccountView, StatusView};
use super::{ServiceError, follows as follow_service, visibility};

/// How the reader relates to one other account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relationship {
    /// The other account.
    pub id: i64,
    /// The reader follows it (accepted).
    pub following: bool,
    /// The reader sees its boosts in the home feed.
    pub showing_reblogs: bool,
    /// The reader is notified of its posts.
    pub notifying: bool,
    /// It follows the reader (accepted).
    pub followed_by: bool,
    /// The reader blocks it.
    pub blocking: bool,
    /// It blocks the reader.
    pub blocked_by: bool,
    /// The reader mutes it.
    pub muting: bool,
    /// The reader mutes its notifications.
    pub muting_notifications: bool,
    /// The reader asked to follow it and awaits an answer.
    pub requested: bool,
    /// It asked to follow the reader and awaits an answer.
    pub requested_by: bool,
    /// The reader blocks its whole domain.
    pub domain_blocking: bool,
    /// The reader features it on their profile.
    pub endorsed: bool,
    /// The reader's private note about it.
    pub note: String,
}

/// Relationships of `viewer` with each of `ids` that exists (in the order given, duplicates
/// removed), in four queries whatever the number of ids.
pub fn load(
    conn: &mut DbConnection,
    viewer: i64,
    ids: &[i64],
) -> Result<Vec<Relationship>, DbError> {
    let mut seen = HashSet::new();
    let ids: Vec<i64> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let known: HashSet<i64> = accounts::table
        .filter(accounts::id.eq_any(&ids))
        .select(accounts::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let pairs: Vec<(i64, i64, bool)> = follows::table
        .filter(
            follows::account_id
                .eq(viewer)
                .and(follows::target_account_id.eq_any(&ids))
                .or(follows::target_account_id
                    .eq(viewer)
                    .and(follows::account_id.eq_any(&ids))),
        )
        .select((
            follows::account_id,
            follows::target_account_id,
            follows::accepted,
        ))
        .load(conn)?;
    let (blocking, blocked_by) = Block::between(conn, viewer, &ids)?;
    let muted = Mute::of(conn, viewer, &ids, chrono::Utc::now().naive_utc())?;
    Ok(ids
        .into_iter()
        .filter(|id| known.contains(id))
        .map(|id| {
            let mut relationship = Relationship {
                id,
                blocking: blocking.contains(&id),
                blocked_by: blocked_by.contains(&id),
                muting: muted.contains_key(&id),
                muting_notifications: muted.get(&id).copied().unwrap_or(false),
                ..Default::default()
            };
            for (follower, target, accepted) in &pairs {
                if *follower == viewer && *target == id {
                    relationship.following = *accepted;
                    relationship.showing_reblogs = *accepted;
                    relationship.requested = !*accepted;
                }
                if *target == viewer && *follower == id {
                    relationship.followed_by = *accepted;
                    relationship.requested_by = !*accepted;
                }
            }
            relationship
        })
        .collect())
}

/// Relationships of `viewer` with each of `ids` that exists.
pub async fn of(
    state: &AppState,
    viewer: i64,
    ids: Vec<i64>,
) -> Result<Vec<Relationship>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| load(conn, viewer, &ids))
        .await?)
}

/// The relationship of `viewer` with one account.
pub async fn with(state: &AppState, viewer: i64, id: i64) -> Result<Relationship, ServiceError> {
    of(state, viewer, vec![id])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::NotFound("no such account".into()))
}

/// An account row by id: unknown ids and disabled local people are missing.
pub(crate) fn find_account(conn: &mut DbConnection, id: i64) -> Result<Option<Account>, DbError> {
    let disabled = users::table
        .filter(users::disabled.eq(true))
        .select(users::account_id);
    Ok(accounts::table
        .find(id)
        .filter(diesel::dsl::not(accounts::id.eq_any(disabled)))
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

/// An account by id (404 when unknown).
pub async fn account(state: &AppState, id: i64) -> Result<Account, ServiceError> {
    state
        .db()
        .read(move |conn| find_account(conn, id))
        .await?
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

/// The view (with counters) of an account by id (404 when unknown).
pub async fn account_view(state: &AppState, id: i64) -> Result<AccountView, ServiceError> {
    state
        .db()
        .read(move |conn| {
            let Some(account) = find_account(conn, id)? else {
                return Ok(None);
            };
            Ok(hydrate::accounts(conn, vec![account])?.pop())
        })
        .await?
        .ok_or_else(|| ServiceError::NotFound("Record not found".into()))
}

/// Follows the account `target_id` (local or remote) and returns the new relationship:
/// `requested` while a locked or remote account has not answered. Refused (422) when either
/// side blocks the other.
pub async fn follow(
    data: &FedData,
    reader: &Account,
    target_id: i64,
) -> Result<Relationship, ServiceError> {
    let target = account(data, target_id).await?;
    // Never across a block: `follows::follow` asks `changes::follows::may_follow`.
    follow_service::follow(data, reader, &target.uri).await?;
    with(data, reader.id, target.id).await
}

/// Stops following (or withdraws the request to follow) `target_id`.
pub async fn unfollow(
    data: &FedData,
    reader: &Account,
    target_id: i64,
) -> Result<Relationship, ServiceError> {
    let target = account(data, target_id).await?;
    let follower = reader.clone();
    super::outbox::publish(data, move |conn, state| {
        follow_service::remove_in(conn, state, &follower, &target, false)
    })
    .await?;
    with(data, reader.id, target_id).await
}

/// Which end of a follow to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Accepted followers of the account.
    Followers,
    /// Accounts the account follows (accepted).
    Following,
    /// Accounts waiting for the account to answer their request.
    Requests,
}

/// A page of followers, follows or pending requests of `account`, newest first, with the
/// follow ids as cursors.
pub async fn follow_page(
    state: &AppState,
    account: i64,
    side: Side,
    window: Window,
) -> Result<Vec<(i64, AccountView)>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let rows: Vec<(i64, Account)> = match side {
                Side::Followers | Side::Requests => paged!(
                    follows::table
                        .inner_join(accounts::table.on(accounts::id.eq(follows::account_id)))
                        .filter(follows::target_account_id.eq(account))
                        .filter(follows::accepted.eq(side == Side::Followers))
                        .select((follows::id, Account::as_select())),
                    follows::id,
                    window
                )
                .load(conn)?,
                Side::Following => paged!(
                    follows::table
                        .inner_join(
                            accounts::table.on(accounts::id.eq(follows::target_account_id)),
                        )
                        .filter(follows::account_id.eq(account))
                        .filter(follows::accepted.eq(true))
                        .select((follows::id, Account::as_select())),
                    follows::id,
                    window
                )
                .load(conn)?,
            };
            with_views(conn, window.finish(rows))
        })
        .await?)
}

/// Number of pending requests to follow `account`.
pub async fn pending_requests(state: &AppState, account: i64) -> Result<i64, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            Ok(follows::table
                .filter(follows::target_account_id.eq(account))
                .filter(follows::accepted.eq(false))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await?)
}

/// Pairs cursors with hydrated account views (batch), keeping the order.
pub(crate) fn with_views(
    conn: &mut DbConnection,
    rows: Vec<(i64, Account)>,
) -> Result<Vec<(i64, AccountView)>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|(_, a)| a.id).collect();
    let views = hydrate::accounts_by_id(conn, &ids)?;
    Ok(rows
        .into_iter()
        .filter_map(|(cursor, account)| views.get(&account.id).cloned().map(|v| (cursor, v)))
        .collect())
}

/// Answers the pending follow request of `requester_id` to `target`, and returns the
/// relationship of `target` with the requester (404 when there is no pending request).
pub async fn answer_request(
    data: &FedData,
    target: &Account,
    requester_id: i64,
    accept: bool,
) -> Result<Relationship, ServiceError> {
    let requester = account(data, requester_id).await?;
    follow_service::answer_request(data, target, &requester.uri, accept).await?;
    with(data, target.id, requester_id).await
}

/// Filters of an account's post list.
#[derive(Clone, Debug, Default)]
pub struct PostFilter {
    /// Only posts with attachments.
    pub only_media: bool,
    /// Leave out replies to other people.
    pub exclude_replies: bool,
    /// Leave out boosts.
    pub exclude_reblogs: bool,
    /// Only the posts the account pinned to its profile.
    pub pinned: bool,
    /// Only posts with this hashtag.
    pub tagged: Option<String>,
}

/// A page of the posts and boosts of `account` that `viewer` may see, newest first. An
/// account that blocks the viewer shows nothing.
pub async fn account_posts(
    state: &AppState,
    account: i64,
    viewer: Option<i64>,
    filter: PostFilter,
    window: Window,
) -> Result<Vec<StatusView>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let mut allowed = vec![Visibility::Public, Visibility::Unlisted];
            if let Some(viewer) = viewer.filter(|v| *v != account) {
                if Block::find_pair(conn, account, viewer)?.is_some() {
                    return Ok(Vec::new());
                }
                if Follow::is_following(conn, viewer, account)? {
                    allowed.push(Visibility::Private);
                }
            }
            let mut query = posts::table
                .filter(posts::account_id.eq(account))
                .select(Post::as_select())
                .into_boxed();
            match viewer {
                Some(viewer) if viewer == account => {}
                Some(viewer) => {
                    let mentioning = post_mentions::table
                        .filter(post_mentions::account_id.eq(viewer))
                        .select(post_mentions::post_id);
                    query = query.filter(
                        posts::visibility
                            .eq_any(allowed)
                            .or(posts::id.eq_any(mentioning)),
                    );
                }
                None => query = query.filter(posts::visibility.eq_any(allowed)),
            }
            if filter.only_media {
                query = query.filter(posts::attachments.ne("[]").and(posts::attachments.ne("")));
            }
            if filter.exclude_replies {
                query = query.filter(
                    posts::in_reply_to_uri
                        .is_null()
                        .or(posts::in_reply_to_account_id.eq(account)),
                );
            }
            if filter.exclude_reblogs {
                query = query.filter(posts::reblog_of_id.is_null());
            }
            if filter.pinned {
                let pinned = StatusPin::post_ids_of(conn, account)?;
                query = query.filter(posts::id.eq_any(pinned));
            }
            if let Some(tag) = &filter.tagged {
                let tag = tag.trim().trim_start_matches('#').to_lowercase();
                let tagged = post_tags::table
                    .filter(post_tags::name.eq(tag))
                    .select(post_tags::post_id);
                query = query.filter(posts::id.eq_any(tagged));
            }
            if let Some(max) = window.max_id {
                query = query.filter(posts::id.lt(max));
            }
            if let Some(min) = window.min_id.or(window.since_id) {
                query = query.filter(posts::id.gt(min));
            }
            query = if window.reads_upward() {
                query.order(posts::id.asc())
            } else {
                query.order(posts::id.desc())
            };
            let rows: Vec<Post> = query.limit(window.limit).load(conn)?;
            let rows = window.finish(rows);
            let rows = visibility::visible_posts(conn, rows, viewer)?;
            hydrate::statuses(conn, rows, viewer)
        })
        .await?)
}
