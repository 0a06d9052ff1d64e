//! `article_revisions` and `article_acknowledgements`: the history of an article and who
//! acknowledged it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{accounts, article_acknowledgements, article_revisions};
use crate::{DbConnection, DbError};

use super::Account;

/// A snapshot of an article written by one create or edit.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_revisions)]
pub struct ArticleRevision {
    /// Time-sortable identifier.
    pub id: i64,
    /// The article.
    pub article_id: i64,
    /// Who made the change.
    pub editor_id: i64,
    /// Title after the change.
    pub title: String,
    /// Summary after the change.
    pub summary: String,
    /// Body after the change.
    pub body_markdown: String,
    /// What the editor said about the change.
    pub change_note: String,
    /// When.
    pub created_at: NaiveDateTime,
}

impl ArticleRevision {
    /// Records a revision.
    pub fn insert(conn: &mut DbConnection, new: &ArticleRevision) -> Result<(), DbError> {
        diesel::insert_into(article_revisions::table)
            .values(new)
            .execute(conn)?;
        Ok(())
    }

    /// Every revision of an article, oldest first.
    pub fn of_article(
        conn: &mut DbConnection,
        article_id: i64,
    ) -> Result<Vec<ArticleRevision>, DbError> {
        Ok(article_revisions::table
            .filter(article_revisions::article_id.eq(article_id))
            .order(article_revisions::id.asc())
            .select(ArticleRevision::as_select())
            .load(conn)?)
    }
}

/// A reader's acknowledgement of a must-read article.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_acknowledgements)]
pub struct Acknowledgement {
    /// The article.
    pub article_id: i64,
    /// The reader.
    pub account_id: i64,
    /// When.
    pub created_at: NaiveDateTime,
    /// The activity that carried it, when it came from another instance.
    pub uri: Option<String>,
}

impl Acknowledgement {
    /// The published must-read articles `reader` has not acknowledged, newest first (at most
    /// `limit`). Must-read articles are always local: a remote one is never stored as such.
    pub fn pending_for(
        conn: &mut DbConnection,
        reader: i64,
        limit: i64,
    ) -> Result<Vec<super::article::Article>, DbError> {
        use super::article::{Article, ArticleStatus};
        use crate::schema::articles;
        let acknowledged = article_acknowledgements::table
            .filter(article_acknowledgements::account_id.eq(reader))
            .select(article_acknowledgements::article_id);
        Ok(articles::table
            .filter(articles::must_read.eq(true))
            .filter(articles::status.eq(ArticleStatus::Published))
            .filter(diesel::dsl::not(articles::id.eq_any(acknowledged)))
            .order(articles::published_at.desc())
            .limit(limit)
            .select(Article::as_select())
            .load(conn)?)
    }

    /// Records an acknowledgement unless one exists; returns the stored one.
    pub fn insert_or_get(
        conn: &mut DbConnection,
        new: &Acknowledgement,
    ) -> Result<Acknowledgement, DbError> {
        if let Some(existing) = Self::find(conn, new.article_id, new.account_id)? {
            return Ok(existing);
        }
        diesel::insert_into(article_acknowledgements::table)
            .values(new)
            .execute(conn)?;
        Ok(new.clone())
    }

    /// The acknowledgement of an article by an account.
    pub fn find(
        conn: &mut DbConnection,
        article_id: i64,
        account_id: i64,
    ) -> Result<Option<Acknowledgement>, DbError> {
        Ok(article_acknowledgements::table
            .find((article_id, account_id))
            .select(Acknowledgement::as_select())
            .first(conn)
            .optional()?)
    }

    /// Every acknowledgement of an article with the reader, oldest first.
    pub fn of_article(
        conn: &mut DbConnection,
        article_id: i64,
    ) -> Result<Vec<(Acknowledgement, Account)>, DbError> {
        Ok(article_acknowledgements::table
            .inner_join(accounts::table)
            .filter(article_acknowledgements::article_id.eq(article_id))
            .order(article_acknowledgements::created_at.asc())
            .select((Acknowledgement::as_select(), Account::as_select()))
            .load(conn)?)
    }
}
