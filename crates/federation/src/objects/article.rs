//! Intranet articles as ActivityPub `Article` objects (FEP-b2b8 long-form text): the JSON of a
//! local article (built on the note JSON of its status), and articles from other instances,
//! stored in the `articles` table next to their status.

use diesel::prelude::*;

use crate::error::FederationError;
use trellis_content::{article_search_text, html_to_plain_text, sanitize_article_html};
use trellis_domain::state::FedData;
use trellis_protocol::Object as Document;
use trellis_protocol::json::limits::{MAX_ARTICLE_BYTES, MAX_NAME_BYTES, MAX_SUMMARY_BYTES};
use trellis_protocol::json::values::truncate;
use trellis_storage::models::article::{Article, ArticleChanges, ArticleStatus, NewArticle};
use trellis_storage::models::article_category::ArticleCategory;
use trellis_storage::models::{Account, Post};
use trellis_storage::schema::accounts;

/// What Trellis keeps of an Article from another instance.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RemoteArticle {
    /// `name`, plain text with whitespace collapsed (or a placeholder).
    pub title: String,
    /// `summary`, as plain text.
    pub summary: String,
    /// `content` (or the first `contentMap` value), sanitized as article HTML.
    pub body_html: String,
    /// The visible text of `body_html`, which search indexes.
    pub body_text: String,
    /// The `category` extension: a name, or an object with a `name`.
    pub category: Option<String>,
}

