//! `articles` and `article_tags`: intranet articles and their hashtags.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::page::Window;
use crate::schema::{accounts, article_tags, articles, posts};
use crate::{DbConnection, DbError, per_backend};

diesel::allow_columns_to_appear_in_same_group_by_clause!(posts::in_reply_to_id, accounts::domain);

crate::stored_enum::stored_enum! {
    /// Where an article is in its life.
    pub enum ArticleStatus {
        /// Visible to its author, owner, editors and admins only.
        Draft => "draft",
        /// Visible to everyone and carried to timelines.
        Published => "published",
        /// Still readable, no longer current.
        Archived => "archived",
    }
}

/// A stored article.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = articles)]
pub struct Article {
    /// Time-sortable identifier.
    pub id: i64,
    /// Unique name in the web URL (`/articles/SLUG`); never changes.
    pub slug: String,
    /// Title.
    pub title: String,
    /// One-paragraph summary (plain text).
    pub summary: String,
    /// The body as written (Markdown).
    pub body_markdown: String,
    /// The body rendered and sanitized.
    pub body_html: String,
    /// Category, if any.
    pub category_id: Option<i64>,
    /// Who wrote it.
    pub author_id: i64,
    /// Who is responsible for keeping it current.
    pub owner_id: i64,
    /// draft, published or archived.
    pub status: ArticleStatus,
    /// Published by an editor or admin as the organisation's word.
    pub official: bool,
    /// Readers are asked to acknowledge it.
    pub must_read: bool,
    /// Pinned at the top of its category.
    pub pinned: bool,
    /// Date after which the article must be reviewed (stale once past).
    pub review_by: Option<NaiveDate>,
    /// The status that carries it to timelines, once published.
    pub post_id: Option<i64>,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// First publication.
    pub published_at: Option<NaiveDateTime>,
    /// Department-only: shown to people of this instance only, never announced, delivered
    /// or served to other servers.
    pub local_only: bool,
}

/// A new article row.
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = articles)]
pub struct NewArticle {
    /// See [`Article::id`].
    pub id: i64,
    /// See [`Article::slug`].
    pub slug: String,
    /// See [`Article::title`].
    pub title: String,
    /// See [`Article::summary`].
    pub summary: String,
    /// See [`Article::body_markdown`].
    pub body_markdown: String,
    /// See [`Article::body_html`].
    pub body_html: String,
    /// The visible text of `body_html` (`content::article_search_text`), which search indexes.
    pub body_text: String,
    /// See [`Article::category_id`].
    pub category_id: Option<i64>,
    /// See [`Article::author_id`].
    pub author_id: i64,
    /// See [`Article::owner_id`].
    pub owner_id: i64,
    /// See [`Article::status`].
    pub status: ArticleStatus,
    /// See [`Article::official`].
    pub official: bool,
    /// See [`Article::must_read`].
    pub must_read: bool,
    /// See [`Article::pinned`].
    pub pinned: bool,
    /// See [`Article::review_by`].
    pub review_by: Option<NaiveDate>,
    /// See [`Article::created_at`].
    pub created_at: NaiveDateTime,
    /// See [`Article::updated_at`].
    pub updated_at: NaiveDateTime,
    /// See [`Article::published_at`].
    pub published_at: Option<NaiveDateTime>,
    /// See [`Article::local_only`].
    pub local_only: bool,
}

/// The editable columns of an article, written together by an edit.
#[derive(Clone, Debug, AsChangeset)]
#[diesel(table_name = articles, treat_none_as_null = true)]
pub struct ArticleChanges {
    /// See [`Article::title`].
    pub title: String,
    /// See [`Article::summary`].
    pub summary: String,
    /// See [`Article::body_markdown`].
    pub body_markdown: String,
    /// See [`Article::body_html`].
    pub body_html: String,
    /// See [`NewArticle::body_text`].
    pub body_text: String,
    /// See [`Article::category_id`].
    pub category_id: Option<i64>,
    /// See [`Article::owner_id`].
    pub owner_id: i64,
    /// See [`Article::status`].
    pub status: ArticleStatus,
    /// See [`Article::official`].
    pub official: bool,
    /// See [`Article::must_read`].
    pub must_read: bool,
    /// See [`Article::pinned`].
    pub pinned: bool,
    /// See [`Article::review_by`].
    pub review_by: Option<NaiveDate>,
    /// See [`Article::updated_at`].
    pub updated_at: NaiveDateTime,
    /// See [`Article::published_at`].
    pub published_at: Option<NaiveDateTime>,
}

