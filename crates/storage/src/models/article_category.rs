//! `article_categories`: the instance-defined taxonomy of articles.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::article_categories;
use crate::{DbConnection, DbError};

/// A category of articles.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = article_categories)]
pub struct ArticleCategory {
    /// Time-sortable identifier.
    pub id: i64,
    /// Unique name in URLs and filters.
    pub slug: String,
    /// Human-readable name.
    pub name: String,
    /// What belongs in it.
    pub description: String,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// The Group actor that announces the category's articles to its followers.
    pub channel_account_id: Option<i64>,
}

impl ArticleCategory {
    /// Inserts a category.
    pub fn insert(conn: &mut DbConnection, new: &ArticleCategory) -> Result<(), DbError> {
        diesel::insert_into(article_categories::table)
            .values(new)
            .execute(conn)?;
        Ok(())
    }

    /// A category by slug.
    pub fn find_by_slug(
        conn: &mut DbConnection,
        slug: &str,
    ) -> Result<Option<ArticleCategory>, DbError> {
        Ok(article_categories::table
            .filter(article_categories::slug.eq(slug))
            .select(ArticleCategory::as_select())
            .first(conn)
            .optional()?)
    }

    /// Categories by id.
    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<ArticleCategory>, DbError> {
        Ok(article_categories::table
            .filter(article_categories::id.eq_any(ids))
            .select(ArticleCategory::as_select())
            .load(conn)?)
    }

    /// Every category, by name.
    pub fn all(conn: &mut DbConnection) -> Result<Vec<ArticleCategory>, DbError> {
        Ok(article_categories::table
            .order(article_categories::name.asc())
            .select(ArticleCategory::as_select())
            .load(conn)?)
    }

    /// Renames or redescribes a category.
    pub fn update(
        conn: &mut DbConnection,
        id: i64,
        name: &str,
        description: &str,
    ) -> Result<(), DbError> {
        diesel::update(article_categories::table.find(id))
            .set((
                article_categories::name.eq(name),
                article_categories::description.eq(description),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Deletes a category.
    pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
        diesel::delete(article_categories::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// Links a category to its channel actor.
    pub fn set_channel(conn: &mut DbConnection, id: i64, account_id: i64) -> Result<(), DbError> {
        diesel::update(article_categories::table.find(id))
            .set(article_categories::channel_account_id.eq(account_id))
            .execute(conn)?;
        Ok(())
    }

    /// Categories whose channel actor does not exist yet.
    pub fn without_channel(conn: &mut DbConnection) -> Result<Vec<ArticleCategory>, DbError> {
        Ok(article_categories::table
            .filter(article_categories::channel_account_id.is_null())
            .select(ArticleCategory::as_select())
            .load(conn)?)
    }

    /// The category a channel actor announces, if `account_id` is one.
    pub fn by_channel(
        conn: &mut DbConnection,
        account_id: i64,
    ) -> Result<Option<ArticleCategory>, DbError> {
        Ok(article_categories::table
            .filter(article_categories::channel_account_id.eq(account_id))
            .select(ArticleCategory::as_select())
            .first(conn)
            .optional()?)
    }
}
