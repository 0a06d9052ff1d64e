//! Article channels: every category has a Group actor, the instance has one for every
//! article; people who follow a channel get its articles in their home timeline as the
//! channel's boosts, moved when an article changes category.

use crate::common;

use common::{ApiResponse, TestInstance};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trellis::services::accounts::Role;

const ARTICLES: &str = "/api/trellis/v1/articles";
const CATEGORIES: &str = "/api/trellis/v1/categories";
const ACTIVITY_JSON: &str = "application/activity+json";

async fn person(api: &TestInstance, name: &str, role: Role) -> String {
    api.create_user(name, |p| p.role = Some(role)).await;
    api.token(name, "read write follow").await
}

async fn category(api: &TestInstance, token: &str, name: &str) -> ApiResponse {
    api.api_post(CATEGORIES, Some(token), Some(json!({ "name": name })))
        .await
}

/// Follows the local account `acct` through the client API, as an app would.
async fn follow(api: &TestInstance, token: &str, acct: &str) -> Value {
    let found = api
        .api_get(&format!("/api/v1/accounts/lookup?acct={acct}"), Some(token))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{acct}: {:?}", found.body);
    let id = found.body["id"].as_str().unwrap().to_string();
    let followed = api
        .api_post(&format!("/api/v1/accounts/{id}/follow"), Some(token), None)
        .await;
    assert_eq!(followed.status, StatusCode::OK, "{:?}", followed.body);
    assert_eq!(followed.body["following"], true, "{:?}", followed.body);
    found.body
}

async fn following_count(api: &TestInstance, token: &str) -> Value {
    api.api_get("/api/v1/accounts/verify_credentials", Some(token))
        .await
        .body["following_count"]
        .clone()
}

