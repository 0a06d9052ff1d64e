//! Article web pages: the article with its discussion, indexes, full-text search and Atom
//! feeds.

use crate::common;

use common::TestInstance;
use reqwest::StatusCode;
use serde_json::{Value, json};
use trellis::db::models::account::NewAccount;
use trellis::db::models::{NewPost, Post};
use trellis::services::accounts::Role;

const HTML: &str = "text/html,application/xhtml+xml,*/*;q=0.8";
const ARTICLES: &str = "/api/trellis/v1/articles";

/// A person with a role; returns a full-access token.
async fn person(inst: &TestInstance, name: &str, role: Role) -> String {
    inst.create_user(name, |p| p.role = Some(role)).await;
    inst.token(name, "read write follow").await
}

async fn send(
    inst: &TestInstance,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    let response = inst
        .client
        .request(method, format!("{}{}", inst.base, path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(inst: &TestInstance, path: &str, token: &str, body: Value) -> Value {
    let (status, body) = send(inst, reqwest::Method::POST, path, token, body).await;
    assert!(status.is_success(), "{path}: {status} {body:?}");
    body
}

async fn api_get(inst: &TestInstance, path: &str, token: &str) -> (StatusCode, Value) {
    let response = inst
        .client
        .get(format!("{}{}", inst.base, path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn article(inst: &TestInstance, token: &str, body: Value) -> Value {
    post(inst, ARTICLES, token, body).await
}

/// GET a page as a browser; returns status, content type and body.
async fn page(inst: &TestInstance, path: &str) -> (StatusCode, String, String) {
    let response = inst.get(path, HTML).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

/// Byte offset of `needle` in `haystack`, failing the test when absent.
fn at(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in page:\n{haystack}"))
}

/// A reply to `status_id` by a person on another instance, stored as federation would.
async fn remote_reply(inst: &TestInstance, domain: &str, status_id: &str, text: &str) {
    let state = inst.running.as_ref().unwrap().state.clone();
    let parent: i64 = status_id.parse().unwrap();
    let domain = domain.to_string();
    let text = text.to_string();
    let writer = state.clone();
    state
        .db()
        .write(move |conn| {
            let ids = writer.ids();
            let now = chrono::Utc::now().naive_utc();
            let actor = format!("https://{domain}/users/carol");
            let account = trellis::db::models::Account::insert(
                conn,
                &NewAccount {
                    id: ids.next_id(),
                    actor_type: "Person".into(),
                    username: "carol".into(),
                    domain: Some(domain.clone()),
                    uri: actor.clone(),
                    url: Some(format!("https://{domain}/@carol")),
                    display_name: "Carol Remote".into(),
                    bio: String::new(),
                    inbox_url: format!("{actor}/inbox"),
                    shared_inbox_url: None,
                    outbox_url: None,
                    followers_url: None,
                    following_url: None,
                    public_key_id: format!("{actor}#main-key"),
                    public_key_pem: String::new(),
                    private_key_pem: None,
                    avatar_url: None,
                    header_url: None,
                    locked: false,
                    discoverable: true,
                    department: None,
                    job_title: None,
                    location: None,
                    expertise: String::new(),
                    fields: "[]".into(),
                    created_at: now,
                    updated_at: now,
                    fetched_at: Some(now),
                },
            )?;
            let parent_post = Post::find(conn, parent)?.expect("article status");
            let id = ids.next_id();
            trellis::changes::posts::store_post(
                conn,
                ids,
                &NewPost {
                    id,
                    uri: format!("https://{domain}/notes/{id}"),
                    url: None,
                    account_id: account.id,
                    object_type: "Note".into(),
                    in_reply_to_id: Some(parent_post.id),
                    in_reply_to_uri: Some(parent_post.uri.clone()),
                    in_reply_to_account_id: Some(parent_post.account_id),
                    reblog_of_id: None,
                    content: format!("<p>{text}</p>"),
                    source_text: None,
                    summary: String::new(),
                    sensitive: false,
                    visibility: trellis::db::models::post::Visibility::Public,
                    language: None,
                    attachments: "[]".into(),
                    local: false,
                    created_at: now,
                    edited_at: None,
                    updated_at: now,
                    local_only: false,
                },
                &[],
                &[],
            )?;
            Ok(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn the_article_page_shows_badges_dates_and_the_discussion() {
    let inst = TestInstance::start().await;
    let editor = person(&inst, "comms", Role::Editor).await;
    let reader = person(&inst, "bob", Role::Member).await;
    post(
        &inst,
        "/api/trellis/v1/categories",
        &editor,
        json!({ "name": "Handbook" }),
    )
    .await;
    let created = article(
        &inst,
        &editor,
        json!({
            "title": "Badges & Access",
            "summary": "How to get your badge.",
            "body": "## Where\n\nThe **badge office** opens at nine.\n\n<script>alert('x')</script>",
            "category": "handbook",
            "tags": ["onboarding"],
            "official": true,
            "must_read": true,
            "review_by": "2020-01-31",
            "status": "published",
        }),
    )
    .await;
    let slug = created["slug"].as_str().unwrap();
    let status_id = created["status_id"]
        .as_str()
        .expect("published as a status");
    post(
        &inst,
        "/api/v1/statuses",
        &reader,
        json!({ "status": "Thanks, the office moved to room 4.", "in_reply_to_id": status_id, "visibility": "public" }),
    )
    .await;
    post(
        &inst,
        "/api/v1/statuses",
        &reader,
        json!({ "status": "Only for my followers", "in_reply_to_id": status_id, "visibility": "private" }),
    )
    .await;
    remote_reply(&inst, "beta.example", status_id, "Same on our side").await;

    let (status, content_type, html) = page(&inst, &format!("/articles/{slug}")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(
        html.contains("<h1>Badges &#38; Access</h1>")
            || html.contains("<h1>Badges &amp; Access</h1>"),
        "{html}"
    );
    assert!(html.contains("How to get your badge."));
    assert!(html.contains("<strong>badge office</strong>"), "{html}");
    assert!(!html.contains("<script>alert"), "the body is sanitized");
    assert!(html.contains("class=\"badge official\">Official"));
    assert!(html.contains("class=\"badge must-read\">Must read"));
    assert!(
        html.contains("notice stale"),
        "review date 2020-01-31 has passed"
    );
    assert!(html.contains("2020-01-31"));
    assert!(html.contains("published <time>"));
    assert!(
        html.contains("href=\"/articles/categories/handbook\"")
            || html.contains("/articles/categories/handbook\">Handbook")
    );
    assert!(html.contains("#onboarding"));
    assert!(html.contains("class=\"author\""));
    assert!(
        html.contains(&format!("{}/users/comms", inst.base)) || html.contains("/@comms"),
        "author link: {html}"
    );
    assert!(html.contains("@media print"));
    // The discussion: public replies from both instances, not the followers-only one.
    assert!(
        html.contains("Thanks, the office moved to room 4."),
        "{html}"
    );
    assert!(html.contains("Same on our side"));
    assert!(html.contains("Carol Remote"));
    assert!(!html.contains("Only for my followers"));
    assert!(html.contains("Discussion (2)"));
    assert!(html.contains(&format!(
        "<span class=\"domain\">{}</span>: <span class=\"count\">1</span>",
        inst.domain
    )));
    assert!(
        html.contains("<span class=\"domain\">beta.example</span>: <span class=\"count\">1</span>")
    );
    assert!(
        at(&html, "room 4") < at(&html, "Same on our side"),
        "reply order"
    );

    // A fresh article has no stale notice and no discussion yet.
    let fresh = article(
        &inst,
        &editor,
        json!({ "title": "Fresh", "body": "New.", "review_by": "2999-01-01", "status": "published" }),
    )
    .await;
    let (_, _, html) = page(
        &inst,
        &format!("/articles/{}", fresh["slug"].as_str().unwrap()),
    )
    .await;
    assert!(!html.contains("notice stale"));
    assert!(!html.contains("class=\"badge official\""));
    assert!(html.contains("No replies yet."));
    inst.stop().await;
}

#[tokio::test]
async fn drafts_and_unknown_slugs_are_not_found_and_ids_lead_to_the_page() {
    let inst = TestInstance::start().await;
    let editor = person(&inst, "comms", Role::Editor).await;
    let draft = article(
        &inst,
        &editor,
        json!({ "title": "Secret plan", "body": "Not yet." }),
    )
    .await;
    assert_eq!(draft["status"], "draft");
    let (status, content_type, html) = page(
        &inst,
        &format!("/articles/{}", draft["slug"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(content_type.starts_with("text/html"));
    assert!(!html.contains("Not yet."));
    let (status, _, _) = page(&inst, "/articles/no-such-article").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let draft_id = draft["id"].as_str().unwrap();
    let (status, _, _) = page(&inst, &format!("/articles/{draft_id}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a draft's id is not revealed"
    );

    let published = article(
        &inst,
        &editor,
        json!({ "title": "Open plan", "body": "Now.", "status": "published" }),
    )
    .await;
    let id = published["id"].as_str().unwrap();
    let response = inst.get(&format!("/articles/{id}"), HTML).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        published["url"].as_str().unwrap()
    );
    // Servers get the ActivityPub object at the same path; a draft's id is not found.
    let response = inst
        .get(&format!("/articles/{id}"), "application/activity+json")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let object: Value = response.json().await.unwrap();
    assert_eq!(object["id"], published["uri"]);
    // The page URL (by slug) serves the same object to servers.
    let page_path = format!("/articles/{}", published["slug"].as_str().unwrap());
    let response = inst.get(&page_path, "application/activity+json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let object: Value = response.json().await.unwrap();
    assert_eq!(object["type"], "Article");
    assert_eq!(object["id"], published["uri"]);
    let response = inst
        .get(
            &format!("/articles/{draft_id}"),
            "application/activity+json",
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    inst.stop().await;
}

#[tokio::test]
async fn indexes_list_published_articles_with_pinned_first_in_categories() {
    let inst = TestInstance::start().await;
    let editor = person(&inst, "comms", Role::Editor).await;
    for name in ["Handbook", "News"] {
        post(
            &inst,
            "/api/trellis/v1/categories",
            &editor,
            json!({ "name": name }),
        )
        .await;
    }
    let make = |title: &'static str, category: &'static str, pinned: bool, status: &'static str| json!({ "title": title, "body": "Text.", "category": category, "pinned": pinned, "status": status });
    article(
        &inst,
        &editor,
        make("Alpha pinned", "handbook", true, "published"),
    )
    .await;
    article(
        &inst,
        &editor,
        make("Bravo", "handbook", false, "published"),
    )
    .await;
    article(
        &inst,
        &editor,
        make("Charlie", "handbook", false, "published"),
    )
    .await;
    article(
        &inst,
        &editor,
        make("Delta news", "news", false, "published"),
    )
    .await;
    article(
        &inst,
        &editor,
        make("Echo draft", "handbook", false, "draft"),
    )
    .await;

    let (status, _, html) = page(&inst, "/articles/categories/handbook").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        at(&html, "Alpha pinned") < at(&html, "Charlie"),
        "pinned first"
    );
    assert!(
        at(&html, "Charlie") < at(&html, "Bravo"),
        "then newest first"
    );
    assert!(html.contains("class=\"badge pinned\""));
    assert!(!html.contains("Delta news"));
    assert!(!html.contains("Echo draft"));
    assert!(
        html.contains("href=\"/articles/categories/news\""),
        "category links"
    );
    assert!(html.contains("/articles/categories/handbook/feed.atom"));

    let (status, _, html) = page(&inst, "/articles").await;
    assert_eq!(status, StatusCode::OK);
    assert!(at(&html, "Delta news") < at(&html, "Charlie"));
    assert!(at(&html, "Bravo") < at(&html, "Alpha pinned"));
    assert!(!html.contains("Echo draft"));

    let (status, _, _) = page(&inst, "/articles/categories/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    inst.stop().await;
}

#[tokio::test]
async fn search_finds_words_of_titles_and_bodies_and_survives_hostile_input() {
    let inst = TestInstance::start().await;
    let editor = person(&inst, "comms", Role::Editor).await;
    let vpn = article(
        &inst,
        &editor,
        json!({ "title": "Remote access", "body": "Install the **tunnelclient** before travelling.", "status": "published" }),
    )
    .await;
    article(
        &inst,
        &editor,
        json!({ "title": "Canteen menu", "body": "Soup on Mondays.", "status": "published" }),
    )
    .await;
    article(
        &inst,
        &editor,
        json!({ "title": "Draft travel policy", "body": "tunnelclient rules", "status": "draft" }),
    )
    .await;

    let (status, _, html) = page(&inst, "/articles/search?q=tunnelclient").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Remote access"), "{html}");
    assert!(
        html.contains("<mark>tunnelclient</mark>"),
        "highlighted: {html}"
    );
    assert!(!html.contains("Canteen menu"));
    assert!(
        !html.contains("Draft travel policy"),
        "drafts are not searched"
    );
    // Prefixes and words of titles match too; all words are required.
    let (_, _, html) = page(&inst, "/articles/search?q=Tunnel%20remote").await;
    assert!(html.contains("Remote access"));
    let (_, _, html) = page(&inst, "/articles/search?q=tunnelclient%20soup").await;
    assert!(!html.contains("Remote access") && !html.contains("Canteen menu"));
    let (_, _, html) = page(&inst, "/articles/search?q=helicopter").await;
    assert!(!html.contains("Remote access"));
    assert!(html.contains("No article matches"));

    for hostile in [
        "\"foo* OR (",
        "NEAR(a b",
        "title:x AND -y",
        "'); DROP TABLE articles; --",
        "a & | ! :* \\",
        "\"",
        "***",
    ] {
        let query: String = url::form_urlencoded::byte_serialize(hostile.as_bytes()).collect();
        let (status, _, html) = page(&inst, &format!("/articles/search?q={query}")).await;
        assert_eq!(status, StatusCode::OK, "{hostile}: {html}");
        let (status, body) = api_get(&inst, &format!("{ARTICLES}?q={query}"), &editor).await;
        assert_eq!(status, StatusCode::OK, "{hostile}: {body:?}");
    }

    // The API filter, combined with the others.
    let (status, body) = api_get(&inst, &format!("{ARTICLES}?q=tunnelclient"), &editor).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [vpn["id"].as_str().unwrap()]);
    let (_, body) = api_get(
        &inst,
        &format!("{ARTICLES}?q=tunnelclient&status=draft"),
        &editor,
    )
    .await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["title"], "Draft travel policy");
    let (_, body) = api_get(&inst, &format!("{ARTICLES}?q=helicopter"), &editor).await;
    assert_eq!(body, json!([]));

    // The index follows edits and deletions.
    let id = vpn["id"].as_str().unwrap();
    let (status, _) = send(
        &inst,
        reqwest::Method::PATCH,
        &format!("{ARTICLES}/{id}"),
        &editor,
        json!({ "body": "Use the new gatewayapp." }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, html) = page(&inst, "/articles/search?q=tunnelclient").await;
    assert!(!html.contains("Remote access"));
    let (_, _, html) = page(&inst, "/articles/search?q=gatewayapp").await;
    assert!(html.contains("Remote access"));
    let (status, _) = send(
        &inst,
        reqwest::Method::DELETE,
        &format!("{ARTICLES}/{id}"),
        &editor,
        json!({}),
    )
    .await;
    assert!(status.is_success());
    let (_, _, html) = page(&inst, "/articles/search?q=gatewayapp").await;
    assert!(!html.contains("Remote access"));
    inst.stop().await;
}

/// The excerpts of a search results page (the HTML inside each `<p class="snippet">`).
fn snippets(html: &str) -> Vec<String> {
    html.split("<p class=\"snippet\">")
        .skip(1)
        .map(|rest| rest[..at(rest, "</p>")].to_string())
        .collect()
}

#[tokio::test]
async fn search_excerpts_show_plain_text_even_for_articles_older_than_the_text_column() {
    let inst = TestInstance::start().await;
    let editor = person(&inst, "comms", Role::Editor).await;
    article(
        &inst,
        &editor,
        json!({
            "title": "Results",
            "body": "# Heading\n\nThe **quarterly** numbers live in \
                     [the archive](https://corp.example/secret-path).\n\n\
                     | Quarter | Growth |\n|---|---|\n| Q1 | quarterly &amp; steady |\n\n\
                     ![Bar chart](https://corp.example/chart.png)",
            "status": "published",
        }),
    )
    .await;
    let plain = |excerpt: &str| {
        for markup in [
            "**",
            "#",
            "|",
            "](",
            "https://",
            "corp.example",
            "&amp;amp;",
        ] {
            assert!(
                !excerpt.contains(markup),
                "{markup:?} in excerpt {excerpt:?}"
            );
        }
    };

    let (_, _, html) = page(&inst, "/articles/search?q=quarterly").await;
    let found = snippets(&html);
    assert_eq!(found.len(), 1, "{html}");
    assert!(found[0].contains("<mark>quarterly</mark>"), "{found:?}");
    assert!(
        found[0].contains("the archive"),
        "link text is kept: {found:?}"
    );
    plain(&found[0]);
    // Link URLs are not searchable; image descriptions are.
    let (_, _, html) = page(&inst, "/articles/search?q=secret").await;
    assert!(snippets(&html).is_empty(), "{html}");
    let (_, _, html) = page(&inst, "/articles/search?q=chart").await;
    let found = snippets(&html);
    assert_eq!(found.len(), 1, "{html}");
    assert!(found[0].contains("<mark>chart</mark>"), "{found:?}");
    plain(&found[0]);

    // An article stored before `body_text` existed is searched as Markdown, until the step
    // after the migrations (run at every start-up) derives its text.
    let state = inst.state().clone();
    state
        .db()
        .write(|conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query("UPDATE articles SET body_text = NULL").execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let (_, _, html) = page(&inst, "/articles/search?q=quarterly").await;
    assert!(snippets(&html)[0].contains("**"), "{html}");
    state.db().migrate().await.expect("migrate");
    let (_, _, html) = page(&inst, "/articles/search?q=quarterly").await;
    let found = snippets(&html);
    assert!(found[0].contains("<mark>quarterly</mark>"), "{found:?}");
    plain(&found[0]);
    let (_, _, html) = page(&inst, "/articles/search?q=secret").await;
    assert!(snippets(&html).is_empty(), "{html}");
    inst.stop().await;
}

#[tokio::test]
async fn atom_feeds_have_one_entry_per_published_article() {
    let inst = TestInstance::start().await;
    let editor = person(&inst, "comms", Role::Editor).await;
    for name in ["Handbook", "News"] {
        post(
            &inst,
            "/api/trellis/v1/categories",
            &editor,
            json!({ "name": name }),
        )
        .await;
    }
    let first = article(
        &inst,
        &editor,
        json!({ "title": "Q&A <tips>", "summary": "Say \"hi\"", "body": "Use `<b>` & co.", "category": "handbook", "status": "published" }),
    )
    .await;
    article(&inst, &editor, json!({ "title": "Second", "body": "B.", "category": "handbook", "status": "published", "pinned": true })).await;
    article(
        &inst,
        &editor,
        json!({ "title": "Elsewhere", "body": "C.", "category": "news", "status": "published" }),
    )
    .await;
    article(
        &inst,
        &editor,
        json!({ "title": "Unfinished", "body": "D.", "category": "handbook" }),
    )
    .await;

    let response = inst
        .get("/articles/categories/handbook/feed.atom", "*/*")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let xml = response.text().await.unwrap();
    well_formed(&xml);
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert_eq!(xml.matches("<entry>").count(), 2, "{xml}");
    assert!(xml.contains(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}/articles/categories/handbook/feed.atom\"/>",
        inst.base
    )));
    assert!(xml.contains(&format!("<id>{}</id>", first["uri"].as_str().unwrap())));
    assert!(xml.contains(&format!("href=\"{}\"", first["url"].as_str().unwrap())));
    assert!(xml.contains("<title>Q&amp;A &lt;tips&gt;</title>"));
    assert!(xml.contains("<summary>Say &quot;hi&quot;</summary>"));
    assert!(xml.contains("<content type=\"html\">&lt;p&gt;"));
    assert!(xml.contains("<author><name>"));
    assert!(xml.contains("<published>") && xml.contains("<updated>"));
    assert!(!xml.contains("Elsewhere") && !xml.contains("Unfinished"));

    let xml = inst
        .get("/articles/feed.atom", "*/*")
        .await
        .text()
        .await
        .unwrap();
    well_formed(&xml);
    assert_eq!(xml.matches("<entry>").count(), 3);
    let response = inst.get("/articles/categories/nope/feed.atom", "*/*").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    inst.stop().await;
}

/// Fails unless `xml` is a well-formed XML document: one root, balanced and properly nested
/// elements, quoted attributes, only predefined or numeric entities.
fn well_formed(xml: &str) {
    fn entities(text: &str) {
        let mut rest = text;
        while let Some(i) = rest.find('&') {
            let tail = &rest[i + 1..];
            let end = tail
                .find(';')
                .unwrap_or_else(|| panic!("bare & in {text:?}"));
            let name = &tail[..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name
                    .strip_prefix("#x")
                    .is_some_and(|h| u32::from_str_radix(h, 16).is_ok())
                || name
                    .strip_prefix('#')
                    .is_some_and(|d| d.parse::<u32>().is_ok());
            assert!(ok, "unknown entity &{name}; in {text:?}");
            rest = &tail[end + 1..];
        }
        assert!(!text.contains('<'));
    }
    let body = xml.trim_start();
    let body = match body.strip_prefix("<?xml") {
        Some(rest) => &rest[rest.find("?>").expect("end of declaration") + 2..],
        None => body,
    };
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert!(
            !stack.is_empty() || text.trim().is_empty(),
            "text outside the root"
        );
        entities(text);
        let close = open + rest[open..].find('>').expect("unclosed tag");
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || ":_-.".contains(c)),
            "bad name {name:?}"
        );
        let mut attributes = tag[name_end..].trim();
        while !attributes.is_empty() {
            let eq = attributes.find('=').expect("attribute without value");
            let quote = attributes[eq + 1..]
                .chars()
                .next()
                .expect("attribute value");
            assert!(
                quote == '"' || quote == '\'',
                "unquoted attribute in <{tag}>"
            );
            let value_end = eq + 2 + attributes[eq + 2..].find(quote).expect("closing quote");
            entities(&attributes[eq + 2..value_end]);
            attributes = attributes[value_end + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    assert!(rest.trim().is_empty(), "text after the root");
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    assert_eq!(roots, 1, "one root element");
}
