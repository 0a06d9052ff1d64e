//! `favourites`: likes of posts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::favourites;
use crate::{DbConnection, DbError};

/// A like.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = favourites)]
pub struct Favourite {
    /// Identifier.
    pub id: i64,
    /// Who liked.
    pub account_id: i64,
    /// What was liked.
    pub post_id: i64,
    /// The Like activity id.
    pub uri: String,
    /// When.
    pub created_at: NaiveDateTime,
}

impl Favourite {
    /// Inserts a like; returns false when the account already liked the post.
    pub fn insert(conn: &mut DbConnection, new: &Favourite) -> Result<bool, DbError> {
        if Self::find_pair(conn, new.account_id, new.post_id)?.is_some() {
            return Ok(false);
        }
        diesel::insert_into(favourites::table)
            .values(new)
            .execute(conn)?;
        Ok(true)
    }

    /// The like of `post` by `account`, if any.
    pub fn find_pair(
        conn: &mut DbConnection,
        account: i64,
        post: i64,
    ) -> Result<Option<Favourite>, DbError> {
        Ok(favourites::table
            .filter(favourites::account_id.eq(account))
            .filter(favourites::post_id.eq(post))
            .select(Favourite::as_select())
            .first(conn)
            .optional()?)
    }

    /// A like by its activity id.
    pub fn find_by_uri(conn: &mut DbConnection, uri: &str) -> Result<Option<Favourite>, DbError> {
        Ok(favourites::table
            .filter(favourites::uri.eq(uri))
            .select(Favourite::as_select())
            .first(conn)
            .optional()?)
    }

    /// Removes a like.
    pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
        diesel::delete(favourites::table.find(id)).execute(conn)?;
        Ok(())
    }
}
