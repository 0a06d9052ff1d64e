//! Pinned statuses: a person pins up to [`MAX_PINNED`] of their own posts to their profile
//! (Mastodon's rule: not a boost, not a direct message).

use trellis_storage::models::Post;
use trellis_storage::models::post::Visibility;
use trellis_storage::models::status_pin::StatusPin;

use super::ServiceError;
use crate::outbound::delivery::now;
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
    let post_id = post.id;
    let pinned = state
        .db()
        .write(move |conn| {
            let pinned = StatusPin::post_ids_of(conn, account)?;
            if pinned.contains(&post_id) {
                return Ok(true);
            }
            if pinned.len() >= MAX_PINNED {
                return Ok(false);
            }
            StatusPin::insert(
                conn,
                &StatusPin {
                    account_id: account,
                    post_id,
                    created_at: now(),
                },
            )?;
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
    let post_id = post.id;
    state
        .db()
        .write(move |conn| StatusPin::delete(conn, account, post_id))
        .await?;
    Ok(())
}

/// 422 about the status (the message completes "status ...").
fn refused(message: &str) -> ServiceError {
    ServiceError::invalid("status", message)
}
