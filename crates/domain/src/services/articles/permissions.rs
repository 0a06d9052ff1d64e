//! Who may do what with articles. Editors and admins publish official, must-read and pinned
//! articles, edit any article and manage categories; members write and edit their own
//! articles when the instance allows it (`articles.members_may_write`).

use diesel::prelude::*;

use crate::services::ServiceError;
use crate::services::accounts::Role;
use trellis_storage::models::article::{Article, ArticleStatus};
use trellis_storage::schema::users;
use trellis_storage::{DbConnection, DbError};

/// The role of an account (accounts without a local user, or with an unknown role, are
/// members).
pub(crate) fn role_of(conn: &mut DbConnection, account_id: i64) -> Result<Role, DbError> {
    let role: Option<String> = users::table
        .find(account_id)
        .select(users::role)
        .first(conn)
        .optional()?;
    Ok(role.and_then(|r| r.parse().ok()).unwrap_or(Role::Member))
}

/// True for editors and admins.
pub(crate) fn is_editor(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Editor)
}

/// True when the account wrote or owns the article.
pub(crate) fn is_own(article: &Article, account_id: i64) -> bool {
    article.author_id == account_id || article.owner_id == account_id
}

/// Drafts are seen by their author, their owner, editors and admins; the rest by everyone.
pub(crate) fn may_read(article: &Article, viewer: Option<(i64, Role)>) -> bool {
    if article.status != ArticleStatus::Draft {
        return true;
    }
    viewer.is_some_and(|(id, role)| is_editor(role) || is_own(article, id))
}

/// Members may write only where the instance allows it.
pub(crate) fn ensure_may_write(role: Role, members_may_write: bool) -> Result<(), ServiceError> {
    if is_editor(role) || members_may_write {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "Only editors and admins may write articles on this instance".into(),
        ))
    }
}

/// Members may change only their own, unofficial articles.
pub(crate) fn ensure_may_edit(
    article: &Article,
    account_id: i64,
    role: Role,
    members_may_write: bool,
) -> Result<(), ServiceError> {
    if is_editor(role) {
        return Ok(());
    }
    ensure_may_write(role, members_may_write)?;
    if !is_own(article, account_id) {
        return Err(ServiceError::Forbidden(
            "Members may only change their own articles".into(),
        ));
    }
    if article.official {
        return Err(ServiceError::Forbidden(
            "Only editors and admins may change official articles".into(),
        ));
    }
    Ok(())
}

/// Official, must-read and pinned articles are for editors and admins.
pub(crate) fn ensure_flags(
    role: Role,
    official: bool,
    must_read: bool,
    pinned: bool,
) -> Result<(), ServiceError> {
    if is_editor(role) {
        return Ok(());
    }
    let flag = if official {
        "official"
    } else if must_read {
        "must-read"
    } else if pinned {
        "pinned"
    } else {
        return Ok(());
    };
    Err(ServiceError::Forbidden(format!(
        "Only editors and admins may publish {flag} articles"
    )))
}

/// Categories are managed by editors and admins.
pub(crate) fn ensure_may_manage_categories(role: Role) -> Result<(), ServiceError> {
    if is_editor(role) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "Only editors and admins may manage categories".into(),
        ))
    }
}

/// Who acknowledged an article is shown to its author, its owner, editors and admins.
pub(crate) fn ensure_may_see_acknowledgements(
    article: &Article,
    account_id: i64,
    role: Role,
) -> Result<(), ServiceError> {
    if is_editor(role) || is_own(article, account_id) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "Only the article's author, its owner, editors and admins see acknowledgements".into(),
        ))
    }
}
