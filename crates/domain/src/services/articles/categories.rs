//! The instance-defined taxonomy of articles; editors and admins manage it.

use crate::outbound::delivery;
use crate::services::outbox::publish as commit;
use crate::services::{ServiceError, keys};
use crate::state::AppState;
use trellis_storage::models::Account;
use trellis_storage::models::article::Article;
use trellis_storage::models::article_category::ArticleCategory;

use super::permissions::{ensure_may_manage_categories, role_of};
use super::{channels, fields};

/// Longest category name, in characters.
pub const MAX_NAME: usize = 100;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 2000;

/// Every category, by name.
pub async fn all(state: &AppState) -> Result<Vec<ArticleCategory>, ServiceError> {
    Ok(state.db().read(ArticleCategory::all).await?)
}

/// One category by slug.
pub async fn get(state: &AppState, slug: &str) -> Result<ArticleCategory, ServiceError> {
    let key = slug.to_string();
    state
        .db()
        .read(move |conn| ArticleCategory::find_by_slug(conn, &key))
        .await?
        .ok_or_else(|| not_found(slug))
}

fn not_found(slug: &str) -> ServiceError {
    ServiceError::NotFound(format!("no category {slug:?}"))
}

fn name(text: &str) -> Result<String, ServiceError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ServiceError::invalid("name", "can't be blank"));
    }
    if text.chars().count() > MAX_NAME {
        return Err(ServiceError::invalid(
            "name",
            format!("is longer than {MAX_NAME} characters"),
        ));
    }
    Ok(text.to_string())
}

fn description(text: &str) -> Result<String, ServiceError> {
    let text = text.trim();
    if text.chars().count() > MAX_DESCRIPTION {
        return Err(ServiceError::invalid(
            "description",
            format!("is longer than {MAX_DESCRIPTION} characters"),
        ));
    }
    Ok(text.to_string())
}

/// Creates a category and its channel; the slug is derived from the name when absent.
pub async fn create(
    state: &AppState,
    actor: &Account,
    slug: Option<String>,
    name_text: &str,
    description_text: &str,
) -> Result<ArticleCategory, ServiceError> {
    let name = name(name_text)?;
    let description = description(description_text)?;
    let slug = match slug.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => fields::slug("slug", text)?,
        None => fields::slugify(&name),
    };
    let actor_id = actor.id;
    let keypair = keys::generate(state).await?;
    commit(state, move |conn, state| {
        let role = role_of(conn, actor_id)?;
        if let Err(e) = ensure_may_manage_categories(role) {
            return Ok(Err(e));
        }
        if ArticleCategory::find_by_slug(conn, &slug)?.is_some() {
            return Ok(Err(ServiceError::invalid("slug", "is already taken")));
        }
        if let Err(e) = channels::name_available(conn, state, &slug)? {
            return Ok(Err(e));
        }
        let category = ArticleCategory {
            id: state.ids().next_id(),
            slug,
            name,
            description,
            created_at: delivery::now(),
            channel_account_id: None,
        };
        ArticleCategory::insert(conn, &category)?;
        let channel = channels::open_for_category(conn, state, &category, keypair)?;
        Ok(Ok(ArticleCategory {
            channel_account_id: Some(channel.id),
            ..category
        }))
    })
    .await?
}

/// Renames or redescribes a category (the slug stays).
pub async fn update(
    state: &AppState,
    actor: &Account,
    slug: &str,
    new_name: Option<&str>,
    new_description: Option<&str>,
) -> Result<ArticleCategory, ServiceError> {
    let new_name = new_name.map(name).transpose()?;
    let new_description = new_description.map(description).transpose()?;
    let actor_id = actor.id;
    let key = slug.to_string();
    commit(state, move |conn, state| {
        let role = role_of(conn, actor_id)?;
        if let Err(e) = ensure_may_manage_categories(role) {
            return Ok(Err(e));
        }
        let Some(mut category) = ArticleCategory::find_by_slug(conn, &key)? else {
            return Ok(Err(not_found(&key)));
        };
        if let Some(name) = new_name {
            category.name = name;
        }
        if let Some(description) = new_description {
            category.description = description;
        }
        ArticleCategory::update(conn, category.id, &category.name, &category.description)?;
        channels::category_changed(conn, state, &category)?;
        Ok(Ok(category))
    })
    .await?
}

/// Deletes an empty category (its channel's followers are told); 409 while articles are
/// filed under it.
pub async fn delete(state: &AppState, actor: &Account, slug: &str) -> Result<(), ServiceError> {
    let actor_id = actor.id;
    let key = slug.to_string();
    commit(state, move |conn, state| {
        let role = role_of(conn, actor_id)?;
        if let Err(e) = ensure_may_manage_categories(role) {
            return Ok(Err(e));
        }
        let Some(category) = ArticleCategory::find_by_slug(conn, &key)? else {
            return Ok(Err(not_found(&key)));
        };
        let used = Article::count_in_category(conn, category.id)?;
        if used > 0 {
            return Ok(Err(ServiceError::Conflict(format!(
                "category {key:?} still holds {used} article(s); move them first"
            ))));
        }
        channels::close(conn, state, &category)?;
        ArticleCategory::delete(conn, category.id)?;
        Ok(Ok(()))
    })
    .await?
}
