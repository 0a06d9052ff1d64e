//! Keyword filters (Mastodon's v2 filters): a person's filters, their keywords and statuses,
//! and where they apply (`filter_matching.rs` decides which posts a filter matches, `apply.rs`
//! drops or marks them in what a reader is shown).

mod apply;

pub use super::filter_matching::{ActiveFilters, FilterContext, FilterMatch, contexts_of};
pub(crate) use apply::load;
pub use apply::{apply_to_notifications, apply_to_page, apply_to_statuses, loaded_for};

use chrono::NaiveDateTime;
use diesel::Connection;

use crate::outbound::delivery;
use crate::state::AppState;
use trellis_storage::models::filter::{
    Filter, FilterAction, FilterKeyword, FilterStatus, FilterWithRules,
};

use super::ServiceError;
use super::timelines::visible_post;

/// Longest filter title and keyword, in characters.
pub const MAX_TEXT: usize = 256;
/// Most filters one person keeps.
pub const MAX_FILTERS: usize = 100;
/// Most keywords one filter holds.
pub const MAX_KEYWORDS: usize = 100;

/// A keyword being added, changed or removed (Mastodon's `keywords_attributes`).
#[derive(Clone, Debug, Default)]
pub struct KeywordChange {
    /// The keyword to change or remove; none adds one.
    pub id: Option<i64>,
    /// The word or phrase.
    pub keyword: Option<String>,
    /// Match whole words only.
    pub whole_word: Option<bool>,
    /// Remove the keyword.
    pub destroy: bool,
}

/// Fields of a filter being created or changed (absent fields keep their value).
#[derive(Clone, Debug, Default)]
pub struct FilterChange {
    /// Title.
    pub title: Option<String>,
    /// Context names.
    pub contexts: Option<Vec<String>>,
    /// `warn`, `hide` or `blur`.
    pub action: Option<String>,
    /// Seconds from now until it expires; `Some(None)` removes the expiry.
    pub expires_in: Option<Option<i64>>,
    /// Keywords to add, change or remove.
    pub keywords: Vec<KeywordChange>,
}

fn missing() -> ServiceError {
    ServiceError::NotFound("Record not found".into())
}

fn text(field: &'static str, value: &str) -> Result<String, ServiceError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ServiceError::invalid(field, "can't be blank"));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(ServiceError::invalid(
            field,
            format!("is longer than {MAX_TEXT} characters"),
        ));
    }
    Ok(value.to_string())
}

fn expiry(now: NaiveDateTime, seconds: Option<i64>) -> Result<Option<NaiveDateTime>, ServiceError> {
    match seconds {
        None => Ok(None),
        Some(s) if s <= 0 => Err(ServiceError::invalid("expires_in", "must be positive")),
        Some(s) => Ok(Some(
            now + chrono::Duration::try_seconds(s)
                .ok_or_else(|| ServiceError::invalid("expires_in", "is too large"))?,
        )),
    }
}

/// Applies the filter's own fields of `change` to `filter`.
fn apply_fields(filter: &mut Filter, change: &FilterChange) -> Result<(), ServiceError> {
    if let Some(title) = &change.title {
        filter.title = text("title", title)?;
    }
    if let Some(names) = &change.contexts {
        let mut contexts = Vec::new();
        for name in names {
            let context = FilterContext::parse(name.trim()).ok_or_else(|| {
                ServiceError::invalid(
                    "context",
                    "must be home, notifications, public, thread or account",
                )
            })?;
            if !contexts.contains(&context) {
                contexts.push(context);
            }
        }
        if contexts.is_empty() {
            return Err(ServiceError::invalid("context", "can't be blank"));
        }
        filter.contexts = contexts
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",");
    }
    if let Some(action) = &change.action {
        filter.action = FilterAction::parse(action.trim())
            .ok_or_else(|| ServiceError::invalid("filter_action", "must be warn, hide or blur"))?;
    }
    if let Some(seconds) = change.expires_in {
        filter.expires_at = expiry(delivery::now(), seconds)?;
    }
    Ok(())
}

