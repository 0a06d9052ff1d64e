//! Who may see a post: the rule every reader goes through (pages, API, federation fetches).

use diesel::prelude::*;

use crate::db::models::post::Visibility;
use crate::db::models::{Follow, Post};
use crate::db::schema::post_mentions;
use crate::db::{DbConnection, DbError};
use crate::state::AppState;

use super::ServiceError;

/// True when `viewer` (an account id, or nobody) may see `post`.
pub fn can_see(conn: &mut DbConnection, post: &Post, viewer: Option<i64>) -> Result<bool, DbError> {
    let visibility = post.visibility();
    if visibility.is_world_readable() {
        return Ok(true);
    }
    let Some(viewer) = viewer else {
        return Ok(false);
    };
    if viewer == post.account_id {
        return Ok(true);
    }
    let mentioned: i64 = post_mentions::table
        .filter(post_mentions::post_id.eq(post.id))
        .filter(post_mentions::account_id.eq(viewer))
        .count()
        .get_result(conn)?;
    if mentioned > 0 {
        return Ok(true);
    }
    Ok(visibility == Visibility::Private && Follow::is_following(conn, viewer, post.account_id)?)
}

/// Succeeds when `viewer` may see `post`; a hidden post is reported as missing (404), so its
/// existence is not revealed.
pub async fn ensure_visible(
    state: &AppState,
    post: &Post,
    viewer: Option<i64>,
) -> Result<(), ServiceError> {
    let probe = post.clone();
    if state
        .db()
        .read(move |conn| can_see(conn, &probe, viewer))
        .await?
    {
        Ok(())
    } else {
        Err(ServiceError::NotFound("no such post".into()))
    }
}

/// The ids among `posts` that `viewer` may see: the rule of [`can_see`] for a whole page, in
/// at most two queries (mentions of the viewer, and the viewer's follows of the authors).
pub fn visible_ids(
    conn: &mut DbConnection,
    posts: &[Post],
    viewer: Option<i64>,
) -> Result<std::collections::HashSet<i64>, DbError> {
    use crate::db::schema::follows;
    let mut visible = std::collections::HashSet::new();
    let mut restricted: Vec<&Post> = Vec::new();
    for post in posts {
        if post.visibility().is_world_readable() || Some(post.account_id) == viewer {
            visible.insert(post.id);
        } else {
            restricted.push(post);
        }
    }
    let Some(viewer) = viewer else {
        return Ok(visible);
    };
    if restricted.is_empty() {
        return Ok(visible);
    }
    let ids: Vec<i64> = restricted.iter().map(|p| p.id).collect();
    let mentioned: std::collections::HashSet<i64> = post_mentions::table
        .filter(post_mentions::post_id.eq_any(&ids))
        .filter(post_mentions::account_id.eq(viewer))
        .select(post_mentions::post_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let authors: Vec<i64> = restricted.iter().map(|p| p.account_id).collect();
    let followed: std::collections::HashSet<i64> = follows::table
        .filter(follows::account_id.eq(viewer))
        .filter(follows::accepted.eq(true))
        .filter(follows::target_account_id.eq_any(&authors))
        .select(follows::target_account_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    for post in restricted {
        if mentioned.contains(&post.id)
            || (post.visibility() == Visibility::Private && followed.contains(&post.account_id))
        {
            visible.insert(post.id);
        }
    }
    Ok(visible)
}
