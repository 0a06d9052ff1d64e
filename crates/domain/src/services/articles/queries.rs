//! Reading articles: one, a filtered page, and the revisions of one, loaded in batches.

use std::collections::HashMap;

use crate::services::ServiceError;
use crate::services::accounts::Role;
use crate::services::hydrate::{self, AccountView};
use crate::state::AppState;
use trellis_storage::models::Account;
use trellis_storage::models::article::{Article, ArticleFilter};
use trellis_storage::models::article_category::ArticleCategory;
use trellis_storage::models::article_revision::ArticleRevision;
use trellis_storage::models::article_search;
use trellis_storage::models::user::User;
use trellis_storage::page::Window;
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::permissions::{is_editor, may_read, role_of};
use trellis_storage::models::post::Visibility;

/// The replies an article's comment counts count: those anyone may read.
const COUNTED_COMMENTS: [Visibility; 2] = [Visibility::Public, Visibility::Unlisted];
use super::{ArticleStatus, ArticleView, fields, today};

/// Views of several articles, in the same order, in a fixed number of queries.
pub fn views(conn: &mut DbConnection, rows: Vec<Article>) -> Result<Vec<ArticleView>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let people: Vec<i64> = rows
        .iter()
        .flat_map(|a| [a.author_id, a.owner_id])
        .collect();
    let category_ids: Vec<i64> = rows.iter().filter_map(|a| a.category_id).collect();
    let accounts = hydrate::accounts_by_id(conn, &people)?;
    let categories: HashMap<i64, ArticleCategory> = ArticleCategory::by_ids(conn, &category_ids)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (article, tag) in Article::tags_of(conn, &ids)? {
        tags.entry(article).or_default().push(tag);
    }
    let post_ids: Vec<i64> = rows.iter().filter_map(|a| a.post_id).collect();
    let mut comments: HashMap<i64, Vec<(Option<String>, i64)>> = HashMap::new();
    for (post, domain, count) in Article::comment_counts(conn, &post_ids, &COUNTED_COMMENTS)? {
        comments.entry(post).or_default().push((domain, count));
    }
    let mut origins: HashMap<i64, (String, Option<String>)> =
        Article::remote_origins(conn, &post_ids)?
            .into_iter()
            .map(|(post, uri, url)| (post, (uri, url)))
            .collect();
    let mut out = Vec::with_capacity(rows.len());
    for article in rows {
        let (Some(author), Some(owner)) = (
            accounts.get(&article.author_id).cloned(),
            accounts.get(&article.owner_id).cloned(),
        ) else {
            continue;
        };
        out.push(ArticleView {
            category: article
                .category_id
                .and_then(|id| categories.get(&id).cloned()),
            tags: tags.remove(&article.id).unwrap_or_default(),
            author,
            owner,
            origin: article.post_id.and_then(|p| origins.remove(&p)),
            comments: article
                .post_id
                .and_then(|p| comments.remove(&p))
                .unwrap_or_default(),
            article,
        });
    }
    Ok(out)
}

/// An article the viewer may read; drafts of others are not found.
pub fn visible(
    conn: &mut DbConnection,
    viewer: Option<(i64, Role)>,
    id: i64,
) -> Result<Result<Article, ServiceError>, DbError> {
    Ok(match Article::find(conn, id)? {
        Some(article) if may_read(&article, viewer) => Ok(article),
        _ => Err(not_found(id)),
    })
}

/// 404 for an article.
pub fn not_found(id: i64) -> ServiceError {
    ServiceError::NotFound(format!("no article {id}"))
}

/// One article as `viewer` sees it.
pub async fn get(state: &AppState, viewer: &Account, id: i64) -> Result<ArticleView, ServiceError> {
    let viewer_id = viewer.id;
    state
        .db()
        .read(move |conn| {
            let role = role_of(conn, viewer_id)?;
            let article = match visible(conn, Some((viewer_id, role)), id)? {
                Ok(article) => article,
                Err(e) => return Ok(Err(e)),
            };
            Ok(views(conn, vec![article])?
                .pop()
                .ok_or_else(|| not_found(id)))
        })
        .await?
}

/// Filters of an article list, as requested.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Category slug.
    pub category: Option<String>,
    /// Hashtag.
    pub tag: Option<String>,
    /// Author: account id or username (`name` or `name@domain`).
    pub author: Option<String>,
    /// draft, published (default) or archived.
    pub status: Option<String>,
    /// Official or not.
    pub official: Option<bool>,
    /// Past their review date or not.
    pub stale: Option<bool>,
    /// Words that must occur in the title, summary or body (full-text search). A list with
    /// words is ranked by relevance and paged by [`ListQuery::offset`].
    pub q: Option<String>,
    /// `local` (written here) or `remote` (received from other instances); both when absent.
    pub origin: Option<String>,
    /// With `q`: how many of the ranked matches to skip.
    pub offset: Option<i64>,
}

impl ListQuery {
    /// True when the list is a full-text search: ranked by relevance and paged by offset
    /// instead of newest first and paged by id.
    pub fn ranked(&self) -> bool {
        self.q.as_deref().is_some_and(|q| !q.trim().is_empty())
    }

    /// How the page is chosen: by offset when ranked (id cursors do not apply to ranks), by
    /// the id window otherwise (an offset does not apply to it).
    fn paging(&self, window: Window) -> Result<Paging, ServiceError> {
        if !self.ranked() {
            return match self.offset {
                Some(_) => Err(ServiceError::invalid(
                    "offset",
                    "pages search results (with q) only; page other lists with max_id",
                )),
                None => Ok(Paging::Newest(window)),
            };
        }
        let cursor = [
            ("max_id", window.max_id),
            ("since_id", window.since_id),
            ("min_id", window.min_id),
        ]
        .into_iter()
        .find(|(_, value)| value.is_some());
        if let Some((name, _)) = cursor {
            return Err(ServiceError::invalid(
                name,
                "does not apply to search results (with q), which are ranked by relevance; \
                 page them with offset",
            ));
        }
        match self.offset.unwrap_or(0) {
            offset if offset < 0 => Err(ServiceError::invalid("offset", "must not be negative")),
            offset => Ok(Paging::Ranked {
                offset,
                limit: window.limit,
            }),
        }
    }
}

