//! Posting in a community: the checks before a post is written and the hooks that hand a
//! written post (local or received) to the group's relay.

use diesel::prelude::*;

use crate::services::ServiceError;
use crate::state::AppState;
use trellis_storage::models::Post;
use trellis_storage::models::community::CommunityPost;
use trellis_storage::models::post::Visibility;
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::permissions::refusal;
use super::relay::{Placement, carry, placement};

/// What became of a post received from another server.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// No community here carries it.
    NotForACommunity,
    /// The community announced it.
    Carried,
    /// The community refused it; the rule it broke.
    Refused(String),
}

/// Before a local post is written: 422 naming the rule when it is posted to a community
/// (replying in one of its threads, or mentioning it) where `author_id` may not post.
pub async fn check_local(
    state: &AppState,
    author_id: i64,
    visibility: Visibility,
    in_reply_to_id: Option<i64>,
    mention_uris: &[String],
) -> Result<(), ServiceError> {
    let uris = mention_uris.to_vec();
    let refused = state
        .db()
        .read(move |conn| {
            let addressed = local_ids(conn, &uris)?;
            match placement(conn, 0, in_reply_to_id, &addressed)? {
                Some(p) => refusal(conn, &p.community.community, author_id, visibility),
                None => Ok(None),
            }
        })
        .await?;
    match refused {
        Some(rule) => Err(ServiceError::invalid("status", rule)),
        None => Ok(()),
    }
}

/// In the transaction of a new local post: hands it to its community, if it is posted to
/// one where its author may post.
pub(crate) fn carry_local(
    conn: &mut DbConnection,
    state: &AppState,
    post: &Post,
    mentioned: &[i64],
    title: Option<String>,
) -> Result<(), DbError> {
    if let Some(p) = allowed_placement(conn, post, mentioned)? {
        carry(
            conn,
            state,
            &p,
            post,
            title,
            &format!("{}/activity", post.uri),
        )?;
    }
    Ok(())
}

/// After a post from another server is stored: hands it to the community it is addressed
/// to (`addressed`: the ids its `audience`, `to`, `cc` and mentions name), unless its author
/// may not post there. `activity_id` is the received Create's id.
pub async fn received(
    state: &AppState,
    post_uri: &str,
    addressed: Vec<String>,
    activity_id: &str,
) -> Result<Received, ServiceError> {
    let (post_uri, activity_id) = (post_uri.to_string(), activity_id.to_string());
    super::decide(state, move |conn, state| {
        let Some(post) = Post::find_by_uri(conn, &post_uri)? else {
            return Ok(Ok(Received::NotForACommunity));
        };
        if CommunityPost::of_post(conn, post.id)?.is_some() {
            return Ok(Ok(Received::Carried));
        }
        let ids = local_ids(conn, &addressed)?;
        let Some(p) = placement(conn, post.id, post.in_reply_to_id, &ids)? else {
            return Ok(Ok(Received::NotForACommunity));
        };
        if let Some(rule) = refusal(
            conn,
            &p.community.community,
            post.account_id,
            post.visibility,
        )? {
            return Ok(Ok(Received::Refused(rule)));
        }
        carry(conn, state, &p, &post, None, &activity_id)?;
        Ok(Ok(Received::Carried))
    })
    .await
}

/// After a post from another server is edited: its group announces the Update.
pub async fn received_edit(
    state: &AppState,
    post_uri: &str,
    activity_id: &str,
) -> Result<(), ServiceError> {
    let (post_uri, activity_id) = (post_uri.to_string(), activity_id.to_string());
    crate::services::outbox::publish(state, move |conn, state| {
        if let Some(post) = Post::find_by_uri(conn, &post_uri)? {
            super::relay::edited(conn, state, &post, &activity_id)?;
        }
        Ok(())
    })
    .await
}

/// In the transaction of a received Delete, before the post is removed: its group announces
/// the Delete and withdraws its boost.
pub fn withdrawn(conn: &mut DbConnection, state: &AppState, post: &Post) -> Result<(), DbError> {
    super::relay::withdrawn(conn, state, post)
}

fn allowed_placement(
    conn: &mut DbConnection,
    post: &Post,
    addressed: &[i64],
) -> Result<Option<Placement>, DbError> {
    let Some(p) = placement(conn, post.id, post.in_reply_to_id, addressed)? else {
        return Ok(None);
    };
    let refused = refusal(
        conn,
        &p.community.community,
        post.account_id,
        post.visibility,
    )?;
    Ok(refused.is_none().then_some(p))
}

/// The local accounts among `uris`.
fn local_ids(conn: &mut DbConnection, uris: &[String]) -> Result<Vec<i64>, DbError> {
    Ok(accounts::table
        .filter(accounts::uri.eq_any(uris))
        .filter(accounts::domain.is_null())
        .select(accounts::id)
        .load(conn)?)
}
