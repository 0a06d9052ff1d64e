//! Pinned statuses: a person pins up to [`MAX_PINNED`] of their own posts to their profile
//! (Mastodon's rule: not a boost, not a direct message).

use trellis_storage::models::Post;
use trellis_storage::models::post::Visibility;
use trellis_storage::models::status_pin::StatusPin;

use diesel::prelude::*;
use trellis_storage::models::{Account, Follow};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::ServiceError;
use super::outbox::publish;
use crate::outbound::activities::featured;
use crate::outbound::delivery::{self, now};
use crate::state::AppState;

/// Most statuses one person may pin (Mastodon's limit, announced by `/api/v2/instance`).
pub const MAX_PINNED: usize = 5;

/// Pins `post`, which the caller has checked is `account`'s own.
pub async fn pin(state: &AppState, account: i64, post: &Post) -> Result<(), ServiceError> {
    if post.reblog_of_id.is_some() {
        return Err(refused("is a boost: only one's own posts can be pinned"));
    }
    if post.visibility == Visibility::Direct {
        return Err(refused("is a direct message, which cannot be pinned"));
    }
    let post = post.clone();
    let pinned = publish(state, move |conn, state| {
        let pinned = StatusPin::post_ids_of(conn, account)?;
        if pinned.contains(&post.id) {
            return Ok(true);
        }
        if pinned.len() >= MAX_PINNED {
            return Ok(false);
        }
        StatusPin::insert(
            conn,
            &StatusPin {
                account_id: account,
                post_id: post.id,
                created_at: now(),
            },
        )?;
        announce(conn, state, account, &post, true)?;
        Ok(true)
    })
    .await?;
    if pinned {
        Ok(())
    } else {
        Err(refused(&format!(
            "cannot be pinned: at most {MAX_PINNED} statuses are pinned at once"
        )))
    }
}

/// Unpins `post` (nothing happens when it was not pinned).
pub async fn unpin(state: &AppState, account: i64, post: &Post) -> Result<(), ServiceError> {
    let post = post.clone();
    publish(state, move |conn, state| {
        if StatusPin::pinned_among(conn, account, &[post.id])?.is_empty() {
            return Ok(());
        }
        StatusPin::delete(conn, account, post.id)?;
        announce(conn, state, account, &post, false)
    })
    .await
}

/// Queues the Add (`pinned`) or Remove of `post` in its author's `featured` collection to
/// their remote followers; department-only posts stay home.
fn announce(
    conn: &mut DbConnection,
    state: &AppState,
    account: i64,
    post: &Post,
    pinned: bool,
) -> Result<(), DbError> {
    if post.local_only {
        return Ok(());
    }
    let author: Account = accounts::table
        .find(account)
        .select(Account::as_select())
        .first(conn)?;
    let urls = state.urls();
    let to: Vec<String> = author.followers_url.iter().cloned().collect();
    let activity = featured::build(
        &urls.new_activity(),
        &author.uri,
        pinned,
        &post.uri,
        &urls.user_featured(&author.username),
        &to,
    );
    let inboxes = Follow::remote_follower_inboxes(conn, account)?;
    delivery::enqueue(conn, state, account, &activity, inboxes)?;
    Ok(())
}

/// 422 about the status (the message completes "status ...").
fn refused(message: &str) -> ServiceError {
    ServiceError::invalid("status", message)
}
