//! Article pages for browsers: the article with its discussion, the index of published
//! articles, category indexes, full-text search and Atom feeds.
//!
//! `/articles/{key}` is both an article's web page (by slug) and its ActivityPub id (by
//! numeric id): [`show`] first lets [`articles_ap::at_id`] answer ids, then looks up slugs.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::atom::{ATOM, Entry, Feed};
use super::viewer::{SignedIn, WebViewer};
use crate::actors::activity_json;
use crate::articles_ap;
use crate::error::HttpError;
use crate::negotiate::Representation;
use trellis_content::text::escape_html;
use trellis_domain::outbound::actor::to_document;
use trellis_domain::services::articles::pages::{self, Discussion, Listing};
use trellis_domain::services::articles::{ArticleView, categories, channels, today};
use trellis_domain::services::hydrate::AccountView;
use trellis_domain::state::AppState;
use trellis_storage::models::article::ArticleStatus;
use trellis_storage::models::article_category::ArticleCategory;
use trellis_storage::models::article_search::{MATCH_END, MATCH_START};
use trellis_storage::page::Window;

/// Articles on one index page.
const PAGE_SIZE: i64 = 30;
/// Entries of a feed.
const FEED_SIZE: i64 = 50;
/// Results of one search page.
const SEARCH_SIZE: i64 = 30;

/// The routes that only serve pages.
pub(crate) fn pages() -> Router<AppState> {
    Router::new().route("/articles/search", get(search))
}

/// The routes that serve ActivityPub JSON or a page, depending on `Accept`.
pub(crate) fn negotiated() -> Router<AppState> {
    Router::new()
        .route("/articles", get(index))
        .route("/articles/categories/{slug}", get(category))
        .route("/articles/{key}", get(show))
}

/// The Atom feeds.
pub(crate) fn feeds() -> Router<AppState> {
    Router::new()
        .route("/articles/feed.atom", get(feed))
        .route("/articles/categories/{slug}/feed.atom", get(category_feed))
}

/// An article as a list shows it.
struct Item {
    url: String,
    title: String,
    summary: String,
    author: String,
    category: Option<String>,
    date: String,
    official: bool,
    must_read: bool,
    pinned: bool,
    stale: bool,
    /// Escaped HTML excerpt with `<mark>`ed matches (search results only).
    snippet: String,
}

/// A reply under an article.
struct Reply {
    author_name: String,
    handle: String,
    profile_url: String,
    url: String,
    time: String,
    content: String,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    instance_name: String,
    viewer: Option<SignedIn>,
    title: String,
    summary: String,
    body_html: String,
    uri: String,
    author_name: String,
    author_url: String,
    category: Option<(String, String)>,
    tags: Vec<String>,
    official: bool,
    must_read: bool,
    archived: bool,
    published: Option<String>,
    updated: String,
    review_by: Option<String>,
    stale: bool,
    replies: Vec<Reply>,
    per_instance: Vec<(String, usize)>,
}

#[derive(Template)]
#[template(path = "article_list.html")]
struct ListPage {
    instance_name: String,
    viewer: Option<SignedIn>,
    heading: String,
    description: String,
    feed_url: Option<String>,
    categories: Vec<ArticleCategory>,
    current_category: String,
    query: String,
    searched: bool,
    pinned: Vec<Item>,
    items: Vec<Item>,
    older_url: Option<String>,
    channel: Option<ChannelLink>,
}

/// The channel that carries a list page's articles, for people who want them in their
/// timeline.
struct ChannelLink {
    /// `@name@domain`
    handle: String,
    /// The Group actor's id.
    uri: String,
}

/// Query of the index pages.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct IndexParams {
    max_id: Option<String>,
}

/// Query of the search page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchParams {
    #[serde(default)]
    q: String,
    page: Option<String>,
}

fn day(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d").to_string()
}

