//! Bookmarks (private saved posts) and the reader's own lists of bookmarked and liked posts.

use crate::outbound::delivery;
use crate::state::AppState;
use trellis_storage::models::Post;
use trellis_storage::models::bookmark::Bookmark;
use trellis_storage::page::Window;

use super::ServiceError;
use super::timelines::{StatusPage, finish_page};

/// Bookmarks `post` for `reader` (who may see it); bookmarking twice keeps one bookmark.
pub async fn bookmark(state: &AppState, reader: i64, post: &Post) -> Result<(), ServiceError> {
    let row = Bookmark {
        id: state.ids().next_id(),
        account_id: reader,
        post_id: post.id,
        created_at: delivery::now(),
    };
    state
        .db()
        .write(move |conn| Bookmark::insert(conn, &row))
        .await?;
    Ok(())
}

/// Removes `reader`'s bookmark of `post`, if any.
pub async fn unbookmark(state: &AppState, reader: i64, post: &Post) -> Result<(), ServiceError> {
    let post_id = post.id;
    state
        .db()
        .write(move |conn| Bookmark::delete_pair(conn, reader, post_id))
        .await?;
    Ok(())
}

/// A page of the reader's bookmarks, paged by bookmark id.
pub async fn bookmarks(
    state: &AppState,
    reader: i64,
    window: Window,
) -> Result<StatusPage, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let (cursors, rows): (Vec<i64>, Vec<Post>) =
                Bookmark::page(conn, reader, window)?.into_iter().unzip();
            finish_page(conn, rows, cursors, Some(reader), &[])
        })
        .await?)
}

/// A page of the posts the reader liked, paged by like id.
pub async fn favourites(
    state: &AppState,
    reader: i64,
    window: Window,
) -> Result<StatusPage, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| {
            let (cursors, rows): (Vec<i64>, Vec<Post>) =
                Post::favourited_page(conn, reader, window)?
                    .into_iter()
                    .unzip();
            finish_page(conn, rows, cursors, Some(reader), &[])
        })
        .await?)
}