/// The keyword rows `changes` add and change, and the ids they remove, checked against the
/// filter's current keywords.
struct KeywordPlan {
    insert: Vec<FilterKeyword>,
    update: Vec<FilterKeyword>,
    remove: Vec<i64>,
}

fn plan_keywords(
    state: &AppState,
    filter_id: i64,
    current: &[FilterKeyword],
    changes: Vec<KeywordChange>,
) -> Result<KeywordPlan, ServiceError> {
    let mut plan = KeywordPlan {
        insert: Vec::new(),
        update: Vec::new(),
        remove: Vec::new(),
    };
    for change in changes {
        match change.id {
            Some(id) => {
                let mut row = current
                    .iter()
                    .find(|k| k.id == id)
                    .cloned()
                    .ok_or_else(missing)?;
                if change.destroy {
                    plan.remove.push(id);
                    continue;
                }
                if let Some(keyword) = &change.keyword {
                    row.keyword = text("keyword", keyword)?;
                }
                if let Some(whole_word) = change.whole_word {
                    row.whole_word = whole_word;
                }
                plan.update.push(row);
            }
            None if change.destroy => {}
            None => plan.insert.push(FilterKeyword {
                id: state.ids().next_id(),
                filter_id,
                keyword: text("keyword", change.keyword.as_deref().unwrap_or(""))?,
                whole_word: change.whole_word.unwrap_or(true),
            }),
        }
    }
    if current.len() + plan.insert.len() - plan.remove.len().min(current.len()) > MAX_KEYWORDS {
        return Err(ServiceError::invalid(
            "keywords",
            format!("at most {MAX_KEYWORDS} per filter"),
        ));
    }
    Ok(plan)
}

/// The filters of `owner`, oldest first, expired ones included (as Mastodon lists them).
pub async fn all(state: &AppState, owner: i64) -> Result<Vec<FilterWithRules>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| Filter::all_of(conn, owner, None))
        .await?)
}

/// The filter `id` of `owner` with its rules; another person's filter is reported missing.
pub async fn get(state: &AppState, owner: i64, id: i64) -> Result<FilterWithRules, ServiceError> {
    state
        .db()
        .read(move |conn| Filter::with_rules_owned(conn, id, owner))
        .await?
        .ok_or_else(missing)
}

/// Creates a filter; the title and at least one context are required.
pub async fn create(
    state: &AppState,
    owner: i64,
    change: FilterChange,
) -> Result<FilterWithRules, ServiceError> {
    if change.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(ServiceError::invalid("title", "can't be blank"));
    }
    if change.contexts.as_ref().is_none_or(Vec::is_empty) {
        return Err(ServiceError::invalid("context", "can't be blank"));
    }
    let mut filter = Filter {
        id: state.ids().next_id(),
        account_id: owner,
        title: String::new(),
        contexts: String::new(),
        action: FilterAction::Warn,
        expires_at: None,
        created_at: delivery::now(),
    };
    apply_fields(&mut filter, &change)?;
    let plan = plan_keywords(state, filter.id, &[], change.keywords)?;
    let id = filter.id;
    state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                if Filter::count_of(conn, owner)? >= MAX_FILTERS as i64 {
                    return Ok(false);
                }
                Filter::insert(conn, &filter)?;
                FilterKeyword::insert_all(conn, &plan.insert)?;
                Ok(true)
            })
        })
        .await?
        .then_some(())
        .ok_or_else(|| ServiceError::invalid("filter", format!("at most {MAX_FILTERS} each")))?;
    get(state, owner, id).await
}

/// Changes a filter of `owner`, its keywords included.
pub async fn update(
    state: &AppState,
    owner: i64,
    id: i64,
    change: FilterChange,
) -> Result<FilterWithRules, ServiceError> {
    let current = get(state, owner, id).await?;
    let mut filter = current.filter.clone();
    apply_fields(&mut filter, &change)?;
    let plan = plan_keywords(state, id, &current.keywords, change.keywords)?;
    state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                Filter::update(conn, &filter)?;
                FilterKeyword::delete_of(conn, filter.id, &plan.remove)?;
                for row in &plan.update {
                    FilterKeyword::update(conn, row)?;
                }
                FilterKeyword::insert_all(conn, &plan.insert)
            })
        })
        .await?;
    get(state, owner, id).await
}

