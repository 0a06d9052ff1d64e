//! What a person reads: their home timeline and a post's thread.

use diesel::prelude::*;

use crate::db::models::Post;
use crate::db::schema::{follows, post_mentions, posts};
use crate::state::AppState;

use super::{ServiceError, visibility};

/// Posts and boosts from followed accounts, one's own, and posts mentioning the reader,
/// newest first; never a post the reader may not see.
pub async fn home(state: &AppState, reader: i64, limit: i64) -> Result<Vec<Post>, ServiceError> {
    let rows = state
        .db()
        .read(move |conn| {
            let followed = follows::table
                .filter(follows::account_id.eq(reader))
                .filter(follows::accepted.eq(true))
                .select(follows::target_account_id);
            let mentioning = post_mentions::table
                .filter(post_mentions::account_id.eq(reader))
                .select(post_mentions::post_id);
            let candidates: Vec<Post> = posts::table
                .filter(
                    posts::account_id
                        .eq_any(followed)
                        .and(posts::visibility.ne("direct"))
                        .or(posts::account_id.eq(reader))
                        .or(posts::id.eq_any(mentioning)),
                )
                .order(posts::id.desc())
                .limit(limit)
                .select(Post::as_select())
                .load(conn)?;
            let mut visible = Vec::with_capacity(candidates.len());
            for post in candidates {
                if visibility::can_see(conn, &post, Some(reader))? {
                    visible.push(post);
                }
            }
            Ok(visible)
        })
        .await?;
    Ok(rows)
}

/// A post's ancestors (oldest first) and descendants (in reply order), as `viewer` may see them.
pub async fn thread(
    state: &AppState,
    post: &Post,
    viewer: Option<i64>,
) -> Result<(Vec<Post>, Vec<Post>), ServiceError> {
    let post = post.clone();
    Ok(state
        .db()
        .read(move |conn| {
            let mut ancestors = Vec::new();
            let mut cursor = post.in_reply_to_id;
            while let Some(id) = cursor {
                if ancestors.len() >= 100 {
                    break;
                }
                let Some(parent) = Post::find(conn, id)? else {
                    break;
                };
                cursor = parent.in_reply_to_id;
                if visibility::can_see(conn, &parent, viewer)? {
                    ancestors.push(parent);
                }
            }
            ancestors.reverse();
            let mut descendants = Vec::new();
            let mut frontier = vec![post.id];
            while let Some(id) = frontier.pop() {
                for reply in Post::replies(conn, id, 200)? {
                    frontier.push(reply.id);
                    if visibility::can_see(conn, &reply, viewer)? {
                        descendants.push(reply);
                    }
                }
                if descendants.len() >= 1000 {
                    break;
                }
            }
            descendants.sort_by_key(|p| p.id);
            Ok((ancestors, descendants))
        })
        .await?)
}
