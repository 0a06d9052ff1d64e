//! Blocking and muting accounts.
//!
//! A block ends follows in both directions (a remote account gets an Undo of the reader's
//! follow and a Reject of its own), removes each side's posts and boosts of them from the
//! other's home feed, and sends a Block to a remote account. A mute removes the muted
//! account's posts from the home feed; new ones stay out (`visibility::fan_out`) and so do its
//! notifications when asked (`Notification::record`).

use chrono::{Duration, NaiveDateTime};

use crate::outbound::activities::{block as block_activity, undo};
use crate::outbound::delivery;
use crate::state::AppState;
use trellis_storage::models::block::{self, Block, Mute};
use trellis_storage::models::{Account, feed};
use trellis_storage::page::Window;
use trellis_storage::{DbConnection, DbError};

use super::hydrate::AccountView;
use super::outbox::publish;
use super::relationships::{self, Relationship};
use super::{ServiceError, follows};

/// Longest mute duration accepted (about 100 years), in seconds.
const MAX_MUTE_SECONDS: i64 = 100 * 365 * 24 * 3600;

/// Blocks `target_id` and returns the new relationship.
pub async fn block(
    state: &AppState,
    reader: &Account,
    target_id: i64,
) -> Result<Relationship, ServiceError> {
    let target = relationships::account(state, target_id).await?;
    if target.id == reader.id {
        return Err(ServiceError::invalid("id", "cannot be your own account"));
    }
    let reader_row = reader.clone();
    let id = state.ids().next_id();
    publish(state, move |conn, state| {
        apply_block(conn, state, id, &reader_row, &target)
    })
    .await?;
    relationships::with(state, reader.id, target_id).await
}

fn apply_block(
    conn: &mut DbConnection,
    state: &AppState,
    id: i64,
    reader: &Account,
    target: &Account,
) -> Result<(), DbError> {
    if Block::find_pair(conn, reader.id, target.id)?.is_some() {
        return Ok(());
    }
    let activity_id = (!target.is_local()).then(|| state.urls().new_activity());
    Block::insert_or_get(
        conn,
        &Block {
            id,
            account_id: reader.id,
            target_account_id: target.id,
            uri: activity_id.clone(),
            created_at: delivery::now(),
        },
    )?;
    follows::remove_in(conn, state, reader, target, false)?;
    follows::remove_in(conn, state, target, reader, true)?;
    silence(conn, reader.id, target.id)?;
    if target.is_local() {
        silence(conn, target.id, reader.id)?;
    }
    if let Some(activity_id) = activity_id {
        let activity = block_activity::build(&activity_id, &reader.uri, &target.uri);
        delivery::enqueue(
            conn,
            state,
            reader.id,
            &activity,
            [target.inbox_url.clone()],
        )?;
    }
    Ok(())
}

/// Lifts the block of `target_id` (an Undo reaches a remote account that was sent the Block).
pub async fn unblock(
    state: &AppState,
    reader: &Account,
    target_id: i64,
) -> Result<Relationship, ServiceError> {
    let target = relationships::account(state, target_id).await?;
    let reader_row = reader.clone();
    publish(state, move |conn, state| {
        let removed = Block::delete_pair(conn, reader_row.id, target.id)?;
        if let Some(uri) = removed.and_then(|b| b.uri).filter(|_| !target.is_local()) {
            let original = block_activity::build(&uri, &reader_row.uri, &target.uri);
            let activity = undo::build(&state.urls().new_activity(), &reader_row.uri, original);
            delivery::enqueue(
                conn,
                state,
                reader_row.id,
                &activity,
                [target.inbox_url.clone()],
            )?;
        }
        Ok(())
    })
    .await?;
    relationships::with(state, reader.id, target_id).await
}

/// Mutes `target_id`, its notifications too when `notifications`, for `duration` seconds
/// (`None` or 0: until unmuted). Muting again replaces the settings.
pub async fn mute(
    state: &AppState,
    reader: &Account,
    target_id: i64,
    notifications: bool,
    duration: Option<i64>,
) -> Result<Relationship, ServiceError> {
    let expires_at = expiry(delivery::now(), duration)?;
    let target = relationships::account(state, target_id).await?;
    if target.id == reader.id {
        return Err(ServiceError::invalid("id", "cannot be your own account"));
    }
    let new = Mute {
        id: state.ids().next_id(),
        account_id: reader.id,
        target_account_id: target.id,
        notifications,
        expires_at,
        created_at: delivery::now(),
    };
    state
        .db()
        .write(move |conn| {
            use diesel::Connection;
            conn.transaction(|conn| {
                Mute::upsert(conn, &new)?;
                silence(conn, new.account_id, new.target_account_id)
            })
        })
        .await?;
    relationships::with(state, reader.id, target_id).await
}

/// Lifts the mute of `target_id`.
pub async fn unmute(
    state: &AppState,
    reader: &Account,
    target_id: i64,
) -> Result<Relationship, ServiceError> {
    let target = relationships::account(state, target_id).await?;
    let reader_id = reader.id;
    state
        .db()
        .write(move |conn| Mute::delete_pair(conn, reader_id, target.id))
        .await?;
    relationships::with(state, reader.id, target_id).await
}

/// A page of the accounts `reader` blocks, newest block first, with the block ids as cursors.
pub async fn blocked(
    state: &AppState,
    reader: &Account,
    window: Window,
) -> Result<Vec<(i64, AccountView)>, ServiceError> {
    let reader_id = reader.id;
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Block::page(conn, reader_id, window)?;
            relationships::with_views(conn, rows)
        })
        .await?)
}

/// A page of the accounts `reader` mutes (mutes still in force), newest first, with the mute
/// ids as cursors. Expired mutes are removed on the way.
pub async fn muted(
    state: &AppState,
    reader: &Account,
    window: Window,
) -> Result<Vec<(i64, AccountView)>, ServiceError> {
    let reader_id = reader.id;
    let now = delivery::now();
    state
        .db()
        .write(move |conn| Mute::delete_expired(conn, reader_id, now))
        .await?;
    Ok(state
        .db()
        .read(move |conn| {
            let rows = Mute::page(conn, reader_id, window, now)?;
            relationships::with_views(conn, rows)
        })
        .await?)
}

/// Takes `author`'s posts, and boosts of them, out of `reader`'s home feed.
fn silence(conn: &mut DbConnection, reader: i64, author: i64) -> Result<(), DbError> {
    feed::remove_origin(conn, reader, author)?;
    block::remove_boosts_of(conn, reader, author)?;
    Ok(())
}

/// When a mute of `duration` seconds from `now` ends.
fn expiry(
    now: NaiveDateTime,
    duration: Option<i64>,
) -> Result<Option<NaiveDateTime>, ServiceError> {
    match duration {
        None | Some(0) => Ok(None),
        Some(seconds) if (1..=MAX_MUTE_SECONDS).contains(&seconds) => {
            Ok(Some(now + Duration::seconds(seconds)))
        }
        Some(_) => Err(ServiceError::invalid(
            "duration",
            "must be a number of seconds between 0 and 3153600000",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mute_durations() {
        let now = delivery::now();
        assert_eq!(expiry(now, None).unwrap(), None);
        assert_eq!(expiry(now, Some(0)).unwrap(), None);
        assert_eq!(
            expiry(now, Some(60)).unwrap(),
            Some(now + Duration::seconds(60))
        );
        assert!(expiry(now, Some(-1)).is_err());
    }
}
