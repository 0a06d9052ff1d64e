//! Intranet articles: writing, editing, publishing as statuses, listing, revisions,
//! must-read acknowledgements and the category taxonomy.
//!
//! - [`create`] and [`edit`]: the writes (every create and edit records a revision).
//! - [`publish`]: how a published article reaches timelines (its status); the one place that
//!   announces, changes and withdraws an article outside the article itself.
//! - [`queries`]: reading one article, lists with filters, revisions.
//! - [`acknowledgements`], [`categories`].
//! - [`channels`]: the Group actors (one per category, one for the instance) that carry
//!   articles to their followers on every instance.
//! - [`permissions`]: who may do what (roles and ownership); [`fields`]: input validation.

pub mod acknowledgements;
pub mod categories;
pub mod channels;
pub mod create;
pub mod edit;
pub mod fields;
pub mod pages;
pub mod permissions;
pub mod publish;
pub mod queries;

use crate::services::hydrate::AccountView;
use trellis_storage::models::article::Article;
pub use trellis_storage::models::article::ArticleStatus;
use trellis_storage::models::article_category::ArticleCategory;

pub use create::create;
pub use edit::{delete, edit};

/// What a writer sends to create an article.
#[derive(Clone, Debug, Default)]
pub struct ArticleInput {
    /// Title (required).
    pub title: String,
    /// Plain-text summary.
    pub summary: String,
    /// Markdown body.
    pub body: String,
    /// Category slug.
    pub category: Option<String>,
    /// Hashtags (with or without `#`; comma-separated values are split).
    pub tags: Vec<String>,
    /// Official (editors and admins only).
    pub official: bool,
    /// Must-read (editors and admins only).
    pub must_read: bool,
    /// Pinned in its category (editors and admins only).
    pub pinned: bool,
    /// draft (default), published or archived.
    pub status: Option<String>,
    /// Review date, `YYYY-MM-DD`.
    pub review_by: Option<String>,
    /// Slug; derived from the title (and made unique) when absent.
    pub slug: Option<String>,
    /// Owner: account id or local username (default: the author).
    pub owner: Option<String>,
    /// Note recorded with the first revision.
    pub change_note: Option<String>,
    /// Department-only: for people of this instance only, never federated.
    pub department_only: bool,
}

/// What an editor changes; `None` keeps the current value. An empty `category` or
/// `review_by` clears it.
#[derive(Clone, Debug, Default)]
pub struct ArticlePatch {
    /// New title.
    pub title: Option<String>,
    /// New summary.
    pub summary: Option<String>,
    /// New Markdown body.
    pub body: Option<String>,
    /// New category slug (empty: none).
    pub category: Option<String>,
    /// New hashtags.
    pub tags: Option<Vec<String>>,
    /// New official flag.
    pub official: Option<bool>,
    /// New must-read flag.
    pub must_read: Option<bool>,
    /// New pinned flag.
    pub pinned: Option<bool>,
    /// New status.
    pub status: Option<String>,
    /// New review date (empty: none).
    pub review_by: Option<String>,
    /// New owner: account id or local username.
    pub owner: Option<String>,
    /// What changed, in the editor's words (stored with the revision).
    pub change_note: Option<String>,
}

/// An article with everything a reader is shown.
#[derive(Clone, Debug)]
pub struct ArticleView {
    /// The row.
    pub article: Article,
    /// Its category.
    pub category: Option<ArticleCategory>,
    /// Hashtags, alphabetical.
    pub tags: Vec<String>,
    /// The writer.
    pub author: AccountView,
    /// Who keeps it current.
    pub owner: AccountView,
    /// For an article received from another instance: its ActivityPub id and web page.
    pub origin: Option<(String, Option<String>)>,
    /// Comments (direct public and unlisted replies to its status) per author domain (`None`:
    /// this instance).
    pub comments: Vec<(Option<String>, i64)>,
}

impl ArticleView {
    /// True when the review date has passed.
    pub fn stale(&self, today: chrono::NaiveDate) -> bool {
        self.article.review_by.is_some_and(|d| d < today)
    }
}

/// Today's date (UTC), the reference for stale articles.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