/// Deletes a filter of `owner`.
pub async fn delete(state: &AppState, owner: i64, id: i64) -> Result<(), ServiceError> {
    let filter = get(state, owner, id).await?;
    state
        .db()
        .write(move |conn| Filter::delete(conn, filter.filter.id))
        .await?;
    Ok(())
}

/// Adds a keyword to a filter of `owner`.
pub async fn add_keyword(
    state: &AppState,
    owner: i64,
    filter_id: i64,
    keyword: &str,
    whole_word: bool,
) -> Result<FilterKeyword, ServiceError> {
    let current = get(state, owner, filter_id).await?;
    let change = KeywordChange {
        keyword: Some(keyword.to_string()),
        whole_word: Some(whole_word),
        ..KeywordChange::default()
    };
    let plan = plan_keywords(state, filter_id, &current.keywords, vec![change])?;
    let row = plan
        .insert
        .into_iter()
        .next()
        .ok_or_else(|| ServiceError::invalid("keyword", "can't be blank"))?;
    let stored = row.clone();
    state
        .db()
        .write(move |conn| FilterKeyword::insert_all(conn, &[stored]))
        .await?;
    Ok(row)
}

/// The keyword `id` of one of `owner`'s filters.
pub async fn keyword(state: &AppState, owner: i64, id: i64) -> Result<FilterKeyword, ServiceError> {
    state
        .db()
        .read(move |conn| FilterKeyword::find_owned(conn, id, owner))
        .await?
        .ok_or_else(missing)
}

/// Changes the keyword `id` of one of `owner`'s filters.
pub async fn update_keyword(
    state: &AppState,
    owner: i64,
    id: i64,
    word: Option<String>,
    whole_word: Option<bool>,
) -> Result<FilterKeyword, ServiceError> {
    let mut row = keyword(state, owner, id).await?;
    if let Some(word) = word {
        row.keyword = text("keyword", &word)?;
    }
    if let Some(whole_word) = whole_word {
        row.whole_word = whole_word;
    }
    let stored = row.clone();
    state
        .db()
        .write(move |conn| FilterKeyword::update(conn, &stored))
        .await?;
    Ok(row)
}

/// Removes the keyword `id` of one of `owner`'s filters.
pub async fn delete_keyword(state: &AppState, owner: i64, id: i64) -> Result<(), ServiceError> {
    let row = keyword(state, owner, id).await?;
    state
        .db()
        .write(move |conn| FilterKeyword::delete_of(conn, row.filter_id, &[row.id]))
        .await?;
    Ok(())
}

/// Adds a status the reader may see to a filter of `owner`.
pub async fn add_status(
    state: &AppState,
    owner: i64,
    filter_id: i64,
    post_id: i64,
) -> Result<FilterStatus, ServiceError> {
    get(state, owner, filter_id).await?;
    let post = visible_post(state, post_id, Some(owner)).await?;
    let row = FilterStatus {
        id: state.ids().next_id(),
        filter_id,
        post_id: post.reblog_of_id.unwrap_or(post.id),
    };
    Ok(state
        .db()
        .write(move |conn| FilterStatus::insert(conn, &row))
        .await?)
}

/// The status row `id` of one of `owner`'s filters.
pub async fn status(state: &AppState, owner: i64, id: i64) -> Result<FilterStatus, ServiceError> {
    state
        .db()
        .read(move |conn| FilterStatus::find_owned(conn, id, owner))
        .await?
        .ok_or_else(missing)
}

/// Removes the status row `id` of one of `owner`'s filters.
pub async fn delete_status(state: &AppState, owner: i64, id: i64) -> Result<(), ServiceError> {
    let row = status(state, owner, id).await?;
    state
        .db()
        .write(move |conn| FilterStatus::delete(conn, row.id))
        .await?;
    Ok(())
}
