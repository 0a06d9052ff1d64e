//! The organisation directory over real HTTP: three peer instances exchange their directories
//! (signed GETs of `/federation/directory`), a colleague on another instance is found by
//! department and followed, people who opt out are not listed, the directory API's
//! `local`/`order`/`offset`/`limit`, the profile fields, the exchange's 401 and 403, and the
//! `/directory` page's filters.

use std::time::Duration;

use crate::common;

use common::{FakePeer, TestInstance, start_peers};
use federation_tests::wait_until;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Handles (`acct`) of an account list.
fn accts(body: &Value) -> Vec<String> {
    body.as_array()
        .expect("a list of accounts")
        .iter()
        .map(|a| a["acct"].as_str().unwrap().to_string())
        .collect()
}

/// Sets department, job title, location or discoverability through the client API.
async fn update_profile(instance: &TestInstance, token: &str, body: Value) -> Value {
    let reply = instance
        .api(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body
}

/// Refreshes `instance`'s copy of its peers' directories; returns what each peer listed.
async fn refresh(instance: &TestInstance) -> Vec<(String, Option<u64>)> {
    let outcome = instance
        .internal(Method::POST, "/directory/refresh", json!({}))
        .await;
    outcome["peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["peer"].as_str().unwrap().to_string(),
                p["listed"].as_u64(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_colleague_on_a_peer_is_found_by_department_and_followed() {
    let mut instances = start_peers(
        3,
        &[
            ("TRELLIS_DIRECTORY_REFRESH_SECS", "3600"),
            ("TRELLIS_FEDERATION_MODE", "allowlist"),
        ],
    )
    .await;
    let gamma = instances.pop().unwrap();
    let beta = instances.pop().unwrap();
    let alpha = instances.pop().unwrap();

    let alice = alpha.people(&["alice"]).await.remove(0);
    beta.create_user("bruno", |p| p.department = Some("Sales".into()))
        .await;
    let tokens = gamma.people(&["fiona", "felix"]).await;
    update_profile(
        &gamma,
        &tokens[0],
        json!({"department": "Finance", "job_title": "Controller", "location": "Lyon"}),
    )
    .await;
    // Felix works in Finance too but opted out of discovery.
    update_profile(
        &gamma,
        &tokens[1],
        json!({"department": "Finance", "discoverable": false}),
    )
    .await;

    let listed = refresh(&alpha).await;
    assert!(
        listed.contains(&(beta.domain.clone(), Some(1))),
        "{listed:?}"
    );
    assert!(
        listed.contains(&(gamma.domain.clone(), Some(1))),
        "{listed:?}"
    );

    // Nobody on alpha follows fiona; the search finds her by department alone.
    let search = alpha
        .api_get("/api/v2/search?type=accounts&q=Finance", Some(&alice))
        .await;
    assert_eq!(search.status, StatusCode::OK);
    let fiona_acct = format!("fiona@{}", gamma.domain);
    assert_eq!(accts(&search.body["accounts"]), vec![fiona_acct.clone()]);
    let fiona = search.body["accounts"][0].clone();
    assert_eq!(fiona["department"], "Finance");
    assert_eq!(fiona["job_title"], "Controller");
    assert_eq!(fiona["location"], "Lyon");
    assert_eq!(fiona["discoverable"], true);
    let by_v1 = alpha
        .api_get("/api/v1/accounts/search?q=fin", Some(&alice))
        .await;
    assert_eq!(accts(&by_v1.body), vec![fiona_acct.clone()]);

    // The directory: local only, or with every peer's listed people.
    let local = alpha
        .api_get("/api/v1/directory?local=true", Some(&alice))
        .await;
    assert_eq!(accts(&local.body), vec!["alice".to_string()]);
    let all = alpha.api_get("/api/v1/directory", Some(&alice)).await;
    let mut everyone = accts(&all.body);
    everyone.sort();
    let mut expected = vec![
        "alice".to_string(),
        format!("bruno@{}", beta.domain),
        fiona_acct.clone(),
    ];
    expected.sort();
    assert_eq!(everyone, expected);

    // Alice follows her from the search result; gamma accepts.
    let follow = alpha
        .api_post(
            &format!("/api/v1/accounts/{}/follow", fiona["id"].as_str().unwrap()),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(follow.status, StatusCode::OK, "{:?}", follow.body);
    let alice_uri = format!("{}/users/alice", alpha.base);
    wait_until(
        "gamma records alice's follow",
        Duration::from_secs(15),
        || {
            let gamma = &gamma;
            let alice_uri = alice_uri.clone();
            async move {
                let relations = gamma
                    .internal(Method::GET, "/users/fiona/relations", json!({}))
                    .await;
                relations["followers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f == alice_uri.as_str())
                    .then_some(())
            }
        },
    )
    .await;
    let fiona_id = fiona["id"].as_str().unwrap().to_string();
    wait_until(
        "alpha learns of the Accept",
        Duration::from_secs(15),
        || {
            let (alpha, alice, id) = (&alpha, &alice, fiona_id.clone());
            async move {
                let rel = alpha
                    .api_get(
                        &format!("/api/v1/accounts/relationships?id[]={id}"),
                        Some(alice),
                    )
                    .await;
                (rel.body[0]["following"] == true).then_some(())
            }
        },
    )
    .await;

    // Fiona opts out: after the next refresh she is no longer listed, but the followed
    // account stays.
    update_profile(&gamma, &tokens[0], json!({"discoverable": false})).await;
    let listed = refresh(&alpha).await;
    assert!(
        listed.contains(&(gamma.domain.clone(), Some(0))),
        "{listed:?}"
    );
    let all = alpha.api_get("/api/v1/directory", Some(&alice)).await;
    assert!(!accts(&all.body).contains(&fiona_acct), "{:?}", all.body);
    let shown = alpha
        .api_get(&format!("/api/v1/accounts/{fiona_id}"), Some(&alice))
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    let search = alpha
        .api_get("/api/v2/search?type=accounts&q=Finance", Some(&alice))
        .await;
    assert!(accts(&search.body["accounts"]).is_empty());

    for instance in [alpha, beta, gamma] {
        instance.stop().await;
    }
}

#[tokio::test]
async fn the_directory_api_orders_and_pages_local_people() {
    let instance = TestInstance::start_with_internal().await;
    let tokens = instance
        .people(&["anna", "ben", "carla", "dora", "emil"])
        .await;
    // Dora opted out; Emil is disabled.
    update_profile(&instance, &tokens[3], json!({"discoverable": "false"})).await;
    instance.set_disabled("emil", true).await;
    // Anna posted last, Ben before her; Carla never posted.
    instance.post_as("ben", "first", "public").await;
    instance.post_as("anna", "second", "public").await;

    let get = |path: &'static str| instance.api_get(path, None);
    let newest = get("/api/v1/directory?order=new").await;
    assert_eq!(newest.status, StatusCode::OK);
    assert_eq!(accts(&newest.body), vec!["carla", "ben", "anna"]);
    let active = get("/api/v1/directory?order=active&local=true").await;
    assert_eq!(accts(&active.body), vec!["anna", "ben", "carla"]);
    let default = get("/api/v1/directory").await;
    assert_eq!(accts(&default.body), vec!["anna", "ben", "carla"]);
    let second = get("/api/v1/directory?order=new&offset=1&limit=1").await;
    assert_eq!(accts(&second.body), vec!["ben"]);
    let past_the_end = get("/api/v1/directory?offset=3").await;
    assert_eq!(accts(&past_the_end.body), Vec::<String>::new());
    let capped = get("/api/v1/directory?limit=500").await;
    assert_eq!(accts(&capped.body).len(), 3);

    for bad in [
        "/api/v1/directory?order=popular",
        "/api/v1/directory?offset=-1",
        "/api/v1/directory?limit=many",
    ] {
        let reply = instance.api_get(bad, None).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(reply.body["error"].is_string(), "{bad}: {:?}", reply.body);
    }
    instance.stop().await;
}

#[tokio::test]
async fn work_profile_fields_reach_the_account_and_the_actor() {
    let instance = TestInstance::start().await;
    let token = instance.people(&["nora"]).await.remove(0);
    let me = update_profile(
        &instance,
        &token,
        json!({"department": " Legal ", "job_title": "Counsel", "location": "Berlin"}),
    )
    .await;
    assert_eq!(me["department"], "Legal");
    assert_eq!(me["job_title"], "Counsel");
    assert_eq!(me["location"], "Berlin");
    // The Mastodon fields stay valid.
    for field in [
        "id", "username", "acct", "avatar", "header", "fields", "emojis",
    ] {
        assert!(!me[field].is_null(), "{field}");
    }

    let actor: Value = instance
        .get("/users/nora", "application/activity+json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(actor["department"], "Legal");
    assert_eq!(actor["jobTitle"], "Counsel");
    assert_eq!(actor["workLocation"], "Berlin");
    let terms = &actor["@context"][2];
    assert_eq!(terms["jobTitle"], "schema:jobTitle");
    assert_eq!(terms["workLocation"], "schema:workLocation");
    assert_eq!(terms["department"], "trellis:department");
    assert_eq!(terms["trellis"], "https://trellis.social/ns#");

    // An empty value clears a field; a long one is refused.
    let me = update_profile(&instance, &token, json!({"location": ""})).await;
    assert!(me["location"].is_null());
    let reply = instance
        .api(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(&token),
            Some(json!({"department": "x".repeat(101)})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    instance.stop().await;
}

#[tokio::test]
async fn the_directory_exchange_answers_signed_requests_only() {
    let instance = TestInstance::start().await;
    let tokens = instance.people(&["paula", "quentin"]).await;
    update_profile(&instance, &tokens[1], json!({"discoverable": false})).await;

    let unsigned = instance
        .get("/federation/directory", "application/activity+json")
        .await;
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    let body: Value = unsigned.json().await.unwrap();
    assert!(body["error"].is_string());

    let peer = FakePeer::start().await;
    let key = instance.stand_in_signer(&peer, "outsider").await;
    let url = format!("{}/federation/directory", instance.base);
    let collection: Value = instance.signed_get(&url, &key).await.json().await.unwrap();
    assert_eq!(collection["type"], "OrderedCollection");
    assert_eq!(collection["totalItems"], 1);
    let first = collection["first"].as_str().unwrap().to_string();
    let page: Value = instance
        .signed_get(&first, &key)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["type"], "OrderedCollectionPage");
    let items = page["orderedItems"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["preferredUsername"], "paula");
    assert!(items[0]["publicKey"]["publicKeyPem"].is_string());
    let bad_page = instance.signed_get(&format!("{url}?page=0"), &key).await;
    assert_eq!(bad_page.status(), StatusCode::BAD_REQUEST);
    instance.stop().await;

    // In allowlist mode only the organisation's peers may read it.
    let closed = TestInstance::start_with(&[
        ("TRELLIS_FEDERATION_MODE", "allowlist"),
        ("TRELLIS_FEDERATION_PEERS", "peer.corp.example"),
    ])
    .await;
    let key = closed.stand_in_signer(&peer, "outsider").await;
    let url = format!("{}/federation/directory", closed.base);
    let refused = closed.signed_get(&url, &key).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    closed.stop().await;
}

#[tokio::test]
async fn the_directory_page_filters_by_department_and_instance() {
    let instance = TestInstance::start().await;
    let tokens = instance.people(&["fatima", "leon", "omar"]).await;
    update_profile(
        &instance,
        &tokens[0],
        json!({"department": "Finance", "job_title": "Analyst", "location": "Paris"}),
    )
    .await;
    update_profile(&instance, &tokens[1], json!({"department": "Legal"})).await;
    update_profile(
        &instance,
        &tokens[2],
        json!({"department": "Finance", "discoverable": false}),
    )
    .await;

    let page = |path: String| {
        let instance = &instance;
        async move {
            let response = instance.get(&path, "text/html").await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            response.text().await.unwrap()
        }
    };
    let all = page("/directory".into()).await;
    assert!(all.contains("<label for=\"department\">"));
    assert!(all.contains("<th scope=\"col\">Department</th>"));
    assert!(all.contains("fatima@") && all.contains("leon@"));
    assert!(!all.contains("omar@"));

    let finance = page("/directory?department=Finance".into()).await;
    assert!(finance.contains("fatima@"));
    assert!(finance.contains("Analyst") && finance.contains("Paris"));
    assert!(!finance.contains("leon@"));
    assert!(finance.contains("<option value=\"Finance\" selected>"));

    let here = page(format!("/directory?instance={}", instance.domain)).await;
    assert!(here.contains("fatima@") && here.contains("leon@"));
    let elsewhere = page("/directory?instance=other.corp.example".into()).await;
    assert!(!elsewhere.contains("fatima@"));
    assert!(elsewhere.contains("Nobody listed"));
    instance.stop().await;
}
