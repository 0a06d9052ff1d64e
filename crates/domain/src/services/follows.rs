//! Following people on this or another instance, and answering follow requests.

use diesel::prelude::*;
use trellis_protocol::ActivityKind;

use crate::outbound::activities::{accept, follow, undo};
use crate::outbound::delivery;
use crate::state::AppState;
use crate::state::FedData;
use trellis_storage::models::{Account, Follow};
use trellis_storage::schema::accounts;

use super::outbox::publish;
use super::{ServiceError, resolve};

/// Follows `target` (a URL or handle). Remote follows stay pending until the Accept arrives;
/// local ones are accepted at once unless the target approves followers manually.
pub async fn follow(
    data: &FedData,
    follower: &Account,
    target: &str,
) -> Result<Follow, ServiceError> {
    let target = resolve::actor(data, target).await?;
    if target.id == follower.id {
        return Err(ServiceError::invalid(
            "target",
            "you cannot follow yourself",
        ));
    }
    let (follower_id, target_id) = (follower.id, target.id);
    let allowed = data
        .db()
        .read(move |conn| crate::changes::follows::may_follow(conn, follower_id, target_id))
        .await?;
    if !allowed {
        return Err(ServiceError::invalid(
            "target",
            "cannot be followed: one of you blocks the other",
        ));
    }
    let follower = follower.clone();
    let id = data.ids().next_id();
    let follow = publish(data, move |conn, state| {
        if let Some(existing) = Follow::find_pair(conn, follower.id, target.id)? {
            return Ok(existing);
        }
        let new = Follow {
            id,
            account_id: follower.id,
            target_account_id: target.id,
            uri: format!("{}#follows/{id}", follower.uri),
            accepted: target.is_local() && !target.locked,
            created_at: delivery::now(),
        };
        let follow = crate::changes::follows::store_follow(conn, state.ids(), &new)?;
        if !target.is_local() {
            let activity = follow::build(&follow.uri, &follower.uri, &target.uri);
            delivery::enqueue(
                conn,
                state,
                follower.id,
                &activity,
                [target.inbox_url.clone()],
            )?;
        }
        Ok(follow)
    })
    .await?;
    Ok(follow)
}

/// Stops following (or withdraws a request); remote targets receive an Undo.
pub async fn unfollow(
    data: &FedData,
    follower: &Account,
    target: &str,
) -> Result<(), ServiceError> {
    let target = resolve::actor(data, target).await?;
    let follower = follower.clone();
    publish(data, move |conn, state| {
        let Some(existing) = Follow::find_pair(conn, follower.id, target.id)? else {
            return Ok(());
        };
        crate::changes::follows::remove_follow(conn, existing.id)?;
        if !target.is_local() {
            let original = follow::build(&existing.uri, &follower.uri, &target.uri);
            let activity = undo::build(&state.urls().new_activity(), &follower.uri, original);
            delivery::enqueue(
                conn,
                state,
                follower.id,
                &activity,
                [target.inbox_url.clone()],
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(())
}

/// Pending requests to follow `target`.
pub async fn requests(state: &AppState, target: &Account) -> Result<Vec<Account>, ServiceError> {
    let id = target.id;
    let rows = state
        .db()
        .read(move |conn| Follow::pending_for(conn, id))
        .await?;
    Ok(rows.into_iter().map(|(_, account)| account).collect())
}

/// Approves (`accepted`) or rejects the pending request of `requester_uri`.
pub async fn answer_request(
    data: &FedData,
    target: &Account,
    requester_uri: &str,
    accepted: bool,
) -> Result<(), ServiceError> {
    let target = target.clone();
    let requester_uri = requester_uri.to_string();
    let answered = publish(data, move |conn, state| {
        let Some(requester) = Account::find_by_uri(conn, &requester_uri)? else {
            return Ok(false);
        };
        let Some(request) =
            Follow::find_pair(conn, requester.id, target.id)?.filter(|f| !f.accepted)
        else {
            return Ok(false);
        };
        if accepted {
            crate::changes::follows::accept_follow(conn, state.ids(), request.id)?;
        } else {
            crate::changes::follows::remove_follow(conn, request.id)?;
        }
        if !requester.is_local() {
            let follow = follow::build(&request.uri, &requester.uri, &target.uri);
            let kind = if accepted {
                ActivityKind::Accept
            } else {
                ActivityKind::Reject
            };
            let activity = accept::build(&state.urls().new_activity(), &target.uri, kind, &follow);
            delivery::enqueue(
                conn,
                state,
                target.id,
                &activity,
                [requester.inbox_url.clone()],
            )?;
        }
        Ok(true)
    })
    .await?;
    if !answered {
        return Err(ServiceError::NotFound(
            "no pending follow request from that account".into(),
        ));
    }
    Ok(())
}

/// Followers and following, newest first, with counts.
#[derive(Debug, Clone)]
pub struct Relations {
    /// Accepted followers.
    pub followers: Vec<Account>,
    /// Accepted follows.
    pub following: Vec<Account>,
    /// Follows still waiting for an answer.
    pub requested: Vec<Account>,
}

/// Up to 200 followers and follows of an account.
pub async fn relations(state: &AppState, account: &Account) -> Result<Relations, ServiceError> {
    let id = account.id;
    Ok(state
        .db()
        .read(move |conn| {
            Ok(Relations {
                followers: Follow::followers(conn, id, 0, 200)?,
                following: Follow::following(conn, id, 0, 200)?,
                requested: Follow::requested_by(conn, id)?,
            })
        })
        .await?)
}

/// Changes whether follow requests need approval, and tells followers (Update of the actor).
pub async fn set_locked(
    data: &FedData,
    account: &Account,
    locked: bool,
) -> Result<Account, ServiceError> {
    let id = account.id;
    let updated = publish(data, move |conn, state| {
        diesel::update(accounts::table.find(id))
            .set((
                accounts::locked.eq(locked),
                accounts::updated_at.eq(delivery::now()),
            ))
            .execute(conn)?;
        let account: Account = accounts::table
            .find(id)
            .select(Account::as_select())
            .first(conn)?;
        super::profile::announce_update(conn, state, &account)?;
        Ok(account)
    })
    .await?;
    Ok(updated)
}

/// Removes the follow (or request) of `target` by `follower` inside the caller's transaction
/// and tells the remote side: an Undo when the follower ends it and the target is remote, a
/// Reject when the target ends it (`by_target`) and the follower is remote. Returns whether
/// there was a follow.
pub(crate) fn remove_in(
    conn: &mut trellis_storage::DbConnection,
    state: &AppState,
    follower: &Account,
    target: &Account,
    by_target: bool,
) -> Result<bool, trellis_storage::DbError> {
    let Some(existing) = Follow::find_pair(conn, follower.id, target.id)? else {
        return Ok(false);
    };
    crate::changes::follows::remove_follow(conn, existing.id)?;
    let original = follow::build(&existing.uri, &follower.uri, &target.uri);
    if by_target && !follower.is_local() {
        let activity = accept::build(
            &state.urls().new_activity(),
            &target.uri,
            ActivityKind::Reject,
            &original,
        );
        delivery::enqueue(
            conn,
            state,
            target.id,
            &activity,
            [follower.inbox_url.clone()],
        )?;
    } else if !by_target && !target.is_local() {
        let activity = undo::build(&state.urls().new_activity(), &follower.uri, original);
        delivery::enqueue(
            conn,
            state,
            follower.id,
            &activity,
            [target.inbox_url.clone()],
        )?;
    }
    Ok(true)
}