fn minute(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn profile_url(view: &AccountView) -> String {
    view.account
        .url
        .clone()
        .unwrap_or_else(|| view.account.uri.clone())
}

fn display_name(view: &AccountView) -> String {
    if view.account.display_name.trim().is_empty() {
        view.account.username.clone()
    } else {
        view.account.display_name.clone()
    }
}

/// Escapes a search excerpt and turns its match markers into `<mark>` elements.
fn highlight(snippet: &str) -> String {
    let mut out = String::new();
    let mut open = false;
    for part in snippet.split_inclusive([MATCH_START, MATCH_END]) {
        let (text, marker) = match part.chars().last() {
            Some(c @ (MATCH_START | MATCH_END)) => (&part[..part.len() - c.len_utf8()], Some(c)),
            _ => (part, None),
        };
        out.push_str(&escape_html(text));
        match marker {
            Some(MATCH_START) if !open => {
                out.push_str("<mark>");
                open = true;
            }
            Some(MATCH_END) if open => {
                out.push_str("</mark>");
                open = false;
            }
            _ => {}
        }
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

fn item(state: &AppState, view: &ArticleView, snippet: String) -> Item {
    let today = today();
    let article = &view.article;
    Item {
        url: state.urls().article_page(&article.slug),
        title: article.title.clone(),
        summary: article.summary.clone(),
        author: display_name(&view.author),
        category: view.category.as_ref().map(|c| c.name.clone()),
        date: day(article.published_at.unwrap_or(article.created_at)),
        official: article.official && view.author.account.is_local(),
        must_read: article.must_read && view.author.account.is_local(),
        pinned: article.pinned,
        stale: view.stale(today),
        snippet,
    }
}

fn html(page: impl Template) -> Result<Response, HttpError> {
    Ok(Html(page.render()?).into_response())
}

/// True for a path segment that can be an article's numeric id.
fn numeric(segment: &str) -> bool {
    !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit())
}

/// GET /articles/{key}: by id, what [`articles_ap::at_id`] answers (ActivityPub JSON, a
/// Tombstone, or a redirect to the page); by slug, the page.
pub(crate) async fn show(
    State(state): State<AppState>,
    WebViewer(viewer): WebViewer,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    if let Some(response) = articles_ap::at_id(&state, &slug, &headers).await {
        return Ok(response);
    }
    if numeric(&slug) && Representation::from_headers(&headers) == Representation::ActivityJson {
        return Err(HttpError::not_found("no such article"));
    }
    let view = match pages::by_slug(&state, &slug).await {
        Ok(view) => view,
        Err(e) => {
            if let Some(id) = slug.parse::<i64>().ok().filter(|_| numeric(&slug))
                && let Ok(view) = pages::by_id(&state, id).await
            {
                let page = state.urls().article_page(&view.article.slug);
                return Ok(Redirect::to(&page).into_response());
            }
            return Err(e.into());
        }
    };
    // The page URL serves the ActivityPub object to servers too.
    if Representation::from_headers(&headers) == Representation::ActivityJson
        && let Some(response) =
            articles_ap::at_id(&state, &view.article.id.to_string(), &headers).await
    {
        return Ok(response);
    }
    let discussion = pages::discussion(&state, &view.article).await?;
    html(article_page(&state, viewer, view, discussion))
}

fn article_page(
    state: &AppState,
    viewer: Option<SignedIn>,
    view: ArticleView,
    discussion: Discussion,
) -> ArticlePage {
    let stale = view.stale(today());
    let local = state.urls().domain().to_string();
    let replies = discussion
        .replies
        .iter()
        .map(|reply| {
            let account = &reply.account.account;
            let domain = account.domain.clone().unwrap_or_else(|| local.clone());
            Reply {
                author_name: display_name(&reply.account),
                handle: format!("{}@{}", account.username, domain),
                profile_url: profile_url(&reply.account),
                url: reply
                    .post
                    .url
                    .clone()
                    .unwrap_or_else(|| reply.post.uri.clone()),
                time: minute(reply.post.created_at),
                content: reply.post.content.clone(),
            }
        })
        .collect();
    let article = view.article;
    // Only local articles speak for the organisation: a remote one never shows the badges.
    let local_author = view.author.account.is_local();
    ArticlePage {
        instance_name: state.config().instance.name.clone(),
        viewer,
        uri: state.urls().article(article.id),
        author_name: display_name(&view.author),
        author_url: profile_url(&view.author),
        category: view.category.map(|c| {
            (
                state.urls().at(&format!("/articles/categories/{}", c.slug)),
                c.name,
            )
        }),
        tags: view.tags,
        official: article.official && local_author,
        must_read: article.must_read && local_author,
        archived: article.status == ArticleStatus::Archived,
        published: article.published_at.map(minute),
        updated: minute(article.updated_at),
        review_by: article.review_by.map(|d| d.format("%Y-%m-%d").to_string()),
        stale,
        title: article.title,
        summary: article.summary,
        body_html: article.body_html,
        replies,
        per_instance: discussion.per_instance,
    }
}

async fn list_page(
    state: &AppState,
    viewer: Option<SignedIn>,
    category: Option<&str>,
    params: IndexParams,
    headers: &HeaderMap,
) -> Result<Response, HttpError> {
    let channel = channels::of_page(state, category).await?;
    if Representation::from_headers(headers) == Representation::ActivityJson {
        // Servers asking for the page get the channel that carries it.
        let channel =
            channel.ok_or_else(|| HttpError::not_found("no channel carries this page"))?;
        return Ok(activity_json(&to_document(&channel, state.urls())));
    }
    let max_id = params.max_id.as_deref().and_then(|s| s.parse::<i64>().ok());
    let window = Window {
        max_id,
        ..Window::latest(PAGE_SIZE)
    };
    let Some(listing) = pages::listing(state, category, window, true).await? else {
        return Err(HttpError::not_found("no such category"));
    };
    let Listing {
        category,
        pinned,
        articles,
    } = listing;
    let older_url = (articles.len() as i64 == PAGE_SIZE)
        .then(|| articles.last().map(|v| v.article.id))
        .flatten()
        .map(|last| format!("?max_id={last}"));
    let (heading, description, feed_path, current) = match &category {
        Some(c) => (
            c.name.clone(),
            c.description.clone(),
            format!("/articles/categories/{}/feed.atom", c.slug),
            c.slug.clone(),
        ),
        None => (
            "Articles".to_string(),
            String::new(),
            "/articles/feed.atom".to_string(),
            String::new(),
        ),
    };
    let page = ListPage {
        instance_name: state.config().instance.name.clone(),
        viewer,
        heading,
        description,
        feed_url: Some(state.urls().at(&feed_path)),
        categories: categories::all(state).await?,
        current_category: current,
        query: String::new(),
        searched: false,
        pinned: pinned
            .iter()
            .map(|v| item(state, v, String::new()))
            .collect(),
        items: articles
            .iter()
            .map(|v| item(state, v, String::new()))
            .collect(),
        older_url,
        channel: channel.map(|account| ChannelLink {
            handle: format!("@{}@{}", account.username, state.urls().domain()),
            uri: account.uri,
        }),
    };
    html(page)
}

/// GET /articles: published articles, newest first.
pub(crate) async fn index(
    State(state): State<AppState>,
    WebViewer(viewer): WebViewer,
    Query(params): Query<IndexParams>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    list_page(&state, viewer, None, params, &headers).await
}

/// GET /articles/categories/{slug}: a category's pinned articles, then the newest.
pub(crate) async fn category(
    State(state): State<AppState>,
    WebViewer(viewer): WebViewer,
    Path(slug): Path<String>,
    Query(params): Query<IndexParams>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    list_page(&state, viewer, Some(&slug), params, &headers).await
}

/// GET /articles/search?q=: published articles matching words of their title, summary or body.
pub(crate) async fn search(
    State(state): State<AppState>,
    WebViewer(viewer): WebViewer,
    Query(params): Query<SearchParams>,
) -> Result<Response, HttpError> {
    let page_number = params
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 1000);
    let query = params.q.trim().to_string();
    let found = if query.is_empty() {
        Vec::new()
    } else {
        pages::search(&state, &query, SEARCH_SIZE, (page_number - 1) * SEARCH_SIZE).await?
    };
    let older_url = (found.len() as i64 == SEARCH_SIZE).then(|| {
        format!(
            "?q={}&page={}",
            url::form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>(),
            page_number + 1
        )
    });
    let page = ListPage {
        instance_name: state.config().instance.name.clone(),
        viewer,
        heading: "Search articles".to_string(),
        description: String::new(),
        feed_url: None,
        categories: categories::all(&state).await?,
        current_category: String::new(),
        searched: !query.is_empty(),
        query,
        pinned: Vec::new(),
        items: found
            .iter()
            .map(|f| item(&state, &f.view, highlight(&f.snippet)))
            .collect(),
        older_url,
        channel: None,
    };
    html(page)
}

async fn atom(state: &AppState, category: Option<&str>) -> Result<Response, HttpError> {
    let Some(listing) = pages::listing(state, category, Window::latest(FEED_SIZE), false).await?
    else {
        return Err(HttpError::not_found("no such category"));
    };
    let instance = &state.config().instance.name;
    let (title, subtitle, path) = match &listing.category {
        Some(c) => (
            format!("{}: {}", instance, c.name),
            c.description.clone(),
            format!("/articles/categories/{}", c.slug),
        ),
        None => (
            format!("{instance}: articles"),
            String::new(),
            "/articles".to_string(),
        ),
    };
    let entries: Vec<Entry> = listing
        .articles
        .iter()
        .map(|view| {
            let article = &view.article;
            Entry {
                id: state.urls().article(article.id),
                title: article.title.clone(),
                summary: article.summary.clone(),
                content_html: article.body_html.clone(),
                author_name: display_name(&view.author),
                author_uri: profile_url(&view.author),
                link: state.urls().article_page(&article.slug),
                category: view
                    .category
                    .as_ref()
                    .map(|c| (c.slug.clone(), c.name.clone())),
                published: article.published_at.unwrap_or(article.created_at),
                updated: article.updated_at,
            }
        })
        .collect();
    let feed = Feed {
        id: state.urls().at(&format!("{path}/feed.atom")),
        title,
        subtitle,
        alternate: state.urls().at(&path),
        updated: entries
            .iter()
            .map(|e| e.updated)
            .max()
            .unwrap_or_else(|| chrono::Utc::now().naive_utc()),
        entries,
    };
    Ok(([(header::CONTENT_TYPE, ATOM)], feed.render()).into_response())
}

/// GET /articles/feed.atom: the newest published articles.
pub(crate) async fn feed(State(state): State<AppState>) -> Result<Response, HttpError> {
    atom(&state, None).await
}

/// GET /articles/categories/{slug}/feed.atom: the newest published articles of a category.
pub(crate) async fn category_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, HttpError> {
    atom(&state, Some(&slug)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_escaped_and_balanced() {
        let snippet = format!("a <b> {MATCH_START}word{MATCH_END} & {MATCH_START}open");
        assert_eq!(
            highlight(&snippet),
            "a &lt;b&gt; <mark>word</mark> &amp; <mark>open</mark>"
        );
        assert_eq!(highlight(&format!("{MATCH_END}x")), "x");
    }

    #[test]
    fn only_digits_are_numeric() {
        assert!(numeric("123"));
        assert!(!numeric("12a"));
        assert!(!numeric(""));
    }
}