async fn home(api: &TestInstance, token: &str) -> Vec<Value> {
    let reply = api.api_get("/api/v1/timelines/home", Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body.as_array().unwrap().clone()
}

/// The home timeline entries that show the article status `uri`, as (booster, status uri).
async fn entries_for(api: &TestInstance, token: &str, uri: &str) -> Vec<(String, String)> {
    home(api, token)
        .await
        .into_iter()
        .filter_map(|s| {
            let shown = if s["reblog"].is_object() {
                &s["reblog"]
            } else {
                &s
            };
            (shown["uri"] == uri).then(|| {
                let by = if s["reblog"].is_object() {
                    s["account"]["acct"].as_str().unwrap().to_string()
                } else {
                    String::new()
                };
                (by, shown["uri"].as_str().unwrap().to_string())
            })
        })
        .collect()
}

#[tokio::test]
async fn a_category_is_a_group_actor_that_servers_and_browsers_can_find() {
    let api = TestInstance::start().await;
    let editor = person(&api, "comms", Role::Editor).await;
    let created = category(&api, &editor, "Getting started").await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["slug"], "getting-started");
    let base = &api.base;
    let actor = format!("{base}/users/getting_started");
    assert_eq!(
        created.body["channel"],
        json!({ "acct": format!("getting_started@{}", api.domain), "uri": actor })
    );

    // The actor document: a Group named after the category, with its page as url.
    let response = api.get("/users/getting_started", ACTIVITY_JSON).await;
    assert_eq!(response.status(), StatusCode::OK);
    let group: Value = response.json().await.unwrap();
    assert_eq!(group["type"], "Group");
    assert_eq!(group["id"], actor);
    assert_eq!(group["preferredUsername"], "getting_started");
    assert_eq!(group["name"], "Getting started");
    assert_eq!(
        group["url"],
        format!("{base}/articles/categories/getting-started")
    );
    assert_eq!(group["followers"], format!("{actor}/followers"));
    assert!(
        group["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .contains("PUBLIC KEY")
    );

    // WebFinger finds it; the category page serves it to servers and names it to people.
    let response = api
        .get(
            &format!(
                "/.well-known/webfinger?resource=acct:getting_started@{}",
                api.domain
            ),
            "application/jrd+json",
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let jrd: Value = response.json().await.unwrap();
    assert!(
        jrd["links"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["rel"] == "self" && l["href"] == actor),
        "{jrd}"
    );
    let response = api
        .get("/articles/categories/getting-started", ACTIVITY_JSON)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let served: Value = response.json().await.unwrap();
    assert_eq!(served["id"], actor);
    let page = api
        .get("/articles/categories/getting-started", "text/html")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("@getting_started@{}", api.domain)),
        "{page}"
    );
    assert!(page.contains(&format!("href=\"{actor}\"")), "{page}");

    // A browser asking for the actor is sent to the category page.
    let response = api.get("/users/getting_started", "text/html").await;
    assert!(response.status().is_redirection());
    assert_eq!(
        response.headers()["location"],
        format!("{base}/articles/categories/getting-started").as_str()
    );

    // The instance channel is a Group too, carried by the article index.
    let response = api.get("/articles", ACTIVITY_JSON).await;
    let instance_channel: Value = response.json().await.unwrap();
    assert_eq!(instance_channel["type"], "Group");
    assert_eq!(instance_channel["id"], format!("{base}/users/articles"));
    assert_eq!(instance_channel["url"], format!("{base}/articles"));

    // Renaming the category renames its channel; deleting it ends the channel.
    let renamed = api
        .api(
            Method::PATCH,
            &format!("{CATEGORIES}/getting-started"),
            Some(&editor),
            Some(json!({ "name": "First steps", "description": "Where to begin" })),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    let group: Value = api
        .get("/users/getting_started", ACTIVITY_JSON)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(group["name"], "First steps");
    assert!(
        group["summary"]
            .as_str()
            .unwrap()
            .contains("Where to begin")
    );
    let reader = person(&api, "reader", Role::Member).await;
    follow(&api, &reader, "getting_started").await;
    assert_eq!(following_count(&api, &reader).await, 1);
    let deleted = api
        .api(
            Method::DELETE,
            &format!("{CATEGORIES}/getting-started"),
            Some(&editor),
            None,
        )
        .await;
    assert!(deleted.status.is_success(), "{:?}", deleted.body);
    let response = api.get("/users/getting_started", ACTIVITY_JSON).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        following_count(&api, &reader).await,
        0,
        "the follow of a closed channel ends"
    );

    // The same slug can be used again: the channel comes back.
    let again = category(&api, &editor, "Getting started").await;
    assert_eq!(again.status, StatusCode::CREATED, "{:?}", again.body);
    let response = api.get("/users/getting_started", ACTIVITY_JSON).await;
    assert_eq!(response.status(), StatusCode::OK);
    api.stop().await;
}

#[tokio::test]
async fn channel_names_and_people_names_never_collide() {
    let api = TestInstance::start().await;
    let editor = person(&api, "comms", Role::Editor).await;

    // A category whose channel name is a person's is refused, naming the slug.
    let taken = category(&api, &editor, "Comms").await;
    assert_eq!(
        taken.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        taken.body
    );
    assert!(taken.body["details"]["slug"].is_array(), "{:?}", taken.body);
    assert_eq!(
        api.api_get(CATEGORIES, Some(&editor)).await.body,
        json!([]),
        "nothing was created"
    );

    // A person cannot take a channel's name, nor the instance channel's.
    assert_eq!(
        category(&api, &editor, "Handbook").await.status,
        StatusCode::CREATED
    );
    for name in ["handbook", "articles"] {
        let state = api.state().clone();
        let result = trellis::services::accounts::create(
            &state,
            trellis::services::accounts::NewPerson {
                username: name.into(),
                email: format!("{name}@corp.example"),
                ..Default::default()
            },
        )
        .await;
        let message = result.expect_err("the name is taken").to_string();
        assert!(message.contains("already taken"), "{name}: {message}");
    }
    api.stop().await;
}