/// Which page of a list to read.
#[derive(Clone, Copy, Debug)]
enum Paging {
    /// Newest first, within an id window.
    Newest(Window),
    /// Best matches first, `limit` of them after skipping `offset`.
    Ranked { offset: i64, limit: i64 },
}

/// A page of articles: newest first, or with `q` best matches first (the ranking of
/// [`article_search`], as on the search page). Drafts are listed only to editors and admins,
/// and to members for their own.
pub async fn list(
    state: &AppState,
    viewer: &Account,
    query: ListQuery,
    window: Window,
) -> Result<Vec<ArticleView>, ServiceError> {
    let paging = query.paging(window)?;
    let status = match query.status.as_deref() {
        None | Some("") => ArticleStatus::Published,
        Some(text) => fields::status(text)?,
    };
    let tag = match query.tag.as_deref() {
        Some(text) => fields::tags(&[text.to_string()])?.into_iter().next(),
        None => None,
    };
    let local = match query.origin.as_deref() {
        None | Some("") => None,
        Some("local") => Some(true),
        Some("remote") => Some(false),
        Some(_) => {
            return Err(ServiceError::invalid("origin", "must be local or remote"));
        }
    };
    let viewer_id = viewer.id;
    state
        .db()
        .read(move |conn| {
            let role = role_of(conn, viewer_id)?;
            let mut filter = ArticleFilter {
                local,
                statuses: vec![status],
                tag,
                official: query.official,
                stale: query.stale.map(|s| (s, today())),
                ..Default::default()
            };
            if status == ArticleStatus::Draft && !is_editor(role) {
                filter.written_or_owned_by = Some(viewer_id);
            }
            if let Some(slug) = query.category.as_deref().filter(|s| !s.is_empty()) {
                match ArticleCategory::find_by_slug(conn, slug)? {
                    Some(category) => filter.category_id = Some(category.id),
                    None => return Ok(Ok(Vec::new())),
                }
            }
            if let Some(author) = query.author.as_deref().filter(|s| !s.is_empty()) {
                match find_account(conn, author)? {
                    Some(account) => filter.author_id = Some(account.id),
                    None => return Ok(Ok(Vec::new())),
                }
            }
            let rows = match paging {
                Paging::Newest(window) => Article::list(conn, &filter, window)?,
                Paging::Ranked { offset, limit } => {
                    let q = query.q.as_deref().unwrap_or_default();
                    article_search::ranked(conn, &filter, q, limit, offset)?
                }
            };
            Ok(Ok(views(conn, rows)?))
        })
        .await?
}

/// An account by id, local username, or `username@domain`.
pub(crate) fn find_account(
    conn: &mut DbConnection,
    text: &str,
) -> Result<Option<Account>, DbError> {
    use diesel::prelude::*;
    let text = text.trim().trim_start_matches('@');
    if let Ok(id) = text.parse::<i64>() {
        return Ok(accounts::table
            .find(id)
            .select(Account::as_select())
            .first(conn)
            .optional()?);
    }
    match text.split_once('@') {
        Some((name, domain)) => Ok(accounts::table
            .filter(accounts::username.eq(name))
            .filter(accounts::domain.eq(domain))
            .select(Account::as_select())
            .first(conn)
            .optional()?),
        None => Ok(User::find_by_username(conn, text)?.map(|(_, account)| account)),
    }
}

/// A revision with its editor and the fields it changed.
#[derive(Clone, Debug)]
pub struct RevisionView {
    /// The snapshot.
    pub revision: ArticleRevision,
    /// Who made it.
    pub editor: AccountView,
    /// Fields that differ from the previous revision (`title`, `summary`, `body`); all
    /// three for the first one.
    pub changed: Vec<&'static str>,
}

/// Every revision of an article the viewer may read, newest first.
pub async fn revisions(
    state: &AppState,
    viewer: &Account,
    id: i64,
) -> Result<Vec<RevisionView>, ServiceError> {
    let viewer_id = viewer.id;
    state
        .db()
        .read(move |conn| {
            let role = role_of(conn, viewer_id)?;
            if let Err(e) = visible(conn, Some((viewer_id, role)), id)? {
                return Ok(Err(e));
            }
            let revisions = ArticleRevision::of_article(conn, id)?;
            let editors: Vec<i64> = revisions.iter().map(|r| r.editor_id).collect();
            let editors = hydrate::accounts_by_id(conn, &editors)?;
            let mut out: Vec<RevisionView> = Vec::with_capacity(revisions.len());
            let mut previous: Option<&ArticleRevision> = None;
            for revision in &revisions {
                let changed = match previous {
                    None => vec!["title", "summary", "body"],
                    Some(p) => [
                        ("title", p.title != revision.title),
                        ("summary", p.summary != revision.summary),
                        ("body", p.body_markdown != revision.body_markdown),
                    ]
                    .into_iter()
                    .filter(|(_, differs)| *differs)
                    .map(|(name, _)| name)
                    .collect(),
                };
                previous = Some(revision);
                if let Some(editor) = editors.get(&revision.editor_id) {
                    out.push(RevisionView {
                        revision: revision.clone(),
                        editor: editor.clone(),
                        changed,
                    });
                }
            }
            out.reverse();
            Ok(Ok(out))
        })
        .await?
}