/// Which articles a list shows.
#[derive(Clone, Debug, Default)]
pub struct ArticleFilter {
    /// Only these statuses.
    pub statuses: Vec<ArticleStatus>,
    /// Only this category.
    pub category_id: Option<i64>,
    /// Only articles with this hashtag.
    pub tag: Option<String>,
    /// Only by this author.
    pub author_id: Option<i64>,
    /// Only official (true) or only unofficial (false) articles.
    pub official: Option<bool>,
    /// Only articles whose review date is before this day (stale), or not (`false`).
    pub stale: Option<(bool, NaiveDate)>,
    /// Only articles written or owned by this account (a member's own drafts).
    pub written_or_owned_by: Option<i64>,
    /// Only pinned (true) or only unpinned (false) articles.
    pub pinned: Option<bool>,
    /// Only articles written here (true) or received from other instances (false).
    pub local: Option<bool>,
}

/// The articles matching every condition of an [`ArticleFilter`], as a boxed query still to be
/// selected, ordered and limited (a page of a list, or the candidates of a search). A macro,
/// not a function, so that the query can be boxed for whichever backend runs it: a query
/// boxed for [`DbConnection`] cannot be nested in another one as a subquery.
macro_rules! filtered_articles {
    ($filter:expr) => {{
        use diesel::prelude::*;
        use $crate::schema::{accounts, article_tags, articles};
        let filter: &$crate::models::article::ArticleFilter = $filter;
        let mut query = articles::table
            .filter(articles::status.eq_any(filter.statuses.clone()))
            .into_boxed();
        if let Some(category) = filter.category_id {
            query = query.filter(articles::category_id.eq(category));
        }
        if let Some(tag) = &filter.tag {
            query = query.filter(
                articles::id.eq_any(
                    article_tags::table
                        .filter(article_tags::name.eq(tag.clone()))
                        .select(article_tags::article_id),
                ),
            );
        }
        if let Some(author) = filter.author_id {
            query = query.filter(articles::author_id.eq(author));
        }
        if let Some(official) = filter.official {
            query = query.filter(articles::official.eq(official));
        }
        match filter.stale {
            Some((true, today)) => query = query.filter(articles::review_by.lt(today)),
            Some((false, today)) => {
                query = query.filter(
                    articles::review_by
                        .is_null()
                        .or(articles::review_by.ge(today)),
                )
            }
            None => {}
        }
        if let Some(account) = filter.written_or_owned_by {
            query = query.filter(
                articles::author_id
                    .eq(account)
                    .or(articles::owner_id.eq(account)),
            );
        }
        if let Some(pinned) = filter.pinned {
            query = query.filter(articles::pinned.eq(pinned));
        }
        if let Some(local) = filter.local {
            let local_authors = accounts::table
                .filter(accounts::domain.is_null())
                .select(accounts::id);
            query = if local {
                query.filter(articles::author_id.eq_any(local_authors))
            } else {
                query.filter(articles::author_id.ne_all(local_authors))
            };
        }
        query
    }};
}
pub(crate) use filtered_articles;