#[tokio::test]
async fn followers_of_a_channel_get_its_articles_once_and_follow_them_across_categories() {
    let api = TestInstance::start().await;
    let editor = person(&api, "comms", Role::Editor).await;
    let security_reader = person(&api, "sam", Role::Member).await;
    let everything_reader = person(&api, "eve", Role::Member).await;
    let fan = person(&api, "fan", Role::Member).await;
    for name in ["Security", "Handbook"] {
        assert_eq!(
            category(&api, &editor, name).await.status,
            StatusCode::CREATED
        );
    }
    let channel = follow(&api, &security_reader, "security").await;
    assert_eq!(channel["group"], true);
    assert_eq!(channel["display_name"], "Security");
    follow(&api, &everything_reader, "articles").await;
    // A fan follows the author and both channels: the article shows once.
    follow(&api, &fan, "comms").await;
    follow(&api, &fan, "security").await;
    follow(&api, &fan, "articles").await;

    let created = api
        .api_post(
            ARTICLES,
            Some(&editor),
            Some(json!({
                "title": "Phishing drills",
                "summary": "What to do with a suspicious mail",
                "body": "Report it.",
                "category": "security",
                "status": "published",
            })),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let uri = created.body["uri"].as_str().unwrap().to_string();
    let id = created.body["id"].as_str().unwrap().to_string();

    assert_eq!(
        entries_for(&api, &security_reader, &uri).await,
        vec![("security".to_string(), uri.clone())]
    );
    assert_eq!(
        entries_for(&api, &everything_reader, &uri).await,
        vec![("articles".to_string(), uri.clone())]
    );
    assert_eq!(
        entries_for(&api, &fan, &uri).await,
        vec![(String::new(), uri.clone())],
        "the article once, not once per channel"
    );
    let boosted = home(&api, &security_reader).await;
    let content = boosted[0]["reblog"]["content"].as_str().unwrap();
    assert!(content.contains("Phishing drills"), "{content}");
    // The channel's outbox is its articles, as Announces.
    let outbox: Value = api
        .get("/users/security/outbox?page=1", ACTIVITY_JSON)
        .await
        .json()
        .await
        .unwrap();
    let first = &outbox["orderedItems"][0];
    assert_eq!(first["type"], "Announce", "{outbox}");
    assert_eq!(first["object"], uri, "{outbox}");
    assert_eq!(first["actor"], format!("{}/users/security", api.base));

    // Moving the article to another category moves the category channel's boost.
    let moved = api
        .api(
            Method::PATCH,
            &format!("{ARTICLES}/{id}"),
            Some(&editor),
            Some(json!({ "category": "handbook" })),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    assert_eq!(entries_for(&api, &security_reader, &uri).await, vec![]);
    assert_eq!(
        entries_for(&api, &everything_reader, &uri).await,
        vec![("articles".to_string(), uri.clone())]
    );
    let handbook = api
        .api_get("/api/v1/accounts/lookup?acct=handbook", Some(&fan))
        .await;
    let handbook_id = handbook.body["id"].as_str().unwrap();
    let statuses = api
        .api_get(
            &format!("/api/v1/accounts/{handbook_id}/statuses"),
            Some(&fan),
        )
        .await;
    assert_eq!(
        statuses.body[0]["reblog"]["uri"], uri,
        "{:?}",
        statuses.body
    );

    // Deleting the article removes it everywhere.
    let deleted = api
        .api(
            Method::DELETE,
            &format!("{ARTICLES}/{id}"),
            Some(&editor),
            None,
        )
        .await;
    assert!(deleted.status.is_success());
    assert_eq!(entries_for(&api, &everything_reader, &uri).await, vec![]);
    assert_eq!(entries_for(&api, &fan, &uri).await, vec![]);
    api.stop().await;
}

#[tokio::test]
async fn an_instance_can_do_without_the_instance_channel() {
    let api = TestInstance::start_with(&[("TRELLIS_ARTICLES_CHANNEL", "")]).await;
    let response = api.get("/users/articles", ACTIVITY_JSON).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = api.get("/articles", ACTIVITY_JSON).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let page = api
        .get("/articles", "text/html")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("class=\"meta channel"), "{page}");
    api.stop().await;
}
