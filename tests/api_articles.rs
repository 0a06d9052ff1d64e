//! The articles API under /api/trellis/v1: roles, validation, drafts, revisions, filters,
//! publishing as a status, acknowledgements, deletion and categories.

use crate::common;

use common::{ApiResponse, INTERNAL_TOKEN, TestInstance, link_param};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trellis::services::accounts::Role;

const ARTICLES: &str = "/api/trellis/v1/articles";
const CATEGORIES: &str = "/api/trellis/v1/categories";

/// A person with a role and a department; returns a full-access token.
async fn person(api: &TestInstance, name: &str, role: Role, department: Option<&str>) -> String {
    let department = department.map(str::to_string);
    api.create_user(name, |p| {
        p.role = Some(role);
        p.department = department;
    })
    .await;
    api.token(name, "read write follow").await
}

async fn category(api: &TestInstance, token: &str, name: &str) -> Value {
    let reply = api
        .api_post(CATEGORIES, Some(token), Some(json!({ "name": name })))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

async fn article(api: &TestInstance, token: &str, body: Value) -> Value {
    let reply = api.api_post(ARTICLES, Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

async fn patch(api: &TestInstance, path: &str, token: &str, body: Value) -> ApiResponse {
    api.api(Method::PATCH, path, Some(token), Some(body)).await
}

async fn delete(api: &TestInstance, path: &str, token: &str) -> ApiResponse {
    api.api(Method::DELETE, path, Some(token), None).await
}

fn ids(reply: &ApiResponse) -> Vec<String> {
    let mut ids = reply.ids();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

fn field_error(reply: &ApiResponse, field: &str) {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{field}: {:?}",
        reply.body
    );
    assert!(
        reply.body["details"][field].is_array(),
        "{field}: {:?}",
        reply.body
    );
}

#[tokio::test]
async fn an_editor_publishes_an_official_must_read_article_to_followers() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "comms", Role::Editor, Some("Communications")).await;
    let reader = person(&api, "bob", Role::Member, None).await;
    api.follow_as("bob", "comms").await;
    category(&api, &editor, "Handbook").await;

    let created = article(
        &api,
        &editor,
        json!({
            "title": "Travel <policy> & you",
            "summary": "What \"changes\" in 2027",
            "body": "# Travel\n\nBook **early**.\n\n<script>alert(1)</script>\n",
            "category": "handbook",
            "tags": ["#Travel", "hr"],
            "official": true,
            "must_read": true,
            "status": "published",
            "review_by": "2020-01-31",
        }),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let base = &api.base;
    assert_eq!(created["slug"], "travel-policy-you");
    assert_eq!(created["url"], format!("{base}/articles/travel-policy-you"));
    assert_eq!(created["uri"], format!("{base}/articles/{id}"));
    assert_eq!(created["status"], "published");
    assert_eq!(created["official"], true);
    assert_eq!(created["must_read"], true);
    assert_eq!(created["category"]["slug"], "handbook");
    assert_eq!(created["tags"], json!(["hr", "travel"]));
    assert_eq!(created["author"]["username"], "comms");
    assert_eq!(created["owner"]["username"], "comms");
    assert_eq!(created["review_by"], "2020-01-31");
    assert_eq!(created["stale"], true);
    assert!(created["published_at"].is_string());
    assert!(created["created_at"].is_string() && created["updated_at"].is_string());
    assert!(created["body"].as_str().unwrap().starts_with("# Travel"));
    let html = created["body_html"].as_str().unwrap();
    assert!(html.contains("<h1>Travel</h1>"), "{html}");
    assert!(html.contains("<strong>early</strong>"), "{html}");
    assert!(!html.contains("script"), "{html}");

    // The follower sees it as a status: title, summary and link, never a content warning.
    let status_id = created["status_id"].as_str().unwrap().to_string();
    let home = api.api_get("/api/v1/timelines/home", Some(&reader)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.ids(), vec![status_id.clone()]);
    let status = &home.body[0];
    let content = status["content"].as_str().unwrap();
    assert!(
        content.contains("<strong>Travel &lt;policy&gt; &amp; you</strong>"),
        "{content}"
    );
    assert!(
        content.contains("What &quot;changes&quot; in 2027"),
        "{content}"
    );
    assert!(
        content.contains(&format!("href=\"{base}/articles/travel-policy-you\"")),
        "{content}"
    );
    assert_eq!(status["spoiler_text"], "");
    assert_eq!(status["sensitive"], false);
    assert_eq!(status["visibility"], "public");
    assert_eq!(status["uri"], format!("{base}/articles/{id}"));
    assert_eq!(status["account"]["username"], "comms");

    // Replies to that status are the article's discussion.
    let reply = api
        .post_status(
            &reader,
            json!({ "status": "Does this cover trains?", "in_reply_to_id": status_id }),
        )
        .await;
    let context = api
        .api_get(
            &format!("/api/v1/statuses/{status_id}/context"),
            Some(&editor),
        )
        .await;
    assert_eq!(context.body["descendants"][0]["id"], reply["id"]);

    // The status is the article's: the Mastodon API cannot delete it behind its back.
    let removed = delete(&api, &format!("/api/v1/statuses/{status_id}"), &editor).await;
    assert_eq!(removed.status, StatusCode::UNPROCESSABLE_ENTITY);

    let shown = api
        .api_get(&format!("{ARTICLES}/{id}"), Some(&reader))
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.body["title"], "Travel <policy> & you");
    api.stop().await;
}

#[tokio::test]
async fn roles_decide_who_writes_what() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    let carol = person(&api, "carol", Role::Member, None).await;
    let dave = person(&api, "dave", Role::Member, None).await;
    let admin = person(&api, "root", Role::Admin, None).await;

    for flag in ["official", "must_read", "pinned"] {
        let reply = api
            .api_post(
                ARTICLES,
                Some(&carol),
                Some(json!({ "title": "Mine", "status": "published", flag: true })),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{flag}: {:?}",
            reply.body
        );
        assert!(
            reply.body["error"]
                .as_str()
                .unwrap()
                .contains("editors and admins"),
            "{:?}",
            reply.body
        );
    }
    let own = article(
        &api,
        &carol,
        json!({ "title": "Team notes", "status": "published" }),
    )
    .await;
    let path = format!("{ARTICLES}/{}", own["id"].as_str().unwrap());
    assert_eq!(own["official"], false);

    // Members edit only their own articles; editors and admins edit any.
    let reply = patch(&api, &path, &dave, json!({ "title": "Hijacked" })).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{:?}", reply.body);
    let reply = patch(&api, &path, &carol, json!({ "official": true })).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{:?}", reply.body);
    let reply = patch(&api, &path, &carol, json!({ "title": "Team notes, v2" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let reply = patch(&api, &path, &editor, json!({ "official": true })).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["official"], true);
    // Now official: the member may no longer change or delete it.
    let reply = patch(&api, &path, &carol, json!({ "title": "Back" })).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        delete(&api, &path, &carol).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        delete(&api, &path, &dave).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(delete(&api, &path, &admin).await.status, StatusCode::OK);

    // Only editors and admins hand articles to someone else.
    let reply = api
        .api_post(
            ARTICLES,
            Some(&carol),
            Some(json!({ "title": "Given away", "owner": "dave" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let given = article(
        &api,
        &editor,
        json!({ "title": "For dave", "owner": "dave" }),
    )
    .await;
    assert_eq!(given["owner"]["username"], "dave");
    assert_eq!(given["author"]["username"], "ed");
    api.stop().await;
}

#[tokio::test]
async fn members_may_not_write_where_the_instance_forbids_it() {
    let api = TestInstance::start_with(&[
        ("TRELLIS_INTERNAL_API_TOKEN", INTERNAL_TOKEN),
        ("TRELLIS_MEMBERS_MAY_WRITE", "false"),
    ])
    .await;
    let member = person(&api, "carol", Role::Member, None).await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    let reply = api
        .api_post(ARTICLES, Some(&member), Some(json!({ "title": "Mine" })))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{:?}", reply.body);
    article(&api, &editor, json!({ "title": "Official word" })).await;
    api.stop().await;
}

#[tokio::test]
async fn validation_errors_name_their_field() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    let cases = [
        (json!({ "title": "  " }), "title"),
        (json!({}), "title"),
        (json!({ "title": "x".repeat(201) }), "title"),
        (json!({ "title": "T", "category": "nope" }), "category"),
        (json!({ "title": "T", "status": "live" }), "status"),
        (json!({ "title": "T", "review_by": "soon" }), "review_by"),
        (json!({ "title": "T", "tags": ["not-a-tag"] }), "tags"),
        (json!({ "title": "T", "slug": "Not A Slug" }), "slug"),
        (json!({ "title": "T", "owner": "nobody" }), "owner"),
    ];
    for (body, field) in cases {
        let reply = api.api_post(ARTICLES, Some(&editor), Some(body)).await;
        field_error(&reply, field);
    }
    let reply = api
        .api_post(
            ARTICLES,
            Some(&editor),
            Some(json!({ "title": "T", "official": "maybe" })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);

    let created = article(&api, &editor, json!({ "title": "T", "slug": "t" })).await;
    let reply = api
        .api_post(
            ARTICLES,
            Some(&editor),
            Some(json!({ "title": "T", "slug": "t" })),
        )
        .await;
    field_error(&reply, "slug");
    let path = format!("{ARTICLES}/{}", created["id"].as_str().unwrap());
    field_error(
        &patch(&api, &path, &editor, json!({ "title": "" })).await,
        "title",
    );
    field_error(
        &patch(&api, &path, &editor, json!({ "status": "x" })).await,
        "status",
    );
    field_error(
        &patch(&api, &path, &editor, json!({ "slug": "other" })).await,
        "slug",
    );
    let reply = patch(&api, &path, &editor, json!({ "status": "published" })).await;
    assert_eq!(reply.status, StatusCode::OK);
    field_error(
        &patch(&api, &path, &editor, json!({ "status": "draft" })).await,
        "status",
    );
    // The same title again gets a free slug.
    let again = article(&api, &editor, json!({ "title": "T" })).await;
    assert_eq!(again["slug"], "t-2");
    api.stop().await;
}

#[tokio::test]
async fn drafts_are_seen_by_their_author_and_editors_only() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    let carol = person(&api, "carol", Role::Member, None).await;
    let bob = person(&api, "bob", Role::Member, None).await;
    let draft = article(&api, &carol, json!({ "title": "Work in progress" })).await;
    assert_eq!(draft["status"], "draft");
    assert!(draft["status_id"].is_null());
    assert!(draft["published_at"].is_null());
    let id = draft["id"].as_str().unwrap().to_string();
    let path = format!("{ARTICLES}/{id}");

    assert_eq!(
        api.api_get(&path, Some(&bob)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api_get(&format!("{path}/revisions"), Some(&bob))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        patch(&api, &path, &bob, json!({ "title": "x" }))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api_get(&path, Some(&carol)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.api_get(&path, Some(&editor)).await.status,
        StatusCode::OK
    );

    let drafts = format!("{ARTICLES}?status=draft");
    assert!(api.api_get(&drafts, Some(&bob)).await.ids().is_empty());
    assert_eq!(
        api.api_get(&drafts, Some(&carol)).await.ids(),
        vec![id.clone()]
    );
    assert_eq!(
        api.api_get(&drafts, Some(&editor)).await.ids(),
        vec![id.clone()]
    );
    // Not in the default (published) list, and nobody's home timeline.
    assert!(api.api_get(ARTICLES, Some(&editor)).await.ids().is_empty());
    assert!(
        api.api_get("/api/v1/timelines/home", Some(&carol))
            .await
            .ids()
            .is_empty()
    );

    // Publishing gives it a status in the author's timeline.
    let published = patch(&api, &path, &carol, json!({ "status": "published" })).await;
    assert_eq!(published.status, StatusCode::OK, "{:?}", published.body);
    let status_id = published.body["status_id"].as_str().unwrap().to_string();
    assert_eq!(
        api.api_get("/api/v1/timelines/home", Some(&carol))
            .await
            .ids(),
        vec![status_id]
    );
    assert_eq!(api.api_get(&path, Some(&bob)).await.status, StatusCode::OK);
    api.stop().await;
}

#[tokio::test]
async fn edits_are_kept_as_revisions_and_reach_the_status() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    let carol = person(&api, "carol", Role::Member, None).await;
    let created = article(
        &api,
        &carol,
        json!({ "title": "Expenses", "summary": "How to claim", "body": "v1", "status": "published" }),
    )
    .await;
    let path = format!("{ARTICLES}/{}", created["id"].as_str().unwrap());
    let reply = patch(
        &api,
        &path,
        &editor,
        json!({ "title": "Expenses 2027", "body": "v2", "change_note": "new rates" }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["title"], "Expenses 2027");
    assert_eq!(reply.body["summary"], "How to claim");
    assert_eq!(reply.body["author"]["username"], "carol");

    let revisions = api
        .api_get(&format!("{path}/revisions"), Some(&carol))
        .await;
    assert_eq!(revisions.status, StatusCode::OK);
    let list = revisions.body.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["editor"]["username"], "ed");
    assert_eq!(list[0]["title"], "Expenses 2027");
    assert_eq!(list[0]["body"], "v2");
    assert_eq!(list[0]["change_note"], "new rates");
    assert_eq!(list[0]["changed"], json!(["title", "body"]));
    assert_eq!(list[1]["editor"]["username"], "carol");
    assert_eq!(list[1]["title"], "Expenses");
    assert!(list[0]["created_at"].as_str().unwrap() >= list[1]["created_at"].as_str().unwrap());

    // The status follows the edit.
    let status_id = created["status_id"].as_str().unwrap();
    let status = api
        .api_get(&format!("/api/v1/statuses/{status_id}"), Some(&carol))
        .await;
    let content = status.body["content"].as_str().unwrap();
    assert!(content.contains("Expenses 2027"), "{content}");
    assert!(status.body["edited_at"].is_string());
    api.stop().await;
}

#[tokio::test]
async fn lists_filter_by_category_tag_author_status_official_and_staleness() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    let carol = person(&api, "carol", Role::Member, None).await;
    category(&api, &editor, "Handbook").await;
    category(&api, &editor, "News").await;
    let a = article(
        &api,
        &editor,
        json!({ "title": "A", "category": "handbook", "tags": "hr", "official": true,
                "status": "published", "review_by": "2001-01-01" }),
    )
    .await;
    let b = article(
        &api,
        &carol,
        json!({ "title": "B", "category": "news", "tags": ["it"], "status": "published",
                "review_by": "2999-01-01" }),
    )
    .await;
    let c = article(
        &api,
        &editor,
        json!({ "title": "C", "category": "handbook" }),
    )
    .await;
    let d = article(
        &api,
        &editor,
        json!({ "title": "D", "status": "archived", "tags": ["hr"] }),
    )
    .await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    let carol_id = api.account_id("carol").await;
    let cases: Vec<(String, Vec<String>)> = vec![
        (String::new(), vec![id(&a), id(&b)]),
        ("category=handbook".into(), vec![id(&a)]),
        ("category=news".into(), vec![id(&b)]),
        ("category=unknown".into(), vec![]),
        ("tag=hr".into(), vec![id(&a)]),
        ("tag=%23HR&status=archived".into(), vec![id(&d)]),
        ("tag=it".into(), vec![id(&b)]),
        ("author=carol".into(), vec![id(&b)]),
        (format!("author={carol_id}"), vec![id(&b)]),
        ("author=ed".into(), vec![id(&a)]),
        ("status=draft".into(), vec![id(&c)]),
        ("status=archived".into(), vec![id(&d)]),
        ("official=true".into(), vec![id(&a)]),
        ("official=false".into(), vec![id(&b)]),
        ("stale=true".into(), vec![id(&a)]),
        ("stale=false".into(), vec![id(&b)]),
        (
            "category=handbook&official=true&stale=true".into(),
            vec![id(&a)],
        ),
    ];
    for (query, expected) in cases {
        let reply = api
            .api_get(&format!("{ARTICLES}?{query}"), Some(&editor))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{query}");
        assert_eq!(ids(&reply), sorted(expected), "{query}");
    }
    let stale = api
        .api_get(&format!("{ARTICLES}?stale=1"), Some(&editor))
        .await;
    assert_eq!(stale.body[0]["stale"], true);

    // Pages of one, newest first, with a Link header.
    let first = api
        .api_get(&format!("{ARTICLES}?limit=1"), Some(&carol))
        .await;
    assert_eq!(first.ids(), vec![id(&b)]);
    let link = first.link.clone().expect("Link header");
    let max_id = link_param(&link, "next", "max_id").unwrap();
    let second = api
        .api_get(&format!("{ARTICLES}?limit=1&max_id={max_id}"), Some(&carol))
        .await;
    assert_eq!(second.ids(), vec![id(&a)]);

    let reply = api
        .api_get(&format!("{ARTICLES}?status=gone"), Some(&editor))
        .await;
    field_error(&reply, "status");
    let reply = api
        .api_get(&format!("{ARTICLES}?official=perhaps"), Some(&editor))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    api.stop().await;
}

#[tokio::test]
async fn q_ranks_title_matches_first_and_keeps_the_other_filters() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    category(&api, &editor, "Handbook").await;
    category(&api, &editor, "News").await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    // Oldest first: newest-first order would list the title match last.
    let titled = article(
        &api,
        &editor,
        json!({ "title": "Expense claims", "body": "How to file them.",
                "category": "handbook", "status": "published" }),
    )
    .await;
    let summarised = article(
        &api,
        &editor,
        json!({ "title": "Money matters", "summary": "All about expense reports",
                "body": "Ask finance.", "category": "news", "status": "published" }),
    )
    .await;
    let in_body = article(
        &api,
        &editor,
        json!({ "title": "Team lunch",
                "body": "Expense, expense, expenses: keep every **expense** receipt.\n\n\
                         See [the expense form](https://corp.example/expense).",
                "category": "news", "status": "published" }),
    )
    .await;
    article(
        &api,
        &editor,
        json!({ "title": "Unrelated", "body": "Nothing to see.", "status": "published" }),
    )
    .await;

    let ranked = api
        .api_get(&format!("{ARTICLES}?q=expense"), Some(&editor))
        .await;
    assert_eq!(ranked.status, StatusCode::OK, "{:?}", ranked.body);
    let order = ranked.ids();
    assert_eq!(order.len(), 3, "{order:?}");
    assert_eq!(order[0], id(&titled), "the title match comes first");
    assert_eq!(
        sorted(order[1..].to_vec()),
        sorted(vec![id(&summarised), id(&in_body)])
    );
    // Every word is required; a title holding them all still ranks first.
    let both = api
        .api_get(&format!("{ARTICLES}?q=claims%20expense"), Some(&editor))
        .await;
    assert_eq!(both.ids(), vec![id(&titled)]);

    // The other filters still apply, together with the ranking.
    let news = api
        .api_get(
            &format!("{ARTICLES}?q=expense&category=news"),
            Some(&editor),
        )
        .await;
    assert_eq!(ids(&news), sorted(vec![id(&summarised), id(&in_body)]));
    let handbook = api
        .api_get(
            &format!("{ARTICLES}?q=expense&category=handbook"),
            Some(&editor),
        )
        .await;
    assert_eq!(handbook.ids(), vec![id(&titled)]);
    let nothing = api
        .api_get(
            &format!("{ARTICLES}?q=lunch&category=handbook"),
            Some(&editor),
        )
        .await;
    assert_eq!(nothing.ids(), Vec::<String>::new());

    // Ranked results page by offset; the Link header carries it and keeps the filters.
    let mut seen = Vec::new();
    let mut path = format!("{ARTICLES}?q=expense&limit=1");
    for page in 0..3 {
        let reply = api.api_get(&path, Some(&editor)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {:?}", reply.body);
        assert_eq!(reply.ids().len(), 1, "{path}");
        seen.extend(reply.ids());
        let link = reply.link.clone().expect("Link header");
        if page > 0 {
            assert_eq!(
                link_param(&link, "prev", "offset").as_deref(),
                Some((page - 1).to_string().as_str())
            );
        }
        let offset = link_param(&link, "next", "offset").expect("next page");
        assert_eq!(link_param(&link, "next", "q").as_deref(), Some("expense"));
        path = format!("{ARTICLES}?q=expense&limit=1&offset={offset}");
    }
    assert_eq!(seen, order, "the pages follow the ranking");
    let past_the_end = api.api_get(&path, Some(&editor)).await;
    assert_eq!(past_the_end.ids(), Vec::<String>::new());

    // Id cursors do not page ranked results, and an offset pages nothing else.
    let reply = api
        .api_get(
            &format!("{ARTICLES}?q=expense&max_id={}", id(&in_body)),
            Some(&editor),
        )
        .await;
    field_error(&reply, "max_id");
    let reply = api
        .api_get(&format!("{ARTICLES}?q=expense&offset=-1"), Some(&editor))
        .await;
    field_error(&reply, "offset");
    let reply = api
        .api_get(&format!("{ARTICLES}?offset=1"), Some(&editor))
        .await;
    field_error(&reply, "offset");
    api.stop().await;
}

#[tokio::test]
async fn the_outbox_create_of_an_article_defines_the_trellis_terms() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "comms", Role::Editor, None).await;
    let created = article(
        &api,
        &editor,
        json!({ "title": "Read me", "body": "Important.", "must_read": true,
                "official": true, "status": "published" }),
    )
    .await;
    let uri = created["uri"].as_str().unwrap();
    const AP: &str = "application/activity+json";
    let response = api.get("/users/comms/outbox?page=1", AP).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    let create = page["orderedItems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["object"]["id"] == uri)
        .unwrap_or_else(|| panic!("no Create of {uri} in {page}"))
        .clone();
    assert_eq!(create["type"], "Create");
    assert_eq!(create["object"]["type"], "Article");
    assert_eq!(create["object"]["mustRead"], true);
    let terms = create["@context"]
        .as_array()
        .and_then(|parts| parts.iter().find(|part| part.get("mustRead").is_some()))
        .unwrap_or_else(|| panic!("mustRead is not defined by {}", create["@context"]));
    assert_eq!(terms["mustRead"], "trellis:mustRead");
    assert_eq!(terms["official"], "trellis:official");
    assert_eq!(terms["trellis"], "https://trellis.social/ns#");
    // The same context as the Article itself, which deliveries copy.
    let object: Value = api
        .get(
            &format!("/articles/{}", created["id"].as_str().unwrap()),
            AP,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(create["@context"], object["@context"]);
    api.stop().await;
}

#[tokio::test]
async fn must_read_articles_are_acknowledged_and_counted() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, Some("Communications")).await;
    let bob = person(&api, "bob", Role::Member, Some("Finance")).await;
    let carol = person(&api, "carol", Role::Member, Some("Finance")).await;
    let dave = person(&api, "dave", Role::Member, None).await;
    let must = article(
        &api,
        &editor,
        json!({ "title": "Security rules", "must_read": true, "status": "published" }),
    )
    .await;
    let plain = article(
        &api,
        &editor,
        json!({ "title": "Lunch", "status": "published" }),
    )
    .await;
    let draft = article(&api, &editor, json!({ "title": "Soon", "must_read": true })).await;
    let ack = |v: &Value| format!("{ARTICLES}/{}/acknowledge", v["id"].as_str().unwrap());

    for token in [&bob, &carol, &dave, &bob] {
        let reply = api
            .api_post(&ack(&must), Some(token), Some(json!({})))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        assert_eq!(reply.body["acknowledged"], true);
        assert!(reply.body["acknowledged_at"].is_string());
    }
    field_error(
        &api.api_post(&ack(&plain), Some(&bob), Some(json!({})))
            .await,
        "article",
    );
    assert_eq!(
        api.api_post(&ack(&draft), Some(&bob), Some(json!({})))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let path = format!(
        "{ARTICLES}/{}/acknowledgements",
        must["id"].as_str().unwrap()
    );
    assert_eq!(
        api.api_get(&path, Some(&bob)).await.status,
        StatusCode::FORBIDDEN
    );
    let report = api.api_get(&path, Some(&editor)).await;
    assert_eq!(report.status, StatusCode::OK, "{:?}", report.body);
    assert_eq!(report.body["count"], 3);
    let names: Vec<&str> = report.body["acknowledgements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"]["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["bob", "carol", "dave"]);
    assert!(report.body["acknowledgements"][0]["acknowledged_at"].is_string());
    assert_eq!(
        report.body["by_domain"],
        json!([{ "name": api.domain, "count": 3 }])
    );
    assert_eq!(
        report.body["by_department"],
        json!([{ "name": "Finance", "count": 2 }, { "name": null, "count": 1 }])
    );
    api.stop().await;
}

#[tokio::test]
async fn deleting_an_article_withdraws_its_status_and_leaves_a_tombstone() {
    use trellis::db::models::Tombstone;
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    let bob = person(&api, "bob", Role::Member, None).await;
    api.follow_as("bob", "ed").await;
    let created = article(
        &api,
        &editor,
        json!({ "title": "Old news", "status": "published" }),
    )
    .await;
    let path = format!("{ARTICLES}/{}", created["id"].as_str().unwrap());
    let status_id = created["status_id"].as_str().unwrap().to_string();
    let uri = created["uri"].as_str().unwrap().to_string();
    assert_eq!(
        api.api_get("/api/v1/timelines/home", Some(&bob))
            .await
            .ids(),
        vec![status_id.clone()]
    );

    assert_eq!(
        delete(&api, &path, &bob).await.status,
        StatusCode::FORBIDDEN
    );
    let reply = delete(&api, &path, &editor).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(
        api.api_get(&path, Some(&editor)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        delete(&api, &path, &editor).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.api_get(&format!("/api/v1/statuses/{status_id}"), Some(&bob))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        api.api_get("/api/v1/timelines/home", Some(&bob))
            .await
            .ids()
            .is_empty()
    );
    let state = api.state().clone();
    let tombstone = state
        .db()
        .read(move |conn| Tombstone::find(conn, &uri))
        .await
        .unwrap()
        .expect("a tombstone for the article's id");
    assert_eq!(tombstone.former_type, "Article");
    api.stop().await;
}

#[tokio::test]
async fn categories_are_managed_by_editors() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    let member = person(&api, "carol", Role::Member, None).await;
    let created = api
        .api_post(
            CATEGORIES,
            Some(&editor),
            Some(json!({ "name": "Human Resources", "description": "People matters" })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["slug"], "human-resources");
    assert_eq!(created.body["description"], "People matters");
    let named = category(&api, &editor, "IT").await;
    assert_eq!(named["slug"], "it");

    let all = api.api_get(CATEGORIES, Some(&member)).await;
    assert_eq!(all.status, StatusCode::OK);
    let slugs: Vec<&str> = all
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, vec!["human-resources", "it"]);
    let one = api
        .api_get(&format!("{CATEGORIES}/it"), Some(&member))
        .await;
    assert_eq!(one.body["name"], "IT");

    let path = format!("{CATEGORIES}/human-resources");
    let renamed = patch(&api, &path, &editor, json!({ "name": "HR" })).await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(renamed.body["name"], "HR");
    assert_eq!(renamed.body["slug"], "human-resources");
    assert_eq!(renamed.body["description"], "People matters");

    // Members read but do not change.
    let reply = api
        .api_post(CATEGORIES, Some(&member), Some(json!({ "name": "Mine" })))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.body["error"].as_str().unwrap().contains("categories"));
    assert_eq!(
        patch(&api, &path, &member, json!({ "name": "x" }))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        delete(&api, &path, &member).await.status,
        StatusCode::FORBIDDEN
    );

    // Validation and conflicts.
    field_error(
        &api.api_post(CATEGORIES, Some(&editor), Some(json!({ "name": " " })))
            .await,
        "name",
    );
    field_error(
        &api.api_post(CATEGORIES, Some(&editor), Some(json!({ "name": "It" })))
            .await,
        "slug",
    );
    field_error(
        &api.api_post(
            CATEGORIES,
            Some(&editor),
            Some(json!({ "name": "X", "slug": "A B" })),
        )
        .await,
        "slug",
    );
    field_error(
        &patch(&api, &path, &editor, json!({ "name": "" })).await,
        "name",
    );
    article(
        &api,
        &editor,
        json!({ "title": "Leave", "category": "human-resources" }),
    )
    .await;
    assert_eq!(
        delete(&api, &path, &editor).await.status,
        StatusCode::CONFLICT
    );
    let it = format!("{CATEGORIES}/it");
    assert_eq!(delete(&api, &it, &editor).await.status, StatusCode::OK);
    assert_eq!(
        api.api_get(&it, Some(&editor)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        patch(&api, &it, &editor, json!({ "name": "y" }))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        delete(&api, &it, &editor).await.status,
        StatusCode::NOT_FOUND
    );
    api.stop().await;
}

#[tokio::test]
async fn every_route_answers_401_403_and_404() {
    let api = TestInstance::start_with_internal().await;
    let editor = person(&api, "ed", Role::Editor, None).await;
    let revoked = person(&api, "gone", Role::Editor, None).await;
    api.revoke(&revoked).await;
    api.create_user("narrow", |p| p.role = Some(Role::Editor))
        .await;
    let narrow = api.token("narrow", "read:accounts").await;
    let reader = api.token("ed", "read").await;
    category(&api, &editor, "Handbook").await;
    let created = article(
        &api,
        &editor,
        json!({ "title": "Rules", "must_read": true, "status": "published" }),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, ARTICLES.into(), None),
        (Method::POST, ARTICLES.into(), Some(json!({ "title": "x" }))),
        (Method::GET, format!("{ARTICLES}/{id}"), None),
        (
            Method::PATCH,
            format!("{ARTICLES}/{id}"),
            Some(json!({ "title": "y" })),
        ),
        (Method::DELETE, format!("{ARTICLES}/{id}"), None),
        (Method::GET, format!("{ARTICLES}/{id}/revisions"), None),
        (
            Method::POST,
            format!("{ARTICLES}/{id}/acknowledge"),
            Some(json!({})),
        ),
        (
            Method::GET,
            format!("{ARTICLES}/{id}/acknowledgements"),
            None,
        ),
        (Method::GET, CATEGORIES.into(), None),
        (
            Method::POST,
            CATEGORIES.into(),
            Some(json!({ "name": "x" })),
        ),
        (Method::GET, format!("{CATEGORIES}/handbook"), None),
        (
            Method::PATCH,
            format!("{CATEGORIES}/handbook"),
            Some(json!({ "name": "y" })),
        ),
        (Method::DELETE, format!("{CATEGORIES}/handbook"), None),
    ];
    for (method, path, body) in &routes {
        api.check_auth_errors(method.clone(), path, &revoked, &narrow, body.clone())
            .await;
        // A read-only token may read, not write.
        let reply = api
            .api(method.clone(), path, Some(&reader), body.clone())
            .await;
        if *method == Method::GET {
            assert_eq!(reply.status, StatusCode::OK, "{method} {path}");
        } else {
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path}");
        }
    }
    // Unknown ids and slugs.
    for (method, path, body) in [
        (Method::GET, format!("{ARTICLES}/1"), None),
        (Method::GET, format!("{ARTICLES}/not-a-number"), None),
        (
            Method::PATCH,
            format!("{ARTICLES}/1"),
            Some(json!({ "title": "z" })),
        ),
        (Method::DELETE, format!("{ARTICLES}/1"), None),
        (Method::GET, format!("{ARTICLES}/1/revisions"), None),
        (
            Method::POST,
            format!("{ARTICLES}/1/acknowledge"),
            Some(json!({})),
        ),
        (Method::GET, format!("{ARTICLES}/1/acknowledgements"), None),
        (Method::GET, format!("{CATEGORIES}/nope"), None),
        (
            Method::PATCH,
            format!("{CATEGORIES}/nope"),
            Some(json!({ "name": "z" })),
        ),
        (Method::DELETE, format!("{CATEGORIES}/nope"), None),
    ] {
        let reply = api.api(method.clone(), &path, Some(&editor), body).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert!(reply.body["error"].is_string());
    }
    // Invalid bodies.
    field_error(
        &patch(
            &api,
            &format!("{ARTICLES}/{id}"),
            &editor,
            json!({ "review_by": "x" }),
        )
        .await,
        "review_by",
    );
    field_error(
        &patch(
            &api,
            &format!("{ARTICLES}/{id}"),
            &editor,
            json!({ "category": "nope" }),
        )
        .await,
        "category",
    );
    let reply = api
        .api(
            Method::POST,
            ARTICLES,
            Some(&editor),
            Some(json!({ "title": ["a", "b"] })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    api.stop().await;
}