impl Article {
    /// Inserts an article with its hashtags.
    pub fn insert(
        conn: &mut DbConnection,
        new: &NewArticle,
        tags: &[String],
    ) -> Result<Article, DbError> {
        diesel::insert_into(articles::table)
            .values(new)
            .execute(conn)?;
        Self::replace_tags(conn, new.id, tags)?;
        Self::find(conn, new.id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
    }

    /// An article by id.
    pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Article>, DbError> {
        Ok(articles::table
            .find(id)
            .select(Article::as_select())
            .first(conn)
            .optional()?)
    }

    /// An article by slug.
    pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> Result<Option<Article>, DbError> {
        Ok(articles::table
            .filter(articles::slug.eq(slug))
            .select(Article::as_select())
            .first(conn)
            .optional()?)
    }

    /// True when an article already uses this slug.
    pub fn slug_taken(conn: &mut DbConnection, slug: &str) -> Result<bool, DbError> {
        use diesel::dsl::exists;
        Ok(
            diesel::select(exists(articles::table.filter(articles::slug.eq(slug))))
                .get_result(conn)?,
        )
    }

    /// Writes an edit.
    pub fn update(
        conn: &mut DbConnection,
        id: i64,
        changes: &ArticleChanges,
    ) -> Result<(), DbError> {
        diesel::update(articles::table.find(id))
            .set(changes)
            .execute(conn)?;
        Ok(())
    }

    /// Links the article to the status that carries it.
    pub fn set_post(conn: &mut DbConnection, id: i64, post_id: Option<i64>) -> Result<(), DbError> {
        diesel::update(articles::table.find(id))
            .set(articles::post_id.eq(post_id))
            .execute(conn)?;
        Ok(())
    }

    /// Deletes an article (its tags, revisions and acknowledgements go with it).
    pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
        diesel::delete(articles::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// Number of articles in a category.
    pub fn count_in_category(conn: &mut DbConnection, category_id: i64) -> Result<i64, DbError> {
        Ok(articles::table
            .filter(articles::category_id.eq(category_id))
            .count()
            .get_result(conn)?)
    }

    /// A page of articles matching `filter`, newest first (see [`Window::finish`]).
    pub fn list(
        conn: &mut DbConnection,
        filter: &ArticleFilter,
        window: Window,
    ) -> Result<Vec<Article>, DbError> {
        let mut query = filtered_articles!(filter).select(Article::as_select());
        if let Some(max) = window.max_id {
            query = query.filter(articles::id.lt(max));
        }
        if let Some(min) = window.min_id.or(window.since_id) {
            query = query.filter(articles::id.gt(min));
        }
        query = if window.reads_upward() {
            query.order(articles::id.asc())
        } else {
            query.order(articles::id.desc())
        };
        let rows = query.limit(window.limit).load(conn)?;
        Ok(window.finish(rows))
    }

    /// The articles with these ids that exist, in no particular order.
    pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<Article>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(articles::table
            .filter(articles::id.eq_any(ids))
            .select(Article::as_select())
            .load(conn)?)
    }

    /// Replaces the hashtags of an article.
    pub fn replace_tags(
        conn: &mut DbConnection,
        article_id: i64,
        tags: &[String],
    ) -> Result<(), DbError> {
        diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id)))
            .execute(conn)?;
        let mut names = tags.to_vec();
        names.sort();
        names.dedup();
        let rows: Vec<_> = names
            .iter()
            .map(|name| {
                (
                    article_tags::article_id.eq(article_id),
                    article_tags::name.eq(name),
                )
            })
            .collect();
        for chunk in rows.chunks(crate::INSERT_CHUNK) {
            per_backend!(conn, |c| diesel::insert_into(article_tags::table)
                .values(chunk)
                .execute(c))?;
        }
        Ok(())
    }

    /// `(article_id, tag)` pairs of several articles, tags in alphabetical order.
    pub fn tags_of(
        conn: &mut DbConnection,
        article_ids: &[i64],
    ) -> Result<Vec<(i64, String)>, DbError> {
        Ok(article_tags::table
            .filter(article_tags::article_id.eq_any(article_ids))
            .order((article_tags::article_id.asc(), article_tags::name.asc()))
            .select((article_tags::article_id, article_tags::name))
            .load(conn)?)
    }

    /// The article carried by a status, if any.
    pub fn find_by_post(conn: &mut DbConnection, post_id: i64) -> Result<Option<Article>, DbError> {
        Ok(articles::table
            .filter(articles::post_id.eq(post_id))
            .select(Article::as_select())
            .first(conn)
            .optional()?)
    }

    /// Direct replies with one of `visibilities` to the statuses of articles, counted per
    /// status and per author domain (`None`: local authors), in one grouped query.
    pub fn comment_counts(
        conn: &mut DbConnection,
        post_ids: &[i64],
        visibilities: &[super::post::Visibility],
    ) -> Result<Vec<(i64, Option<String>, i64)>, DbError> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(Option<i64>, Option<String>, i64)> = posts::table
            .inner_join(accounts::table.on(accounts::id.eq(posts::account_id)))
            .filter(posts::in_reply_to_id.eq_any(post_ids))
            .filter(posts::visibility.eq_any(visibilities))
            .group_by((posts::in_reply_to_id, accounts::domain))
            .select((
                posts::in_reply_to_id,
                accounts::domain,
                diesel::dsl::count_star(),
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(post, domain, n)| post.map(|p| (p, domain, n)))
            .collect())
    }

    /// `(post_id, uri, url)` of the statuses of articles received from other instances.
    pub fn remote_origins(
        conn: &mut DbConnection,
        post_ids: &[i64],
    ) -> Result<Vec<(i64, String, Option<String>)>, DbError> {
        if post_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(posts::table
            .filter(posts::id.eq_any(post_ids))
            .filter(posts::local.eq(false))
            .select((posts::id, posts::uri, posts::url))
            .load(conn)?)
    }

    /// Removes the article carried by a remote status (when its author deletes it).
    pub fn delete_by_post(conn: &mut DbConnection, post_id: i64) -> Result<usize, DbError> {
        Ok(diesel::delete(articles::table.filter(articles::post_id.eq(post_id))).execute(conn)?)
    }
}
