//! Likes and boosts by local people, on local or remote posts.

use diesel::prelude::*;

use crate::outbound::activities::{announce, like, undo};
use crate::outbound::delivery;
use crate::state::AppState;
use crate::state::FedData;
use trellis_protocol::json::context::PUBLIC;
use trellis_storage::models::post::{Counter, Visibility};
use trellis_storage::models::{Account, Favourite, Follow, NewPost, Post};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::outbox::publish;
use super::{ServiceError, resolve};

fn author_inbox(conn: &mut DbConnection, post: &Post) -> Result<Option<String>, DbError> {
    let author: Account = accounts::table
        .find(post.account_id)
        .select(Account::as_select())
        .first(conn)?;
    Ok((!author.is_local()).then(|| author.shared_inbox_url.unwrap_or(author.inbox_url)))
}

/// Likes a post; the like is sent to its author.
pub async fn like(data: &FedData, actor: &Account, uri: &str) -> Result<Post, ServiceError> {
    let post = resolve::visible_post(data, uri, actor.id).await?;
    let actor = actor.clone();
    let id = data.ids().next_id();
    let post = publish(data, move |conn, state| {
        let like_uri = format!("{}#likes/{id}", actor.uri);
        let inserted = crate::changes::favourites::store_favourite(
            conn,
            state.ids(),
            &Favourite {
                id,
                account_id: actor.id,
                post_id: post.id,
                uri: like_uri.clone(),
                created_at: delivery::now(),
            },
        )?;
        if inserted {
            Post::add_to_counter(conn, post.id, Counter::Favourites, 1)?;
            let activity = like::build(&like_uri, &actor.uri, &post.uri);
            let inbox = author_inbox(conn, &post)?;
            delivery::enqueue(conn, state, actor.id, &activity, inbox)?;
        }
        Ok(Post::find(conn, post.id)?.unwrap_or(post))
    })
    .await?;
    Ok(post)
}

/// Removes a like; an Undo is sent to the author.
pub async fn unlike(data: &FedData, actor: &Account, uri: &str) -> Result<Post, ServiceError> {
    let post = resolve::visible_post(data, uri, actor.id).await?;
    let actor = actor.clone();
    let post = publish(data, move |conn, state| {
        if let Some(existing) = Favourite::find_pair(conn, actor.id, post.id)? {
            Favourite::delete(conn, existing.id)?;
            Post::add_to_counter(conn, post.id, Counter::Favourites, -1)?;
            let original = like::build(&existing.uri, &actor.uri, &post.uri);
            let activity = undo::build(&state.urls().new_activity(), &actor.uri, original);
            let inbox = author_inbox(conn, &post)?;
            delivery::enqueue(conn, state, actor.id, &activity, inbox)?;
        }
        Ok(Post::find(conn, post.id)?.unwrap_or(post))
    })
    .await?;
    Ok(post)
}

/// Boosts a public or unlisted post to one's followers and its author.
pub async fn boost(data: &FedData, actor: &Account, uri: &str) -> Result<Post, ServiceError> {
    let post = resolve::visible_post(data, uri, actor.id).await?;
    if !post.visibility.is_world_readable() {
        return Err(ServiceError::invalid(
            "visibility",
            "only public and unlisted posts can be boosted",
        ));
    }
    let actor = actor.clone();
    let boosted = publish(data, move |conn, state| {
        record_boost(conn, state, &actor, &post)?;
        Ok(Post::find(conn, post.id)?.unwrap_or(post))
    })
    .await?;
    Ok(boosted)
}

/// Withdraws a boost; an Undo goes to the same audience.
pub async fn unboost(data: &FedData, actor: &Account, uri: &str) -> Result<Post, ServiceError> {
    let post = resolve::visible_post(data, uri, actor.id).await?;
    let actor = actor.clone();
    let post = publish(data, move |conn, state| {
        withdraw_boost(conn, state, &actor, &post)?;
        Ok(Post::find(conn, post.id)?.unwrap_or(post))
    })
    .await?;
    Ok(post)
}

/// Records `actor`'s boost of `post` (unless it exists) and queues the Announce to the
/// actor's remote followers and the post's remote author, in the caller's transaction.
/// Returns whether a boost was recorded.
pub(crate) fn record_boost(
    conn: &mut DbConnection,
    state: &AppState,
    actor: &Account,
    post: &Post,
) -> Result<bool, DbError> {
    if Post::find_reblog(conn, actor.id, post.id)?.is_some() {
        return Ok(false);
    }
    let id = state.ids().next_id();
    let now = delivery::now();
    let boost_uri = format!("{}/activity", state.urls().post(&actor.username, id));
    crate::changes::posts::store_post(
        conn,
        state.ids(),
        &NewPost {
            id,
            uri: boost_uri.clone(),
            url: None,
            account_id: actor.id,
            object_type: "Announce".into(),
            in_reply_to_id: None,
            in_reply_to_uri: None,
            in_reply_to_account_id: None,
            reblog_of_id: Some(post.id),
            content: String::new(),
            source_text: None,
            summary: String::new(),
            sensitive: false,
            visibility: Visibility::Public,
            language: None,
            attachments: "[]".into(),
            local: true,
            created_at: now,
            edited_at: None,
            updated_at: now,
            // A boost of a department-only post stays on this instance.
            local_only: post.local_only,
        },
        &[],
        &[],
    )?;
    Post::add_to_counter(conn, post.id, Counter::Reblogs, 1)?;
    let (to, cc, inboxes) = boost_audience(conn, actor, post)?;
    let activity = announce::build(&boost_uri, &actor.uri, &post.uri, &to, &cc, now);
    delivery::enqueue(conn, state, actor.id, &activity, inboxes)?;
    Ok(true)
}

/// Removes `actor`'s boost of `post` (if any) and queues the Undo to the boost's audience,
/// in the caller's transaction. Returns whether a boost was removed.
pub(crate) fn withdraw_boost(
    conn: &mut DbConnection,
    state: &AppState,
    actor: &Account,
    post: &Post,
) -> Result<bool, DbError> {
    let Some(boost) = Post::find_reblog(conn, actor.id, post.id)? else {
        return Ok(false);
    };
    let (to, cc, inboxes) = boost_audience(conn, actor, post)?;
    let original = announce::build(
        &boost.uri,
        &actor.uri,
        &post.uri,
        &to,
        &cc,
        boost.created_at,
    );
    let activity = undo::build(&state.urls().new_activity(), &actor.uri, original);
    crate::changes::posts::remove_post(conn, state.ids(), &boost)?;
    delivery::enqueue(conn, state, actor.id, &activity, inboxes)?;
    Ok(true)
}

type Audience = (Vec<String>, Vec<String>, Vec<String>);

fn boost_audience(
    conn: &mut DbConnection,
    actor: &Account,
    post: &Post,
) -> Result<Audience, DbError> {
    let author: Account = accounts::table
        .find(post.account_id)
        .select(Account::as_select())
        .first(conn)?;
    let followers = actor.followers_url.clone().unwrap_or_default();
    let mut inboxes = Follow::remote_follower_inboxes(conn, actor.id)?;
    if !author.is_local() {
        inboxes.push(
            author
                .shared_inbox_url
                .clone()
                .unwrap_or(author.inbox_url.clone()),
        );
    }
    Ok((
        vec![PUBLIC.to_string()],
        vec![author.uri, followers],
        inboxes,
    ))
}
