//! The timelines API (home, public, tag, direct), pagination, block and mute filtering, and
//! markers.

use crate::common;

use common::{TestInstance, link_param};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_new_status_appears_in_home_and_public_timelines() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let (alice, bob) = (&tokens[0], &tokens[1]);
    let status = api.post_status(alice, json!({ "status": "Hello" })).await;
    let id = status["id"].as_str().unwrap().to_string();

    let home = api.api_get("/api/v1/timelines/home", Some(alice)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.ids(), vec![id.clone()]);
    assert_eq!(home.body[0]["account"]["username"], "alice");
    // Bob does not follow alice: not in his home timeline, but in the public ones.
    assert!(
        api.api_get("/api/v1/timelines/home", Some(bob))
            .await
            .ids()
            .is_empty()
    );
    for path in [
        "/api/v1/timelines/public",
        "/api/v1/timelines/public?local=true",
        "/api/v1/timelines/public?local=1&only_media=false",
    ] {
        let reply = api.api_get(path, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.ids(), vec![id.clone()], "{path}");
    }
    assert!(
        api.api_get("/api/v1/timelines/public?remote=true", None)
            .await
            .ids()
            .is_empty()
    );
    assert!(
        api.api_get("/api/v1/timelines/public?only_media=true", None)
            .await
            .ids()
            .is_empty()
    );
    // Following later brings earlier posts into the home timeline; boosts stay out of public.
    api.follow_as("bob", "alice").await;
    assert_eq!(
        api.api_get("/api/v1/timelines/home", Some(bob)).await.ids(),
        vec![id.clone()]
    );
    api.api_post(
        &format!("/api/v1/statuses/{id}/reblog"),
        Some(bob),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        api.api_get("/api/v1/timelines/public", None).await.ids(),
        vec![id.clone()]
    );
    api.stop().await;
}

#[tokio::test]
async fn pagination_returns_the_right_slices() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice"]).await;
    let alice = &tokens[0];
    let mut ids = Vec::new();
    for n in 0..5 {
        let status = api
            .post_status(alice, json!({ "status": format!("number {n}") }))
            .await;
        ids.push(status["id"].as_str().unwrap().to_string());
    }
    // ids[4] is the newest.
    for timeline in ["/api/v1/timelines/home", "/api/v1/timelines/public"] {
        let page = api
            .api_get(&format!("{timeline}?limit=2"), Some(alice))
            .await;
        assert_eq!(
            page.ids(),
            vec![ids[4].clone(), ids[3].clone()],
            "{timeline}"
        );
        let link = page.link.expect("Link header");
        assert_eq!(
            link_param(&link, "next", "max_id").as_deref(),
            Some(ids[3].as_str())
        );
        assert_eq!(
            link_param(&link, "prev", "min_id").as_deref(),
            Some(ids[4].as_str())
        );
        let page = api
            .api_get(
                &format!("{timeline}?limit=2&max_id={}", ids[3]),
                Some(alice),
            )
            .await;
        assert_eq!(page.ids(), vec![ids[2].clone(), ids[1].clone()]);
        let page = api
            .api_get(&format!("{timeline}?since_id={}", ids[1]), Some(alice))
            .await;
        assert_eq!(
            page.ids(),
            vec![ids[4].clone(), ids[3].clone(), ids[2].clone()]
        );
        // since_id: the newest ones; min_id: the ones right after the cursor.
        let page = api
            .api_get(
                &format!("{timeline}?limit=2&since_id={}", ids[0]),
                Some(alice),
            )
            .await;
        assert_eq!(page.ids(), vec![ids[4].clone(), ids[3].clone()]);
        let page = api
            .api_get(
                &format!("{timeline}?limit=2&min_id={}", ids[0]),
                Some(alice),
            )
            .await;
        assert_eq!(page.ids(), vec![ids[2].clone(), ids[1].clone()]);
        let page = api
            .api_get(
                &format!("{timeline}?max_id={}&min_id={}", ids[4], ids[1]),
                Some(alice),
            )
            .await;
        assert_eq!(page.ids(), vec![ids[3].clone(), ids[2].clone()]);
        // An empty page still links back.
        let page = api
            .api_get(&format!("{timeline}?min_id={}", ids[4]), Some(alice))
            .await;
        assert!(page.ids().is_empty());
        assert!(page.link.expect("Link header").contains("rel=\"prev\""));
        let reply = api
            .api_get(&format!("{timeline}?max_id=abc"), Some(alice))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    api.stop().await;
}

