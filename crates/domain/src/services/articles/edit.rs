//! Changing and deleting articles. Every edit records a revision; a published article's
//! status follows its changes.

use crate::outbound::delivery;
use crate::services::ServiceError;
use crate::services::outbox::publish as commit;
use crate::state::AppState;
use trellis_content::{article_search_text, render_markdown};
use trellis_storage::models::Account;
use trellis_storage::models::article::{Article, ArticleChanges};

use super::create::{category_id, owner_id, record_revision};
use super::permissions::{ensure_flags, ensure_may_edit, role_of};
use super::queries::{views, visible};
use super::{ArticlePatch, ArticleStatus, ArticleView, fields, publish};

/// Applies `patch` to an article as `editor`.
pub async fn edit(
    state: &AppState,
    editor: &Account,
    id: i64,
    patch: ArticlePatch,
) -> Result<ArticleView, ServiceError> {
    let title = patch.title.as_deref().map(fields::title).transpose()?;
    let summary = patch.summary.as_deref().map(fields::summary).transpose()?;
    let body = patch.body.as_deref().map(fields::body).transpose()?;
    let status = patch.status.as_deref().map(fields::status).transpose()?;
    let review_by = patch
        .review_by
        .as_deref()
        .map(fields::review_by)
        .transpose()?;
    let tags = patch.tags.as_deref().map(fields::tags).transpose()?;
    let rendered = body.as_deref().map(|body| {
        let html = render_markdown(body);
        let text = article_search_text(&html);
        (html, text)
    });
    let members_may_write = state.config().articles.members_may_write;
    let editor = editor.clone();
    commit(state, move |conn, state| {
        let role = role_of(conn, editor.id)?;
        let current = match visible(conn, Some((editor.id, role)), id)? {
            Ok(article) => article,
            Err(e) => return Ok(Err(e)),
        };
        let official = patch.official.unwrap_or(current.official);
        let must_read = patch.must_read.unwrap_or(current.must_read);
        let pinned = patch.pinned.unwrap_or(current.pinned);
        if let Err(e) =
            ensure_may_edit(&current, editor.id, role, members_may_write).and_then(|()| {
                ensure_flags(
                    role,
                    official && !current.official,
                    must_read && !current.must_read,
                    pinned && !current.pinned,
                )
            })
        {
            return Ok(Err(e));
        }
        let was = current.status;
        let status = status.unwrap_or(was);
        if status == ArticleStatus::Draft && was != ArticleStatus::Draft {
            return Ok(Err(ServiceError::invalid(
                "status",
                "cannot go back to draft once published; archive the article instead",
            )));
        }
        let category_id = match &patch.category {
            Some(slug) => match category_id(conn, Some(slug))? {
                Ok(id) => id,
                Err(e) => return Ok(Err(e)),
            },
            None => current.category_id,
        };
        let owner_id = match &patch.owner {
            Some(owner) => match owner_id(conn, &editor, role, Some(owner))? {
                Ok(id) => id,
                Err(e) => return Ok(Err(e)),
            },
            None => current.owner_id,
        };
        let (body_html, body_text) = rendered.unwrap_or_else(|| {
            let text = article_search_text(&current.body_html);
            (current.body_html.clone(), text)
        });
        let now = delivery::now();
        let changes = ArticleChanges {
            title: title.unwrap_or(current.title.clone()),
            summary: summary.unwrap_or(current.summary.clone()),
            body_markdown: body.unwrap_or(current.body_markdown.clone()),
            body_html,
            body_text,
            category_id,
            owner_id,
            status,
            official,
            must_read,
            pinned,
            review_by: review_by.unwrap_or(current.review_by),
            updated_at: now,
            published_at: current
                .published_at
                .or((status != ArticleStatus::Draft).then_some(now)),
        };
        Article::update(conn, id, &changes)?;
        if let Some(tags) = &tags {
            Article::replace_tags(conn, id, tags)?;
        }
        let Some(article) = Article::find(conn, id)? else {
            return Ok(Err(super::queries::not_found(id)));
        };
        record_revision(
            conn,
            state,
            &article,
            editor.id,
            patch.change_note.as_deref().unwrap_or(""),
        )?;
        if status != ArticleStatus::Draft {
            let tags = match tags {
                Some(tags) => tags,
                None => Article::tags_of(conn, &[id])?
                    .into_iter()
                    .map(|(_, t)| t)
                    .collect(),
            };
            publish::refresh(conn, state, &article, &tags)?;
        }
        let article = Article::find(conn, id)?.unwrap_or(article);
        Ok(views(conn, vec![article])?
            .pop()
            .ok_or_else(|| ServiceError::Internal("article author vanished".into())))
    })
    .await?
}

/// Deletes an article: its status is withdrawn and a Tombstone stays for its id.
pub async fn delete(state: &AppState, actor: &Account, id: i64) -> Result<(), ServiceError> {
    let members_may_write = state.config().articles.members_may_write;
    let actor = actor.clone();
    commit(state, move |conn, state| {
        let role = role_of(conn, actor.id)?;
        let article = match visible(conn, Some((actor.id, role)), id)? {
            Ok(article) => article,
            Err(e) => return Ok(Err(e)),
        };
        if let Err(e) = ensure_may_edit(&article, actor.id, role, members_may_write) {
            return Ok(Err(e));
        }
        Article::delete(conn, article.id)?;
        publish::withdraw(conn, state, &article)?;
        Ok(Ok(()))
    })
    .await?
}
