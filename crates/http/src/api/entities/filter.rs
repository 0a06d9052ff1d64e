//! `Filter`, `FilterKeyword`, `FilterStatus`, `FilterResult` and the v1 filter entity.

use serde::Serialize;

use super::datetime;
use trellis_domain::services::filters::{FilterMatch, contexts_of};
use trellis_storage::models::filter::{FilterAction, FilterKeyword, FilterStatus, FilterWithRules};

/// `FilterKeyword`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct KeywordEntity {
    id: String,
    keyword: String,
    whole_word: bool,
}

impl KeywordEntity {
    /// The entity of a keyword row.
    pub(crate) fn new(row: &FilterKeyword) -> Self {
        Self {
            id: row.id.to_string(),
            keyword: row.keyword.clone(),
            whole_word: row.whole_word,
        }
    }
}

/// `FilterStatus`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FilterStatusEntity {
    id: String,
    status_id: String,
}

impl FilterStatusEntity {
    /// The entity of a filter's status row.
    pub(crate) fn new(row: &FilterStatus) -> Self {
        Self {
            id: row.id.to_string(),
            status_id: row.post_id.to_string(),
        }
    }
}

/// `Filter` (v2).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FilterEntity {
    id: String,
    title: String,
    context: Vec<&'static str>,
    expires_at: Option<String>,
    filter_action: &'static str,
    keywords: Vec<KeywordEntity>,
    statuses: Vec<FilterStatusEntity>,
}

impl FilterEntity {
    /// The entity of a filter with its rules.
    pub(crate) fn new(rules: &FilterWithRules) -> Self {
        let filter = &rules.filter;
        Self {
            id: filter.id.to_string(),
            title: filter.title.clone(),
            context: contexts_of(filter).iter().map(|c| c.as_str()).collect(),
            expires_at: filter.expires_at.map(datetime),
            filter_action: filter.action.as_str(),
            keywords: rules.keywords.iter().map(KeywordEntity::new).collect(),
            statuses: rules.statuses.iter().map(FilterStatusEntity::new).collect(),
        }
    }
}

/// `FilterResult`: a filter that matched a status.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FilterResultEntity {
    filter: FilterEntity,
    keyword_matches: Option<Vec<String>>,
    status_matches: Option<Vec<String>>,
}

impl FilterResultEntity {
    /// The entity of a match.
    pub(crate) fn new(found: &FilterMatch) -> Self {
        let some = |list: &Vec<String>| (!list.is_empty()).then(|| list.clone());
        Self {
            filter: FilterEntity::new(&found.filter),
            keyword_matches: some(&found.keyword_matches),
            status_matches: some(&found.status_matches),
        }
    }
}

/// The v1 `Filter`: one keyword of a filter, as Mastodon's older API shows it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct V1FilterEntity {
    id: String,
    phrase: String,
    context: Vec<&'static str>,
    whole_word: bool,
    expires_at: Option<String>,
    irreversible: bool,
}

impl V1FilterEntity {
    /// The entity of `keyword` of `rules`.
    pub(crate) fn new(rules: &FilterWithRules, keyword: &FilterKeyword) -> Self {
        let filter = &rules.filter;
        Self {
            id: keyword.id.to_string(),
            phrase: keyword.keyword.clone(),
            context: contexts_of(filter).iter().map(|c| c.as_str()).collect(),
            whole_word: keyword.whole_word,
            expires_at: filter.expires_at.map(datetime),
            irreversible: filter.action == FilterAction::Hide,
        }
    }
}