#[tokio::test]
async fn tag_timeline_filters_by_hashtags() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice"]).await;
    let alice = &tokens[0];
    let rust = api
        .post_status(alice, json!({ "status": "I like #Rust" }))
        .await;
    let both = api
        .post_status(alice, json!({ "status": "#rust and #go together" }))
        .await;
    let go = api
        .post_status(alice, json!({ "status": "Only #go here" }))
        .await;
    let private = api
        .post_status(
            alice,
            json!({ "status": "secret #rust", "visibility": "private" }),
        )
        .await;
    let id = |v: &serde_json::Value| v["id"].as_str().unwrap().to_string();

    let reply = api.api_get("/api/v1/timelines/tag/rust", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.ids(), vec![id(&both), id(&rust)]);
    assert!(!reply.ids().contains(&id(&private)));
    assert_eq!(
        api.api_get("/api/v1/timelines/tag/RUST?local=true", Some(alice))
            .await
            .ids(),
        vec![id(&both), id(&rust)]
    );
    assert_eq!(
        api.api_get("/api/v1/timelines/tag/rust?any[]=go", None)
            .await
            .ids(),
        vec![id(&go), id(&both), id(&rust)]
    );
    assert_eq!(
        api.api_get("/api/v1/timelines/tag/rust?all[]=go", None)
            .await
            .ids(),
        vec![id(&both)]
    );
    assert_eq!(
        api.api_get("/api/v1/timelines/tag/rust?none[]=go", None)
            .await
            .ids(),
        vec![id(&rust)]
    );
    assert!(
        api.api_get("/api/v1/timelines/tag/rust?remote=true", None)
            .await
            .ids()
            .is_empty()
    );
    assert!(
        api.api_get("/api/v1/timelines/tag/nothing", None)
            .await
            .ids()
            .is_empty()
    );
    let reply = api
        .api_get("/api/v1/timelines/tag/rust?limit=x", None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    api.stop().await;
}

