//! Who may see a post: the rule every reader goes through (pages, API, federation fetches).

use std::collections::HashSet;

use diesel::prelude::*;

use crate::db::models::post::Visibility;
use crate::db::models::{Follow, Post};
use crate::db::schema::{follows, post_mentions};
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

/// The posts of `list` that `viewer` may see, in order: the same rule as [`can_see`], checked
/// for a whole page at once. Public and unlisted posts and the viewer's own pass without a
/// query; for the rest, the viewer's mentions and follows are loaded in two queries.
pub fn visible_posts(
    conn: &mut DbConnection,
    list: Vec<Post>,
    viewer: Option<i64>,
) -> Result<Vec<Post>, DbError> {
    let restricted =
        |post: &Post| !post.visibility().is_world_readable() && Some(post.account_id) != viewer;
    let hidden: Vec<&Post> = list.iter().filter(|p| restricted(p)).collect();
    if hidden.is_empty() {
        return Ok(list);
    }
    let Some(viewer) = viewer else {
        return Ok(list.into_iter().filter(|p| !restricted(p)).collect());
    };
    let hidden_ids: Vec<i64> = hidden.iter().map(|p| p.id).collect();
    let mentioned: HashSet<i64> = post_mentions::table
        .filter(post_mentions::account_id.eq(viewer))
        .filter(post_mentions::post_id.eq_any(&hidden_ids))
        .select(post_mentions::post_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let private_authors: Vec<i64> = hidden
        .iter()
        .filter(|p| p.visibility() == Visibility::Private)
        .map(|p| p.account_id)
        .collect();
    let followed: HashSet<i64> = if private_authors.is_empty() {
        HashSet::new()
    } else {
        follows::table
            .filter(follows::account_id.eq(viewer))
            .filter(follows::accepted.eq(true))
            .filter(follows::target_account_id.eq_any(&private_authors))
            .select(follows::target_account_id)
            .load::<i64>(conn)?
            .into_iter()
            .collect()
    };
    Ok(list
        .into_iter()
        .filter(|post| {
            !restricted(post)
                || mentioned.contains(&post.id)
                || (post.visibility() == Visibility::Private && followed.contains(&post.account_id))
        })
        .collect())
}
