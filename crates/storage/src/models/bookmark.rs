//! `bookmarks`: posts a person saved for later (private to them).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Post;
use crate::page::{Window, paged};
use crate::schema::{bookmarks, posts};
use crate::{DbConnection, DbError, per_backend};

/// A bookmark.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = bookmarks)]
pub struct Bookmark {
    /// Time-sortable id (the pagination cursor).
    pub id: i64,
    /// Who saved it.
    pub account_id: i64,
    /// What was saved.
    pub post_id: i64,
    /// When.
    pub created_at: NaiveDateTime,
}

impl Bookmark {
    /// Stores a bookmark; an existing one for the same pair is kept.
    pub fn insert(conn: &mut DbConnection, bookmark: &Bookmark) -> Result<(), DbError> {
        per_backend!(conn, |c| diesel::insert_into(bookmarks::table)
            .values(bookmark)
            .on_conflict_do_nothing()
            .execute(c))?;
        Ok(())
    }

    /// Removes the bookmark of `post_id` by `account_id`, if any.
    pub fn delete_pair(
        conn: &mut DbConnection,
        account_id: i64,
        post_id: i64,
    ) -> Result<(), DbError> {
        diesel::delete(
            bookmarks::table
                .filter(bookmarks::account_id.eq(account_id))
                .filter(bookmarks::post_id.eq(post_id)),
        )
        .execute(conn)?;
        Ok(())
    }

    /// A page of `account_id`'s bookmarked posts with the bookmark ids, newest bookmark first.
    pub fn page(
        conn: &mut DbConnection,
        account_id: i64,
        window: Window,
    ) -> Result<Vec<(i64, Post)>, DbError> {
        let query = bookmarks::table
            .inner_join(posts::table)
            .filter(bookmarks::account_id.eq(account_id))
            .select((bookmarks::id, Post::as_select()));
        let rows = paged!(query, bookmarks::id, window).load(conn)?;
        Ok(window.finish(rows))
    }
}