/// Inserts a block or mute row directly (the blocks API is not part of these tests).
async fn silence(api: &TestInstance, table: &str, who: &str, target: &str) {
    use diesel::prelude::*;
    use trellis::db::schema::{blocks, mutes};
    let state = api.state().clone();
    let who: i64 = api.account_id(who).await.parse().unwrap();
    let target: i64 = api.account_id(target).await.parse().unwrap();
    let id = state.ids().next_id();
    let now = chrono::Utc::now().naive_utc();
    let table = table.to_string();
    state
        .db()
        .write(move |conn| {
            if table == "blocks" {
                diesel::insert_into(blocks::table)
                    .values((
                        blocks::id.eq(id),
                        blocks::account_id.eq(who),
                        blocks::target_account_id.eq(target),
                        blocks::created_at.eq(now),
                    ))
                    .execute(conn)?;
            } else {
                diesel::insert_into(mutes::table)
                    .values((
                        mutes::id.eq(id),
                        mutes::account_id.eq(who),
                        mutes::target_account_id.eq(target),
                        mutes::notifications.eq(true),
                        mutes::created_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn blocked_and_muted_authors_are_left_out_of_public_timelines() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob", "carol", "dave"]).await;
    let (alice, bob, carol, dave) = (&tokens[0], &tokens[1], &tokens[2], &tokens[3]);
    let from_bob = api.post_status(bob, json!({ "status": "bob #news" })).await;
    let from_carol = api
        .post_status(carol, json!({ "status": "carol #news" }))
        .await;
    let from_dave = api
        .post_status(dave, json!({ "status": "dave #news" }))
        .await;
    let id = |v: &serde_json::Value| v["id"].as_str().unwrap().to_string();
    silence(&api, "blocks", "alice", "bob").await;
    silence(&api, "mutes", "alice", "carol").await;
    // Dave blocks alice: she does not see his posts either.
    silence(&api, "blocks", "dave", "alice").await;
    for path in ["/api/v1/timelines/public", "/api/v1/timelines/tag/news"] {
        assert!(
            api.api_get(path, Some(alice)).await.ids().is_empty(),
            "{path}"
        );
        assert_eq!(
            api.api_get(path, None).await.ids(),
            vec![id(&from_dave), id(&from_carol), id(&from_bob)],
            "{path}"
        );
    }
    api.stop().await;
}

#[tokio::test]
async fn markers_round_trip() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice", "bob"]).await;
    let (alice, bob) = (&tokens[0], &tokens[1]);
    let reply = api
        .api_get(
            "/api/v1/markers?timeline[]=home&timeline[]=notifications",
            Some(alice),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({}));

    let reply = api
        .api_form("/api/v1/markers", alice, &[("home[last_read_id]", "103")])
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["home"]["last_read_id"], "103");
    let first_version = reply.body["home"]["version"].as_i64().unwrap();
    assert!(
        reply.body["home"]["updated_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert!(reply.body.get("notifications").is_none());

    let reply = api
        .api_post(
            "/api/v1/markers",
            Some(alice),
            Some(json!({ "home": { "last_read_id": "107" }, "notifications": { "last_read_id": 5 } })),)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["home"]["last_read_id"], "107");
    assert_eq!(reply.body["home"]["version"], first_version + 1);
    assert_eq!(reply.body["notifications"]["last_read_id"], "5");

    let reply = api
        .api_get(
            "/api/v1/markers?timeline[]=home&timeline[]=notifications",
            Some(alice),
        )
        .await;
    assert_eq!(reply.body["home"]["last_read_id"], "107");
    assert_eq!(reply.body["notifications"]["last_read_id"], "5");
    let reply = api
        .api_get("/api/v1/markers?timeline[]=home", Some(alice))
        .await;
    assert!(reply.body.get("notifications").is_none());
    assert_eq!(reply.body["home"]["last_read_id"], "107");
    // Markers are per person.
    let reply = api
        .api_get("/api/v1/markers?timeline[]=home", Some(bob))
        .await;
    assert_eq!(reply.body, json!({}));

    for body in [
        json!({ "everything": { "last_read_id": "1" } }),
        json!({}),
        json!({ "home": { "last_read_id": "" } }),
    ] {
        let reply = api
            .api_post("/api/v1/markers", Some(alice), Some(body.clone()))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    // A rejected request changes nothing.
    let reply = api
        .api_get("/api/v1/markers?timeline[]=home", Some(alice))
        .await;
    assert_eq!(reply.body["home"]["last_read_id"], "107");
    api.stop().await;
}

#[tokio::test]
async fn timeline_endpoints_answer_401_403_and_422() {
    let api = TestInstance::start_with_internal().await;
    let tokens = api.people(&["alice"]).await;
    let alice = &tokens[0];
    let revoked = api.revoked_token("alice", "read").await;
    let narrow = api.token("alice", "read:accounts").await;
    for path in [
        "/api/v1/timelines/home",
        "/api/v1/timelines/direct",
        "/api/v1/conversations",
        "/api/v1/markers?timeline[]=home",
    ] {
        api.check_auth_errors(Method::GET, path, &revoked, &narrow, None)
            .await;
    }
    api.check_auth_errors(
        Method::POST,
        "/api/v1/markers",
        &revoked,
        &narrow,
        Some(json!({ "home": { "last_read_id": "1" } })),
    )
    .await;
    // Public timelines: anonymous is fine, a revoked token is not.
    for path in ["/api/v1/timelines/public", "/api/v1/timelines/tag/x"] {
        assert_eq!(api.api_get(path, None).await.status, StatusCode::OK);
        assert_eq!(
            api.api_get(path, Some(&narrow)).await.status,
            StatusCode::OK
        );
        assert_eq!(
            api.api_get(path, Some(&revoked)).await.status,
            StatusCode::UNAUTHORIZED
        );
        let reply = api.api_get(&format!("{path}?local=maybe"), None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let reply = api
        .api_get("/api/v1/timelines/home?limit=x", Some(alice))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        api.api_get("/api/v1/conversations", Some(alice)).await.body,
        json!([])
    );
    api.stop().await;
}
