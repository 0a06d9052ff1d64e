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
