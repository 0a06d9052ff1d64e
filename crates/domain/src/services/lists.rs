//! Lists of accounts and their timelines.

use diesel::prelude::*;

use crate::outbound::delivery;
use crate::state::AppState;
use trellis_storage::models::Post;
use trellis_storage::models::list::List;
use trellis_storage::page::Window;
use trellis_storage::schema::{accounts, follows};

use super::ServiceError;
use super::timelines::{AccountPage, StatusPage, account_page, finish_page};

/// Longest list title, in characters.
pub const MAX_TITLE: usize = 256;

/// The replies policies Mastodon defines.
pub const REPLIES_POLICIES: [&str; 3] = ["followed", "list", "none"];

/// Fields of a list being created or changed (absent fields keep their value).
#[derive(Clone, Debug, Default)]
pub struct ListChange {
    /// New title.
    pub title: Option<String>,
    /// `followed`, `list` or `none`.
    pub replies_policy: Option<String>,
    /// Exclusive flag.
    pub exclusive: Option<bool>,
}

fn missing() -> ServiceError {
    ServiceError::NotFound("Record not found".into())
}

/// The lists of `owner`, oldest first.
pub async fn all(state: &AppState, owner: i64) -> Result<Vec<List>, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| List::all_of(conn, owner))
        .await?)
}

/// The list `id` of `owner`; another person's list is reported missing.
pub async fn get(state: &AppState, owner: i64, id: i64) -> Result<List, ServiceError> {
    state
        .db()
        .read(move |conn| List::find_owned(conn, id, owner))
        .await?
        .ok_or_else(missing)
}

fn apply(list: &mut List, change: ListChange) -> Result<(), ServiceError> {
    if let Some(title) = change.title {
        let title = title.trim().to_string();
        if title.is_empty() {
            return Err(ServiceError::invalid("title", "can't be blank"));
        }
        if title.chars().count() > MAX_TITLE {
            return Err(ServiceError::invalid(
                "title",
                format!("is longer than {MAX_TITLE} characters"),
            ));
        }
        list.title = title;
    }
    if let Some(policy) = change.replies_policy {
        if !REPLIES_POLICIES.contains(&policy.as_str()) {
            return Err(ServiceError::invalid(
                "replies_policy",
                "must be followed, list or none",
            ));
        }
        list.replies_policy = policy;
    }
    if let Some(exclusive) = change.exclusive {
        list.exclusive = exclusive;
    }
    Ok(())
}

/// Creates a list; the title is required.
pub async fn create(
    state: &AppState,
    owner: i64,
    change: ListChange,
) -> Result<List, ServiceError> {
    if change.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(ServiceError::invalid("title", "can't be blank"));
    }
    let mut list = List {
        id: state.ids().next_id(),
        account_id: owner,
        title: String::new(),
        replies_policy: "list".into(),
        exclusive: false,
        created_at: delivery::now(),
    };
    apply(&mut list, change)?;
    let row = list.clone();
    state
        .db()
        .write(move |conn| List::insert(conn, &row))
        .await?;
    Ok(list)
}

/// Changes a list of `owner`.
pub async fn update(
    state: &AppState,
    owner: i64,
    id: i64,
    change: ListChange,
) -> Result<List, ServiceError> {
    let mut list = get(state, owner, id).await?;
    apply(&mut list, change)?;
    let row = list.clone();
    state
        .db()
        .write(move |conn| List::update(conn, &row))
        .await?;
    Ok(list)
}

/// Deletes a list of `owner`.
pub async fn delete(state: &AppState, owner: i64, id: i64) -> Result<(), ServiceError> {
    let list = get(state, owner, id).await?;
    state
        .db()
        .write(move |conn| List::delete(conn, list.id))
        .await?;
    Ok(())
}

/// A page of the members of a list of `owner`, keyed by account id.
pub async fn members(
    state: &AppState,
    owner: i64,
    id: i64,
    window: Window,
) -> Result<AccountPage, ServiceError> {
    let list = get(state, owner, id).await?;
    Ok(state
        .db()
        .read(move |conn| {
            let rows = List::members_page(conn, list.id, window)?
                .into_iter()
                .map(|a| (a.id, a))
                .collect();
            account_page(conn, rows)
        })
        .await?)
}

/// Adds accounts to a list of `owner`. Unknown accounts are missing (404); only accounts the
/// owner follows may be added (422 otherwise), as Mastodon requires.
pub async fn add_members(
    state: &AppState,
    owner: i64,
    id: i64,
    account_ids: Vec<i64>,
) -> Result<(), ServiceError> {
    let list = get(state, owner, id).await?;
    if account_ids.is_empty() {
        return Err(ServiceError::invalid("account_ids", "can't be blank"));
    }
    state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let known: Vec<i64> = accounts::table
                    .filter(accounts::id.eq_any(&account_ids))
                    .select(accounts::id)
                    .load(conn)?;
                if let Some(unknown) = account_ids.iter().find(|id| !known.contains(id)) {
                    return Ok(Err(ServiceError::NotFound(format!("no account {unknown}"))));
                }
                let followed: Vec<i64> = follows::table
                    .filter(follows::account_id.eq(owner))
                    .filter(follows::accepted.eq(true))
                    .filter(follows::target_account_id.eq_any(&account_ids))
                    .select(follows::target_account_id)
                    .load(conn)?;
                if account_ids.iter().any(|id| !followed.contains(id)) {
                    return Ok(Err(ServiceError::invalid(
                        "account_ids",
                        "must be accounts you follow",
                    )));
                }
                List::add_members(conn, list.id, &account_ids)?;
                Ok(Ok(()))
            })
        })
        .await?
}

/// Removes accounts from a list of `owner`.
pub async fn remove_members(
    state: &AppState,
    owner: i64,
    id: i64,
    account_ids: Vec<i64>,
) -> Result<(), ServiceError> {
    let list = get(state, owner, id).await?;
    state
        .db()
        .write(move |conn| List::remove_members(conn, list.id, &account_ids))
        .await?;
    Ok(())
}

/// A page of a list's timeline: posts and boosts by its members that `owner` may see,
/// without authors the owner blocks or mutes.
pub async fn timeline(
    state: &AppState,
    owner: i64,
    id: i64,
    window: Window,
) -> Result<StatusPage, ServiceError> {
    let list = get(state, owner, id).await?;
    Ok(state
        .db()
        .read(move |conn| {
            let hidden = Post::hidden_authors_for(conn, owner)?;
            let rows =
                Post::list_page(conn, list.id, owner, &list.replies_policy, &hidden, window)?;
            let cursors = rows.iter().map(|p| p.id).collect();
            finish_page(conn, rows, cursors, Some(owner), &hidden)
        })
        .await?)
}