/// Reads the article fields of a received Article (within the
/// [limits](trellis_protocol::json::limits); `official` and `mustRead` are not kept).
pub(crate) fn remote_fields(note: &Document) -> RemoteArticle {
    let body = note.html().unwrap_or_default();
    let category = note
        .category
        .as_ref()
        .map(|c| {
            html_to_plain_text(truncate(c, MAX_NAME_BYTES))
                .trim()
                .to_string()
        })
        .filter(|c| !c.is_empty());
    // `name` is plain text in ActivityStreams: kept as written (escaped wherever it is shown).
    let title = note
        .name
        .as_deref()
        .map(|t| {
            truncate(t, MAX_NAME_BYTES)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "(untitled)".into());
    let body_html = sanitize_article_html(truncate(body, MAX_ARTICLE_BYTES));
    RemoteArticle {
        title,
        summary: note
            .summary
            .as_deref()
            .map(|s| html_to_plain_text(truncate(s, MAX_SUMMARY_BYTES)))
            .unwrap_or_default()
            .trim()
            .to_string(),
        body_text: article_search_text(&body_html),
        body_html,
        category,
    }
}

/// Stores (or refreshes) the `articles` row of a remote Article whose status is `post`. The
/// category is linked only when a local category has the same name; the hashtags are the
/// status's. A remote article is never official nor must-read: only the organisation's
/// trusted peers could speak for it or ask for acknowledgements, and there are none yet.
pub(crate) async fn store_remote(
    data: &FedData,
    remote: RemoteArticle,
    post: &Post,
) -> Result<(), FederationError> {
    let post = post.clone();
    let state = (**data).clone();
    data.db()
        .write_or_find(move |conn| {
            let remote = remote.clone();
            conn.transaction(|conn| {
                let author: Account = accounts::table
                    .find(post.account_id)
                    .select(Account::as_select())
                    .first(conn)?;
                if author.is_local() {
                    return Ok(());
                }
                let category_id = match &remote.category {
                    Some(name) => ArticleCategory::all(conn)?
                        .into_iter()
                        .find(|c| c.name.eq_ignore_ascii_case(name))
                        .map(|c| c.id),
                    None => None,
                };
                let tags = Post::tags(conn, post.id)?;
                let now = chrono::Utc::now().naive_utc();
                let published = post.created_at;
                if let Some(existing) = Article::find_by_post(conn, post.id)? {
                    let changes = ArticleChanges {
                        title: remote.title,
                        summary: remote.summary,
                        body_markdown: String::new(),
                        body_html: remote.body_html,
                        body_text: remote.body_text,
                        category_id,
                        owner_id: existing.owner_id,
                        status: existing.status,
                        official: false,
                        must_read: false,
                        pinned: existing.pinned,
                        review_by: existing.review_by,
                        updated_at: post.edited_at.unwrap_or(now),
                        published_at: existing.published_at,
                    };
                    Article::update(conn, existing.id, &changes)?;
                    Article::replace_tags(conn, existing.id, &tags)?;
                    return Ok(());
                }
                let id = state.ids().next_id();
                let new = NewArticle {
                    id,
                    slug: format!("remote-{id}"),
                    title: remote.title,
                    summary: remote.summary,
                    body_markdown: String::new(),
                    body_html: remote.body_html,
                    body_text: remote.body_text,
                    category_id,
                    author_id: author.id,
                    owner_id: author.id,
                    status: ArticleStatus::Published,
                    official: false,
                    must_read: false,
                    pinned: false,
                    review_by: None,
                    created_at: published,
                    updated_at: post.edited_at.unwrap_or(published),
                    published_at: Some(published),
                    local_only: false,
                };
                Article::insert(conn, &new, &tags)?;
                Article::set_post(conn, id, Some(post.id))?;
                Ok(())
            })
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde_json::{Value, json};
    use trellis_domain::outbound::article::article_fields;

    fn article() -> Article {
        let at = NaiveDate::from_ymd_opt(2026, 11, 29)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("date");
        Article {
            id: 7,
            slug: "expenses".into(),
            title: "Travel <expenses>".into(),
            summary: "How to claim".into(),
            body_markdown: "# Claims".into(),
            body_html: "<h1>Claims</h1>".into(),
            category_id: None,
            author_id: 1,
            owner_id: 1,
            status: ArticleStatus::Published,
            official: true,
            must_read: true,
            pinned: false,
            review_by: None,
            post_id: Some(9),
            created_at: at,
            updated_at: at + chrono::Duration::hours(1),
            published_at: Some(at),
            local_only: false,
        }
    }

    fn status_note() -> Document {
        serde_json::from_value(json!({
            "id": "https://alpha.test/articles/7",
            "type": "Article",
            "attributedTo": "https://alpha.test/users/alice",
            "content": "<p>preview</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": ["https://alpha.test/users/alice/followers"],
            "url": "https://alpha.test/articles/expenses",
            "tag": [{"type": "Hashtag", "href": "https://alpha.test/tags/travel", "name": "#travel"}],
        }))
        .expect("note")
    }

    #[test]
    fn a_local_article_has_every_article_property_and_a_preview_note() {
        let mut note = status_note();
        let preview = "<p><strong>Travel &lt;expenses&gt;</strong></p><p>How to claim</p>\
                       <p><a href=\"https://alpha.test/articles/expenses\">https://alpha.test/articles/expenses</a></p>";
        article_fields(&mut note, &article(), Some("Finance".into()), preview);
        let json = serde_json::to_value(&note).expect("json");
        assert_eq!(json["type"], "Article");
        assert_eq!(json["name"], "Travel <expenses>");
        assert_eq!(json["summary"], "How to claim");
        assert_eq!(json["content"], "<h1>Claims</h1>");
        assert_eq!(json["mediaType"], "text/html");
        assert_eq!(json["url"], "https://alpha.test/articles/expenses");
        assert_eq!(json["category"], "Finance");
        assert_eq!(json["official"], true);
        assert_eq!(json["mustRead"], true);
        assert_eq!(json["published"], "2026-11-29T10:00:00Z");
        assert_eq!(json["updated"], "2026-11-29T11:00:00Z");
        assert_eq!(
            json["to"][0],
            "https://www.w3.org/ns/activitystreams#Public"
        );
        assert_eq!(json["cc"][0], "https://alpha.test/users/alice/followers");
        assert_eq!(json["tag"][0]["type"], "Hashtag");
        assert_eq!(json["tag"][0]["href"], "https://alpha.test/tags/travel");
        assert!(json.get("sensitive").is_none());
        assert_eq!(json["preview"]["type"], "Note");
        assert_eq!(json["preview"]["content"], preview);
        assert_eq!(
            json["preview"]["attributedTo"],
            "https://alpha.test/users/alice"
        );
        assert_eq!(json["@context"][1]["mustRead"], "trellis:mustRead");
    }

    #[test]
    fn a_summary_is_escaped_and_an_empty_one_left_out() {
        let mut note = status_note();
        let mut a = article();
        a.summary = String::new();
        article_fields(&mut note, &a, None, "");
        let json = serde_json::to_value(&note).expect("json");
        assert!(json.get("summary").is_none());
        assert!(json.get("category").is_none());
        a.summary = "a < b".into();
        article_fields(&mut note, &a, None, "");
        assert_eq!(note.summary.as_deref(), Some("a &lt; b"));
    }

    #[test]
    fn a_trellis_article_round_trips() {
        let mut note = status_note();
        article_fields(&mut note, &article(), Some("Finance".into()), "<p>x</p>");
        let parsed: Document =
            serde_json::from_value(serde_json::to_value(&note).expect("json")).expect("parse");
        let remote = remote_fields(&parsed);
        assert_eq!(remote.title, "Travel <expenses>");
        assert_eq!(remote.summary, "How to claim");
        assert_eq!(remote.body_html, "<h1>Claims</h1>");
        assert_eq!(remote.body_text, "Claims");
        assert_eq!(remote.category.as_deref(), Some("Finance"));
    }

    #[test]
    fn hostile_remote_articles_are_sanitized() {
        let note: Document = serde_json::from_value(json!({
            "id": "https://evil.test/a/1",
            "type": "Article",
            "attributedTo": "https://evil.test/u/x",
            "name": "<b>Title</b>",
            "summary": "<p>Sum<script>alert(1)</script></p>",
            "content": "<h2 onclick=\"x()\">Head</h2><script>alert(1)</script><a href=\"javascript:x()\">l</a>",
            "category": {"type": "Object", "name": "HR"},
        }))
        .expect("note");
        let remote = remote_fields(&note);
        assert_eq!(
            remote.title, "<b>Title</b>",
            "plain text, escaped when shown"
        );
        assert_eq!(remote.summary, "Sum");
        assert!(!remote.body_html.contains("script"));
        assert!(!remote.body_html.contains("onclick"));
        assert!(!remote.body_html.contains("javascript"));
        assert!(remote.body_html.contains("<h2>Head</h2>"));
        assert_eq!(
            remote.body_text, "Head\n\nl",
            "search reads the visible text only"
        );
        assert_eq!(remote.category.as_deref(), Some("HR"));
    }

    /// A real server's document from ../shared/fixtures/activitypub beside the repository;
    /// a missing file fails the test.
    fn fixture(path: &str) -> Value {
        let file = federation_tests::generate::fixtures_dir().join(path);
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("fixture {} is missing: {e}", file.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
    }

    #[test]
    fn fixture_articles_from_other_software_are_read() {
        let mut seen = 0;
        for path in [
            "wordpress/objects/page.json",
            "nodebb/objects/page.json",
            "friendica/objects/page_2.json",
            "friendica/activities/create_page_2.json",
            "wordpress/activities/announce.json",
        ] {
            let mut value = fixture(path);
            if value.get("object").is_some_and(Value::is_object) {
                value = value["object"].clone();
            }
            if value.get("type").and_then(Value::as_str) != Some("Article") {
                continue;
            }
            let note: Document = serde_json::from_value(value.clone())
                .unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
            let remote = remote_fields(&note);
            if let Some(name) = value.get("name").and_then(Value::as_str) {
                assert_eq!(
                    remote.title,
                    name.split_whitespace().collect::<Vec<_>>().join(" "),
                    "{path}"
                );
            }
            assert!(!remote.body_html.contains("<script"), "{path}");
            seen += 1;
        }
        assert!(seen >= 3, "only {seen} fixture Articles were read");
    }
}
