//! What anonymous readers see of articles on the web: an article by slug with its
//! discussion, indexes of published articles (all, or one category with pinned articles
//! first), and full-text search.

use std::collections::BTreeMap;

use crate::services::ServiceError;
use crate::services::hydrate::StatusView;
use crate::services::timelines;
use crate::state::AppState;
use trellis_storage::models::Post;
use trellis_storage::models::article::{Article, ArticleFilter};
use trellis_storage::models::article_category::ArticleCategory;
use trellis_storage::models::article_search;
use trellis_storage::page::Window;

use super::permissions::may_read;
use super::queries::views;
use super::{ArticleStatus, ArticleView};

/// Most pinned articles shown at the top of a category.
const MAX_PINNED: i64 = 50;

/// The replies to an article's status that anyone may see, and where they came from.
#[derive(Clone, Debug, Default)]
pub struct Discussion {
    /// Every reply in the thread, in reply order.
    pub replies: Vec<StatusView>,
    /// Number of replies per instance domain, most first (then by domain).
    pub per_instance: Vec<(String, usize)>,
}

/// A page of published articles.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    /// The category listed, if one was asked for.
    pub category: Option<ArticleCategory>,
    /// Pinned articles of the category (first page only), newest first.
    pub pinned: Vec<ArticleView>,
    /// The other articles, newest first.
    pub articles: Vec<ArticleView>,
}

/// A search result: the article and a plain-text excerpt with marked matches.
#[derive(Clone, Debug)]
pub struct Found {
    /// The article.
    pub view: ArticleView,
    /// See [`article_search::SearchHit::snippet`].
    pub snippet: String,
}

fn no_article(what: &str) -> ServiceError {
    ServiceError::NotFound(format!("no article {what}"))
}

/// The published or archived article with this slug (drafts are not found).
pub async fn by_slug(state: &AppState, slug: &str) -> Result<ArticleView, ServiceError> {
    let wanted = slug.to_string();
    let found = state
        .db()
        .read(move |conn| match Article::find_by_slug(conn, &wanted)? {
            Some(article) if may_read(&article, None) => Ok(views(conn, vec![article])?.pop()),
            _ => Ok(None),
        })
        .await?;
    found.ok_or_else(|| no_article(slug))
}

/// The published or archived article with this id (drafts are not found).
pub async fn by_id(state: &AppState, id: i64) -> Result<ArticleView, ServiceError> {
    let found = state
        .db()
        .read(move |conn| match Article::find(conn, id)? {
            Some(article) if may_read(&article, None) => Ok(views(conn, vec![article])?.pop()),
            _ => Ok(None),
        })
        .await?;
    found.ok_or_else(|| no_article(&id.to_string()))
}

/// The public discussion of an article: replies to its status, hydrated in one batch.
pub async fn discussion(state: &AppState, article: &Article) -> Result<Discussion, ServiceError> {
    let Some(post_id) = article.post_id else {
        return Ok(Discussion::default());
    };
    let Some(post) = state
        .db()
        .read(move |conn| Post::find(conn, post_id))
        .await?
    else {
        return Ok(Discussion::default());
    };
    let (_, replies) = timelines::context(state, &post, None).await?;
    let local = state.urls().domain().to_string();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for reply in &replies {
        let domain = reply.account.account.domain.clone();
        *counts
            .entry(domain.unwrap_or_else(|| local.clone()))
            .or_default() += 1;
    }
    let mut per_instance: Vec<(String, usize)> = counts.into_iter().collect();
    per_instance.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Discussion {
        replies,
        per_instance,
    })
}

/// Published articles, newest first: all of them, or those of one category (`None` when the
/// category does not exist). With `pinned_first`, the first page of a category starts with
/// its pinned articles and the rest of the pages leave them out.
pub async fn listing(
    state: &AppState,
    category: Option<&str>,
    window: Window,
    pinned_first: bool,
) -> Result<Option<Listing>, ServiceError> {
    let category = category.map(str::to_string);
    Ok(state
        .db()
        .read(move |conn| {
            let category = match category {
                Some(slug) => match ArticleCategory::find_by_slug(conn, &slug)? {
                    Some(found) => Some(found),
                    None => return Ok(None),
                },
                None => None,
            };
            let filter = ArticleFilter {
                statuses: vec![ArticleStatus::Published],
                category_id: category.as_ref().map(|c| c.id),
                ..Default::default()
            };
            let split = pinned_first && category.is_some();
            let pinned = if split && window.max_id.is_none() {
                let pinned_filter = ArticleFilter {
                    pinned: Some(true),
                    ..filter.clone()
                };
                Article::list(conn, &pinned_filter, Window::latest(MAX_PINNED))?
            } else {
                Vec::new()
            };
            let rest_filter = ArticleFilter {
                pinned: split.then_some(false),
                ..filter
            };
            let rest = Article::list(conn, &rest_filter, window)?;
            Ok(Some(Listing {
                category,
                pinned: views(conn, pinned)?,
                articles: views(conn, rest)?,
            }))
        })
        .await?)
}

/// Published articles matching `query` (full-text), best first (the ranking of
/// [`article_search`]), `limit` of them after skipping `offset`, each with an excerpt.
pub async fn search(
    state: &AppState,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Found>, ServiceError> {
    let query = query.to_string();
    Ok(state
        .db()
        .read(move |conn| {
            let filter = ArticleFilter {
                statuses: vec![ArticleStatus::Published],
                ..Default::default()
            };
            let rows = article_search::ranked(conn, &filter, &query, limit, offset)?;
            let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
            let mut snippets = article_search::snippets(conn, &query, &ids)?;
            Ok(views(conn, rows)?
                .into_iter()
                .map(|view| Found {
                    snippet: snippets.remove(&view.article.id).unwrap_or_default(),
                    view,
                })
                .collect())
        })
        .await?)
}
