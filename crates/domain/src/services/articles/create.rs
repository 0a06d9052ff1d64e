//! Writing a new article (and publishing it at once when asked).

use crate::outbound::delivery;
use crate::services::ServiceError;
use crate::services::accounts::Role;
use crate::services::outbox::publish as commit;
use crate::state::AppState;
use trellis_content::{article_search_text, render_markdown};
use trellis_storage::models::Account;
use trellis_storage::models::article::{Article, NewArticle};
use trellis_storage::models::article_category::ArticleCategory;
use trellis_storage::models::article_revision::ArticleRevision;
use trellis_storage::{DbConnection, DbError};

use super::permissions::{ensure_flags, ensure_may_write, is_editor, role_of};
use super::queries::{find_account, views};
use super::{ArticleInput, ArticleStatus, ArticleView, fields, publish};

/// Creates an article written by `author`; a published one gets its status at once.
pub async fn create(
    state: &AppState,
    author: &Account,
    input: ArticleInput,
) -> Result<ArticleView, ServiceError> {
    let title = fields::title(&input.title)?;
    let summary = fields::summary(&input.summary)?;
    let body = fields::body(&input.body)?;
    let status = match input.status.as_deref() {
        None => ArticleStatus::Draft,
        Some(text) => fields::status(text)?,
    };
    let review_by = fields::review_by(input.review_by.as_deref().unwrap_or(""))?;
    let tags = fields::tags(&input.tags)?;
    let slug = match input.slug.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => Some(fields::slug("slug", text)?),
        None => None,
    };
    let body_html = render_markdown(&body);
    let body_text = article_search_text(&body_html);
    let members_may_write = state.config().articles.members_may_write;
    let author = author.clone();
    commit(state, move |conn, state| {
        let role = role_of(conn, author.id)?;
        if let Err(e) = ensure_may_write(role, members_may_write)
            .and_then(|()| ensure_flags(role, input.official, input.must_read, input.pinned))
        {
            return Ok(Err(e));
        }
        let category_id = match category_id(conn, input.category.as_deref())? {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let owner_id = match owner_id(conn, &author, role, input.owner.as_deref())? {
            Ok(id) => id,
            Err(e) => return Ok(Err(e)),
        };
        let slug = match slug {
            Some(slug) if Article::slug_taken(conn, &slug)? => {
                return Ok(Err(ServiceError::invalid("slug", "is already taken")));
            }
            Some(slug) => slug,
            None => free_slug(conn, &fields::slugify(&title))?,
        };
        let now = delivery::now();
        let new = NewArticle {
            id: state.ids().next_id(),
            slug,
            title,
            summary,
            body_markdown: body,
            body_html,
            body_text,
            category_id,
            author_id: author.id,
            owner_id,
            status,
            official: input.official,
            must_read: input.must_read,
            pinned: input.pinned,
            review_by,
            created_at: now,
            updated_at: now,
            published_at: (status != ArticleStatus::Draft).then_some(now),
            local_only: input.department_only,
        };
        let mut article = Article::insert(conn, &new, &tags)?;
        record_revision(
            conn,
            state,
            &article,
            author.id,
            input.change_note.as_deref().unwrap_or(""),
        )?;
        if status != ArticleStatus::Draft {
            let post = publish::announce(conn, state, &article, &tags)?;
            article.post_id = Some(post.id);
        }
        Ok(Ok(views(conn, vec![article])?.pop()))
    })
    .await??
    .ok_or_else(|| ServiceError::Internal("article vanished after insert".into()))
}

/// The id of a category given by slug (`None` or empty: no category); 422 when unknown.
pub fn category_id(
    conn: &mut DbConnection,
    slug: Option<&str>,
) -> Result<Result<Option<i64>, ServiceError>, DbError> {
    let Some(slug) = slug.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Ok(None));
    };
    Ok(match ArticleCategory::find_by_slug(conn, slug)? {
        Some(category) => Ok(Some(category.id)),
        None => Err(ServiceError::invalid(
            "category",
            format!("{slug:?} is not a known category"),
        )),
    })
}

/// The owner named by `owner` (default: the writer). Only editors and admins give articles
/// to someone else.
pub fn owner_id(
    conn: &mut DbConnection,
    writer: &Account,
    role: Role,
    owner: Option<&str>,
) -> Result<Result<i64, ServiceError>, DbError> {
    let Some(text) = owner.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Ok(writer.id));
    };
    let Some(account) = find_account(conn, text)?.filter(Account::is_local) else {
        return Ok(Err(ServiceError::invalid(
            "owner",
            format!("{text:?} is not a local account"),
        )));
    };
    if account.id != writer.id && !is_editor(role) {
        return Ok(Err(ServiceError::Forbidden(
            "Only editors and admins may make someone else an article's owner".into(),
        )));
    }
    Ok(Ok(account.id))
}

/// `base`, or `base-2`, `base-3`, ... whichever is free.
fn free_slug(conn: &mut DbConnection, base: &str) -> Result<String, DbError> {
    if !Article::slug_taken(conn, base)? {
        return Ok(base.to_string());
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base}-{n}");
        if !Article::slug_taken(conn, &candidate)? {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// Records a snapshot of the article as it now stands.
pub(crate) fn record_revision(
    conn: &mut DbConnection,
    state: &AppState,
    article: &Article,
    editor_id: i64,
    change_note: &str,
) -> Result<(), DbError> {
    ArticleRevision::insert(
        conn,
        &ArticleRevision {
            id: state.ids().next_id(),
            article_id: article.id,
            editor_id,
            title: article.title.clone(),
            summary: article.summary.clone(),
            body_markdown: article.body_markdown.clone(),
            change_note: change_note.trim().to_string(),
            created_at: delivery::now(),
        },
    )
}
