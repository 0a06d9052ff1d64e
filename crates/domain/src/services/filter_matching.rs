//! Which posts a person's keyword filters match: keywords in the text a reader sees (the
//! content, the content warning and media descriptions), case-insensitive, whole words where
//! asked; and the statuses a filter names. Apart from `filters/` so that hydrated views can
//! carry matches without depending on the application state.

use std::sync::Arc;

use serde_json::Value;

use trellis_storage::models::Post;
use trellis_storage::models::filter::{FilterAction, FilterWithRules};

use trellis_storage::models::filter::Filter;

/// Where a filter applies: Mastodon's filter contexts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterContext {
    /// The home timeline and lists.
    Home,
    /// Notifications.
    Notifications,
    /// Public and hashtag timelines.
    Public,
    /// A status and its conversation.
    Thread,
    /// Profiles.
    Account,
}

impl FilterContext {
    /// Every context, in Mastodon's order.
    pub const ALL: [FilterContext; 5] = [
        Self::Home,
        Self::Notifications,
        Self::Public,
        Self::Thread,
        Self::Account,
    ];

    /// The API and stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Notifications => "notifications",
            Self::Public => "public",
            Self::Thread => "thread",
            Self::Account => "account",
        }
    }

    /// Parses an API name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// The contexts a stored filter applies to.
pub fn contexts_of(filter: &Filter) -> Vec<FilterContext> {
    filter
        .contexts
        .split(',')
        .filter_map(FilterContext::parse)
        .collect()
}

/// A filter that matched a post, with what matched (Mastodon's `FilterResult`).
#[derive(Clone, Debug)]
pub struct FilterMatch {
    /// The filter, with its keywords and statuses.
    pub filter: Arc<FilterWithRules>,
    /// The keywords found in the post.
    pub keyword_matches: Vec<String>,
    /// The ids of the named statuses the post is (as strings, as Mastodon sends them).
    pub status_matches: Vec<String>,
}

impl FilterMatch {
    /// The filter hides the post rather than marking it.
    pub fn hides(&self) -> bool {
        self.filter.filter.action == FilterAction::Hide
    }
}

/// A reader's filters that have not expired, ready to match posts.
#[derive(Clone, Debug, Default)]
pub struct ActiveFilters {
    filters: Vec<Arc<FilterWithRules>>,
}

impl ActiveFilters {
    /// Wraps loaded filters.
    pub fn new(filters: Vec<FilterWithRules>) -> Self {
        Self {
            filters: filters.into_iter().map(Arc::new).collect(),
        }
    }

    /// No filter can match anything.
    pub fn is_empty(&self) -> bool {
        self.filters.is_empty()
    }

    /// The filters of `context` that match `post`.
    pub fn matches(&self, context: FilterContext, post: &Post) -> Vec<FilterMatch> {
        let mut text: Option<String> = None;
        self.filters
            .iter()
            .filter(|f| contexts_of(&f.filter).contains(&context))
            .filter_map(|filter| {
                let status_matches: Vec<String> = filter
                    .statuses
                    .iter()
                    .filter(|s| s.post_id == post.id)
                    .map(|s| s.id.to_string())
                    .collect();
                let keyword_matches: Vec<String> = if filter.keywords.is_empty() {
                    Vec::new()
                } else {
                    let text = text.get_or_insert_with(|| searchable_text(post));
                    filter
                        .keywords
                        .iter()
                        .filter(|k| contains_keyword(text, &k.keyword.to_lowercase(), k.whole_word))
                        .map(|k| k.keyword.clone())
                        .collect()
                };
                (!status_matches.is_empty() || !keyword_matches.is_empty()).then(|| FilterMatch {
                    filter: filter.clone(),
                    keyword_matches,
                    status_matches,
                })
            })
            .collect()
    }
}

/// What of a post a keyword is looked for in, lower case: the visible text of the content,
/// the content warning and the media descriptions.
fn searchable_text(post: &Post) -> String {
    let mut text = trellis_content::html_to_plain_text(&post.content);
    for extra in std::iter::once(post.summary.clone()).chain(descriptions(&post.attachments)) {
        if !extra.is_empty() {
            text.push('\n');
            text.push_str(&extra);
        }
    }
    text.to_lowercase()
}

fn descriptions(attachments: &str) -> Vec<String> {
    serde_json::from_str::<Vec<Value>>(attachments)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| item.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `keyword` (lower case) occurs in `text` (lower case); with `whole_word`, not inside a
/// longer word: a boundary is required where the keyword begins or ends with a word character
/// (as Mastodon's `\b` around such keywords).
fn contains_keyword(text: &str, keyword: &str, whole_word: bool) -> bool {
    let keyword = keyword.trim();
    if keyword.is_empty() {
        return false;
    }
    if !whole_word {
        return text.contains(keyword);
    }
    let starts_word = keyword.chars().next().is_some_and(is_word_char);
    let ends_word = keyword.chars().next_back().is_some_and(is_word_char);
    text.match_indices(keyword).any(|(at, found)| {
        let before = text[..at].chars().next_back();
        let after = text[at + found.len()..].chars().next();
        (!starts_word || !before.is_some_and(is_word_char))
            && (!ends_word || !after.is_some_and(is_word_char))
    })
}

#[cfg(test)]
mod tests {
    use super::contains_keyword;

    #[test]
    fn whole_words_need_boundaries_where_the_keyword_has_word_edges() {
        assert!(contains_keyword("the cat sat", "cat", true));
        assert!(!contains_keyword("concatenate", "cat", true));
        assert!(contains_keyword("concatenate", "cat", false));
        assert!(contains_keyword("a cat, a dog", "cat", true));
        assert!(contains_keyword("tagged #rust!", "#rust", true));
        assert!(!contains_keyword("#rustacean", "#rust", true));
        assert!(contains_keyword("über straße", "straße", true));
        assert!(!contains_keyword("cats", "cat", true));
        assert!(contains_keyword("cats and cat", "cat", true));
    }

    #[test]
    fn empty_keywords_match_nothing() {
        assert!(!contains_keyword("anything", "  ", false));
    }
}
