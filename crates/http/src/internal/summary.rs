//! Compact JSON views of posts for the internal interface, loaded without N+1 queries.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use trellis_storage::models::{Account, Post};
use trellis_storage::schema::{accounts, posts};
use trellis_storage::{DbConnection, DbError};

/// A post as the internal interface shows it.
#[derive(Debug, Serialize)]
pub(super) struct PostSummary {
    /// Local row id.
    pub id: String,
    /// ActivityPub id.
    pub uri: String,
    /// Author's actor id.
    pub author: String,
    /// HTML.
    pub content: String,
    /// Content warning.
    pub summary: String,
    /// public, unlisted, private, direct.
    pub visibility: String,
    /// Parent id URL.
    pub in_reply_to: Option<String>,
    /// Boosted post's id URL, for boosts.
    pub reblog_of: Option<String>,
    /// Replies known here.
    pub replies_count: i64,
    /// Likes known here.
    pub favourites_count: i64,
    /// Boosts known here.
    pub reblogs_count: i64,
    /// Edited at least once.
    pub edited: bool,
    /// Written on this instance.
    pub local: bool,
}

/// Summaries of `rows`, in order.
pub(super) fn summaries(
    conn: &mut DbConnection,
    rows: &[Post],
) -> Result<Vec<PostSummary>, DbError> {
    let boosted_ids: Vec<i64> = rows.iter().filter_map(|p| p.reblog_of_id).collect();
    let boosted: HashMap<i64, String> = posts::table
        .filter(posts::id.eq_any(&boosted_ids))
        .select((posts::id, posts::uri))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let author_ids: Vec<i64> = rows.iter().map(|p| p.account_id).collect();
    let authors: HashMap<i64, String> = accounts::table
        .filter(accounts::id.eq_any(&author_ids))
        .select(Account::as_select())
        .load::<Account>(conn)?
        .into_iter()
        .map(|a| (a.id, a.uri))
        .collect();
    Ok(rows
        .iter()
        .map(|p| PostSummary {
            id: p.id.to_string(),
            uri: p.uri.clone(),
            author: authors.get(&p.account_id).cloned().unwrap_or_default(),
            content: p.content.clone(),
            summary: p.summary.clone(),
            visibility: p.visibility.as_str().into(),
            in_reply_to: p.in_reply_to_uri.clone(),
            reblog_of: p.reblog_of_id.and_then(|id| boosted.get(&id).cloned()),
            replies_count: p.replies_count,
            favourites_count: p.favourites_count,
            reblogs_count: p.reblogs_count,
            edited: p.edited_at.is_some(),
            local: p.local,
        })
        .collect())
}
