//! Must-read acknowledgements: a reader confirms having read an article; its author, owner,
//! editors and admins see who did, and the share per instance and per department.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use diesel::prelude::*;

use crate::outbound::activities::read;
use crate::outbound::delivery;
use crate::services::ServiceError;
use crate::services::hydrate::{self, AccountView};
use crate::services::outbox::publish as commit;
use crate::state::AppState;
use trellis_storage::models::article::{Article, ArticleStatus};
use trellis_storage::models::article_revision::Acknowledgement;
use trellis_storage::models::{Account, Post};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::permissions::{ensure_may_see_acknowledgements, role_of};
use super::queries::visible;

/// The must-read articles `reader` has yet to acknowledge, newest first (at most 100): what
/// Mastodon apps show as announcements.
pub async fn pending(state: &AppState, reader: &Account) -> Result<Vec<Article>, ServiceError> {
    let reader = reader.id;
    Ok(state
        .db()
        .read(move |conn| Acknowledgement::pending_for(conn, reader, 100))
        .await?)
}

/// Records that `reader` acknowledged a must-read article (idempotent); returns when.
pub async fn acknowledge(
    state: &AppState,
    reader: &Account,
    id: i64,
) -> Result<NaiveDateTime, ServiceError> {
    let reader = reader.clone();
    commit(state, move |conn, state| {
        let role = role_of(conn, reader.id)?;
        let article = match visible(conn, Some((reader.id, role)), id)? {
            Ok(article) => article,
            Err(e) => return Ok(Err(e)),
        };
        // A remote article is never stored as must-read (its instance is not trusted to ask
        // for acknowledgements here); its reader may still acknowledge it, and its own instance
        // counts the Read only when its article is must-read there.
        let remote = accounts::table
            .find(article.author_id)
            .select(accounts::domain)
            .first::<Option<String>>(conn)?
            .is_some();
        if !article.must_read && !remote {
            return Ok(Err(ServiceError::invalid(
                "article",
                "is not a must-read article; only must-read articles are acknowledged",
            )));
        }
        if article.status == ArticleStatus::Draft {
            return Ok(Err(ServiceError::invalid(
                "article",
                "is a draft; only published articles are acknowledged",
            )));
        }
        let first = Acknowledgement::find(conn, article.id, reader.id)?.is_none();
        let stored = Acknowledgement::insert_or_get(
            conn,
            &Acknowledgement {
                article_id: article.id,
                account_id: reader.id,
                created_at: delivery::now(),
                uri: None,
            },
        )?;
        if first {
            tell_origin(conn, state, &reader, &article)?;
        }
        Ok(Ok(stored.created_at))
    })
    .await?
}

/// Sends a `Read` of an article from another instance to its author, so that the origin
/// counts the acknowledgement.
fn tell_origin(
    conn: &mut DbConnection,
    state: &AppState,
    reader: &Account,
    article: &Article,
) -> Result<(), DbError> {
    let author: Account = accounts::table
        .find(article.author_id)
        .select(Account::as_select())
        .first(conn)?;
    if author.is_local() {
        return Ok(());
    }
    let Some(post) = article
        .post_id
        .map(|id| Post::find(conn, id))
        .transpose()?
        .flatten()
    else {
        return Ok(());
    };
    let activity = read::build(
        &state.urls().new_activity(),
        &reader.uri,
        &post.uri,
        &author.uri,
    );
    delivery::enqueue(conn, state, reader.id, &activity, [author.inbox_url])?;
    Ok(())
}

/// Who acknowledged an article, and the counts per group.
#[derive(Clone, Debug)]
pub struct AcknowledgementReport {
    /// Readers and when they acknowledged, oldest first.
    pub readers: Vec<(AccountView, NaiveDateTime)>,
    /// Count per instance domain (local readers count under this instance's domain).
    pub by_domain: BTreeMap<String, i64>,
    /// Count per department (`None`: no department on the profile).
    pub by_department: BTreeMap<Option<String>, i64>,
}

/// The acknowledgements of an article, for its author, owner, editors and admins.
pub async fn report(
    state: &AppState,
    viewer: &Account,
    id: i64,
) -> Result<AcknowledgementReport, ServiceError> {
    let viewer_id = viewer.id;
    let local_domain = state.urls().domain().to_string();
    state
        .db()
        .read(move |conn| {
            let role = role_of(conn, viewer_id)?;
            let article = match visible(conn, Some((viewer_id, role)), id)? {
                Ok(article) => article,
                Err(e) => return Ok(Err(e)),
            };
            if let Err(e) = ensure_may_see_acknowledgements(&article, viewer_id, role) {
                return Ok(Err(e));
            }
            let rows = Acknowledgement::of_article(conn, id)?;
            let mut by_domain = BTreeMap::new();
            let mut by_department = BTreeMap::new();
            for (_, account) in &rows {
                let domain = account.domain.clone().unwrap_or(local_domain.clone());
                *by_domain.entry(domain).or_insert(0) += 1;
                let department = account.department.clone().filter(|d| !d.trim().is_empty());
                *by_department.entry(department).or_insert(0) += 1;
            }
            let ids: Vec<i64> = rows.iter().map(|(_, a)| a.id).collect();
            let views = hydrate::accounts_by_id(conn, &ids)?;
            let readers = rows
                .iter()
                .filter_map(|(ack, account)| {
                    views.get(&account.id).map(|v| (v.clone(), ack.created_at))
                })
                .collect();
            Ok(Ok(AcknowledgementReport {
                readers,
                by_domain,
                by_department,
            }))
        })
        .await?
}
