//! JSON of articles, revisions, acknowledgements and categories.

use serde::Serialize;

use super::{DEPARTMENT, PUBLIC};
use crate::api::entities::{AccountEntity, datetime};
use trellis_domain::services::articles::acknowledgements::AcknowledgementReport;
use trellis_domain::services::articles::queries::RevisionView;
use trellis_domain::services::articles::{ArticleView, channels};
use trellis_domain::state::AppState;
use trellis_storage::models::article_category::ArticleCategory;

/// A category.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CategoryEntity {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
    /// The channel people follow to get the category's articles, once it exists.
    pub channel: Option<ChannelEntity>,
}

/// A category's channel: the Group actor to follow.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ChannelEntity {
    /// `NAME@DOMAIN`, what apps search for.
    pub acct: String,
    /// The actor's ActivityPub id.
    pub uri: String,
}

impl CategoryEntity {
    /// The entity of a category row.
    pub(crate) fn new(state: &AppState, category: &ArticleCategory) -> Self {
        let channel = category.channel_account_id.map(|_| {
            let username = channels::username_for(&category.slug);
            ChannelEntity {
                acct: format!("{username}@{}", state.urls().domain()),
                uri: state.urls().user(&username),
            }
        });
        Self {
            id: category.id.to_string(),
            slug: category.slug.clone(),
            name: category.name.clone(),
            description: category.description.clone(),
            created_at: datetime(category.created_at),
            channel,
        }
    }
}

/// An article.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ArticleEntity {
    pub id: String,
    pub slug: String,
    /// The web page.
    pub url: String,
    /// The ActivityPub id.
    pub uri: String,
    pub title: String,
    pub summary: String,
    /// Markdown as written.
    pub body: String,
    /// Rendered, sanitized HTML.
    pub body_html: String,
    pub status: String,
    /// `department` for a department-only article, else `public`.
    pub visibility: &'static str,
    pub official: bool,
    pub must_read: bool,
    pub pinned: bool,
    pub category: Option<CategoryEntity>,
    pub tags: Vec<String>,
    pub author: AccountEntity,
    pub owner: AccountEntity,
    pub review_by: Option<String>,
    /// The review date has passed.
    pub stale: bool,
    /// The status that carries the article (its replies are the discussion).
    pub status_id: Option<String>,
    /// Received from another instance.
    pub remote: bool,
    /// Comments (direct replies to its status) in total and per instance domain.
    pub comments: CommentsEntity,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
}

impl ArticleEntity {
    /// The entity of an article view.
    pub(crate) fn new(state: &AppState, view: &ArticleView, today: chrono::NaiveDate) -> Self {
        let article = &view.article;
        Self {
            id: article.id.to_string(),
            slug: article.slug.clone(),
            url: match &view.origin {
                Some((uri, url)) => url.clone().unwrap_or_else(|| uri.clone()),
                None => state.urls().article_page(&article.slug),
            },
            uri: match &view.origin {
                Some((uri, _)) => uri.clone(),
                None => state.urls().article(article.id),
            },
            title: article.title.clone(),
            summary: article.summary.clone(),
            body: article.body_markdown.clone(),
            body_html: article.body_html.clone(),
            status: article.status.as_str().into(),
            visibility: if article.local_only {
                DEPARTMENT
            } else {
                PUBLIC
            },
            // Only local articles speak for the organisation (see objects::article::store_remote).
            official: article.official && view.origin.is_none(),
            must_read: article.must_read && view.origin.is_none(),
            pinned: article.pinned,
            category: view
                .category
                .as_ref()
                .map(|c| CategoryEntity::new(state, c)),
            tags: view.tags.clone(),
            author: AccountEntity::new(state, &view.author),
            owner: AccountEntity::new(state, &view.owner),
            review_by: article.review_by.map(|d| d.format("%Y-%m-%d").to_string()),
            stale: view.stale(today),
            status_id: article.post_id.map(|id| id.to_string()),
            remote: view.origin.is_some(),
            comments: CommentsEntity::new(state, &view.comments),
            created_at: datetime(article.created_at),
            updated_at: datetime(article.updated_at),
            published_at: article.published_at.map(datetime),
        }
    }
}

/// How many comments an article has, and from which instances.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CommentsEntity {
    pub total: i64,
    /// Count per instance domain (this instance's domain for local comments).
    pub by_domain: std::collections::BTreeMap<String, i64>,
}

impl CommentsEntity {
    /// The entity of the per-domain counts of an article view.
    pub(crate) fn new(state: &AppState, counts: &[(Option<String>, i64)]) -> Self {
        let mut by_domain = std::collections::BTreeMap::new();
        for (domain, count) in counts {
            let domain = domain
                .clone()
                .unwrap_or_else(|| state.urls().domain().to_string());
            *by_domain.entry(domain).or_insert(0) += count;
        }
        Self {
            total: by_domain.values().sum(),
            by_domain,
        }
    }
}

/// A revision: who changed what, and when.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RevisionEntity {
    pub id: String,
    pub editor: AccountEntity,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub change_note: String,
    /// Fields changed since the previous revision.
    pub changed: Vec<&'static str>,
    pub created_at: String,
}

impl RevisionEntity {
    /// The entity of a revision view.
    pub(crate) fn new(state: &AppState, view: &RevisionView) -> Self {
        let revision = &view.revision;
        Self {
            id: revision.id.to_string(),
            editor: AccountEntity::new(state, &view.editor),
            title: revision.title.clone(),
            summary: revision.summary.clone(),
            body: revision.body_markdown.clone(),
            change_note: revision.change_note.clone(),
            changed: view.changed.clone(),
            created_at: datetime(revision.created_at),
        }
    }
}

/// One reader's acknowledgement.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AcknowledgementEntity {
    pub account: AccountEntity,
    pub acknowledged_at: String,
}

/// A count for one group of readers.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct GroupCount {
    /// Instance domain, or department (`null`: none given).
    pub name: Option<String>,
    pub count: i64,
}

/// Who acknowledged an article, with counts per instance and per department.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct AcknowledgementsEntity {
    pub count: usize,
    pub acknowledgements: Vec<AcknowledgementEntity>,
    pub by_domain: Vec<GroupCount>,
    pub by_department: Vec<GroupCount>,
}

impl AcknowledgementsEntity {
    /// The entity of a report.
    pub(crate) fn new(state: &AppState, report: &AcknowledgementReport) -> Self {
        let sorted = |mut groups: Vec<GroupCount>| {
            groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
            groups
        };
        Self {
            count: report.readers.len(),
            acknowledgements: report
                .readers
                .iter()
                .map(|(account, at)| AcknowledgementEntity {
                    account: AccountEntity::new(state, account),
                    acknowledged_at: datetime(*at),
                })
                .collect(),
            by_domain: sorted(
                report
                    .by_domain
                    .iter()
                    .map(|(name, count)| GroupCount {
                        name: Some(name.clone()),
                        count: *count,
                    })
                    .collect(),
            ),
            by_department: sorted(
                report
                    .by_department
                    .iter()
                    .map(|(name, count)| GroupCount {
                        name: name.clone(),
                        count: *count,
                    })
                    .collect(),
            ),
        }
    }
}
