//! SCIM 2.0 provisioning under `/scim/v2`: the bearer token, Users round trips (create, get,
//! filter, page, replace, patch, delete), SCIM errors, and what deactivation does to a live
//! person (tokens, streams, actor document, sign-in) and reactivation undoes, all audited.

use crate::common;

use std::time::Duration;

use common::TestInstance;
use futures::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const TOKEN: &str = "scim-provisioning-token-0123456789";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const PASSWORD: &str = "a long enough passphrase";

async fn instance() -> TestInstance {
    TestInstance::start_with(&[("TRELLIS_SCIM_TOKEN", TOKEN)]).await
}

/// A SCIM request with the right token; answers the status, the headers and the JSON body.
async fn scim(
    t: &TestInstance,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut request = t
        .client
        .request(method, format!("{}/scim/v2{path}", t.base))
        .bearer_auth(TOKEN);
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/scim+json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let text = response.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn alice() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "userName": "Alice.Smith@Corp.Example",
        "externalId": "okta-00u1",
        "name": {"givenName": "Alice", "familyName": "Smith"},
        "emails": [
            {"value": "alice.home@example.org", "type": "home"},
            {"value": "Alice.Smith@corp.example", "type": "work", "primary": true},
        ],
        "active": true,
        ENTERPRISE: {"department": "Research"},
    })
}

async fn provision(t: &TestInstance, user: Value) -> Value {
    let (status, _, body) = scim(t, Method::POST, "/Users", Some(user)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// The ids of the Users a filter selects.
async fn filtered(t: &TestInstance, filter: &str) -> Vec<String> {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("filter", filter)
        .finish();
    let (status, _, body) = scim(t, Method::GET, &format!("/Users?{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{filter}: {body}");
    assert_eq!(
        body["totalResults"].as_u64().unwrap() as usize,
        body["Resources"].as_array().unwrap().len()
    );
    body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn assert_scim_error(body: &Value, status: u16, scim_type: Option<&str>) {
    assert_eq!(body["schemas"], json!([ERROR]), "{body}");
    assert_eq!(body["status"], status.to_string(), "{body}");
    if let Some(scim_type) = scim_type {
        assert_eq!(body["scimType"], scim_type, "{body}");
    }
}

#[tokio::test]
async fn scim_is_off_without_a_token_and_refuses_a_wrong_one() {
    let off = TestInstance::start().await;
    for path in ["/scim/v2/Users", "/scim/v2/ServiceProviderConfig"] {
        let response = off
            .client
            .get(format!("{}{path}", off.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    off.stop().await;

    let t = instance().await;
    for token in [None, Some("wrong"), Some(&TOKEN[..TOKEN.len() - 1])] {
        let mut request = t.client.get(format!("{}/scim/v2/Users", t.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["content-type"], "application/scim+json");
        assert_scim_error(&response.json().await.unwrap(), 401, None);
    }
    let (status, _, config) = scim(&t, Method::GET, "/ServiceProviderConfig", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(config["patch"]["supported"], true);
    let (_, _, types) = scim(&t, Method::GET, "/ResourceTypes", None).await;
    assert_eq!(types["Resources"][0]["endpoint"], "/Users");
    let (_, _, schemas) = scim(&t, Method::GET, "/Schemas", None).await;
    assert_eq!(schemas["totalResults"], 2);
    t.stop().await;
}

#[tokio::test]
async fn users_round_trip_through_create_get_filter_replace_patch_and_delete() {
    let t = instance().await;
    let (status, headers, created) = scim(&t, Method::POST, "/Users", Some(alice())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        headers["location"].to_str().unwrap(),
        format!("{}/scim/v2/Users/{id}", t.base)
    );
    assert_eq!(headers["etag"], "W/\"1\"");
    assert_eq!(created["userName"], "Alice.Smith@Corp.Example");
    assert_eq!(created["meta"]["resourceType"], "User");
    assert_eq!(created["meta"]["version"], "W/\"1\"");
    assert_eq!(created[ENTERPRISE]["department"], "Research");

    // The person: username from the local part, the name, the primary email, the department.
    let person = trellis::services::accounts::find(t.state(), "alice_smith")
        .await
        .unwrap();
    assert_eq!(person.account.display_name, "Alice Smith");
    assert_eq!(person.user.email, "alice.smith@corp.example");
    assert_eq!(person.account.department.as_deref(), Some("Research"));

    // What single sign-on links a first login with: by userName (any case) or externalId.
    let lookup = |user_name: &'static str, external_id: Option<&'static str>| {
        t.state().db().read(move |conn| {
            trellis::db::models::scim_user::provisioned_account(conn, user_name, external_id)
        })
    };
    let account = Some(person.account.id);
    assert_eq!(
        lookup("ALICE.smith@corp.example", None).await.unwrap(),
        account
    );
    assert_eq!(
        lookup("someone-else", Some("okta-00u1")).await.unwrap(),
        account
    );
    assert_eq!(lookup("someone-else", Some("other")).await.unwrap(), None);

    let (status, _, fetched) = scim(&t, Method::GET, &format!("/Users/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);

    let bob = provision(
        &t,
        json!({"userName": "bob", "emails": [{"value": "bob@corp.example"}], "active": false}),
    )
    .await;
    let bob_id = bob["id"].as_str().unwrap().to_string();
    assert_eq!(bob["active"], false);
    for (filter, expected) in [
        (r#"userName eq "alice.smith@corp.example""#, vec![&id]),
        (r#"externalId eq "okta-00u1""#, vec![&id]),
        (r#"emails.value eq "BOB@corp.example""#, vec![&bob_id]),
        ("active eq false", vec![&bob_id]),
        (r#"active eq true and userName sw "alice""#, vec![&id]),
        (
            r#"userName eq "bob" or externalId eq "okta-00u1""#,
            vec![&id, &bob_id],
        ),
        (r#"not (userName eq "bob")"#, vec![&id]),
        (r#"userName eq "carol""#, vec![]),
    ] {
        let mut found = filtered(&t, filter).await;
        found.sort();
        let mut expected: Vec<String> = expected.into_iter().cloned().collect();
        expected.sort();
        assert_eq!(found, expected, "{filter}");
    }
    let (_, _, page) = scim(&t, Method::GET, "/Users?startIndex=2&count=1", None).await;
    assert_eq!(page["totalResults"], 2);
    assert_eq!(page["startIndex"], 2);
    assert_eq!(page["Resources"][0]["id"], bob_id.as_str());
    let (_, _, only) = scim(
        &t,
        Method::GET,
        &format!("/Users/{id}?attributes=userName"),
        None,
    )
    .await;
    assert!(
        only.get("emails").is_none() && only["userName"].is_string(),
        "{only}"
    );

    // PUT replaces what the provider says.
    let mut replaced = alice();
    replaced["displayName"] = json!("Alice S.");
    replaced[ENTERPRISE]["department"] = json!("Operations");
    let (status, headers, body) =
        scim(&t, Method::PUT, &format!("/Users/{id}"), Some(replaced)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["etag"], "W/\"2\"");
    let person = trellis::services::accounts::find(t.state(), "alice_smith")
        .await
        .unwrap();
    assert_eq!(person.account.display_name, "Alice S.");
    assert_eq!(person.account.department.as_deref(), Some("Operations"));

    // PATCH with and without paths, as Entra ID and Okta send it.
    let (status, _, body) = scim(
        &t,
        Method::PATCH,
        &format!("/Users/{id}"),
        Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "alice@corp.example"},
                {"op": "replace", "value": {"displayName": "Alice Smith-Jones", "name.familyName": "Smith-Jones"}},
                {"op": "Add", "path": format!("{ENTERPRISE}:department"), "value": "Legal"},
                {"op": "remove", "path": "name.givenName"},
            ],
        })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], json!({"familyName": "Smith-Jones"}));
    assert_eq!(body["emails"][1]["value"], "alice@corp.example");
    let person = trellis::services::accounts::find(t.state(), "alice_smith")
        .await
        .unwrap();
    assert_eq!(person.account.display_name, "Alice Smith-Jones");
    assert_eq!(person.user.email, "alice@corp.example");
    assert_eq!(person.account.department.as_deref(), Some("Legal"));
    let (status, _, body) = scim(
        &t,
        Method::PATCH,
        &format!("/Users/{id}"),
        Some(json!({"Operations": [{"op": "remove", "path": format!("{ENTERPRISE}:department")}]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let person = trellis::services::accounts::find(t.state(), "alice_smith")
        .await
        .unwrap();
    assert_eq!(person.account.department, None);

    // DELETE frees the record: the same userName later provisions a new person.
    let (status, _, _) = scim(&t, Method::DELETE, &format!("/Users/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, body) = scim(&t, Method::GET, &format!("/Users/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_scim_error(&body, 404, None);
    let again = provision(&t, alice()).await;
    assert_ne!(again["id"], id.as_str());
    let old = trellis::services::accounts::find(t.state(), "alice_smith")
        .await
        .unwrap();
    assert!(old.user.disabled);
    let new = trellis::services::accounts::find(t.state(), "alice_smith2")
        .await
        .unwrap();
    assert!(!new.user.disabled);
    t.stop().await;
}

#[tokio::test]
async fn bad_requests_get_scim_errors() {
    let t = instance().await;
    let alice_id = provision(&t, alice()).await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (status, _, body) = scim(&t, Method::POST, "/Users", Some(alice())).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_scim_error(&body, 409, Some("uniqueness"));
    let mut shouting = alice();
    shouting["userName"] = json!("ALICE.SMITH@CORP.EXAMPLE");
    let (status, _, _) = scim(&t, Method::POST, "/Users", Some(shouting)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    for filter in [
        r#"title eq "x""#,
        r#"userName gt "a""#,
        "userName eq",
        "(((",
    ] {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("filter", filter)
            .finish();
        let (status, _, body) = scim(&t, Method::GET, &format!("/Users?{query}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{filter}");
        assert_scim_error(&body, 400, Some("invalidFilter"));
    }

    for method in [Method::GET, Method::PUT, Method::PATCH, Method::DELETE] {
        let body = (method == Method::PUT || method == Method::PATCH).then(|| {
            if method == Method::PUT {
                alice()
            } else {
                json!({"Operations": [{"op": "replace", "path": "displayName", "value": "x"}]})
            }
        });
        let (status, _, error) = scim(&t, method.clone(), "/Users/no-such-id", body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method}");
        assert_scim_error(&error, 404, None);
    }

    let (status, _, body) = scim(
        &t,
        Method::POST,
        "/Users",
        Some(json!({"displayName": "nobody"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_scim_error(&body, 400, Some("invalidValue"));
    let (status, _, body) = scim(
        &t,
        Method::PATCH,
        &format!("/Users/{alice_id}"),
        Some(json!({"Operations": [{"op": "remove"}]})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_scim_error(&body, 400, Some("noTarget"));
    let response = t
        .client
        .post(format!("{}/scim/v2/Users", t.base))
        .bearer_auth(TOKEN)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_scim_error(&response.json().await.unwrap(), 400, Some("invalidSyntax"));
    let huge = json!({"userName": "x".repeat(70 * 1024)});
    let (status, _, _) = scim(&t, Method::POST, "/Users", Some(huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _, body) = scim(&t, Method::GET, "/Groups", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_scim_error(&body, 404, None);
    t.stop().await;
}

/// Registers an OAuth app and signs in with a password; answers the token, or the status of a
/// refused sign-in.
async fn sign_in(t: &TestInstance, email: &str) -> Result<String, StatusCode> {
    let app: Value = t
        .client
        .post(format!("{}/api/v1/apps", t.base))
        .json(&json!({"client_name": "SCIM test", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = t
        .client
        .post(format!("{}/oauth/token", t.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(common::form_body(&[
            ("grant_type", "password"),
            ("client_id", app["client_id"].as_str().unwrap()),
            ("client_secret", app["client_secret"].as_str().unwrap()),
            ("username", email),
            ("password", PASSWORD),
            ("scope", "read"),
        ]))
        .send()
        .await
        .unwrap();
    if response.status() != StatusCode::OK {
        return Err(response.status());
    }
    let body: Value = response.json().await.unwrap();
    Ok(body["access_token"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn deactivation_ends_access_and_hides_the_profile_and_reactivation_restores_sign_in() {
    let t = instance().await;
    let created = provision(&t, alice()).await;
    let id = created["id"].as_str().unwrap().to_string();
    trellis::services::accounts::set_password(t.state(), "alice_smith", PASSWORD.into())
        .await
        .unwrap();
    let token = sign_in(&t, "alice.smith@corp.example").await.unwrap();
    let verify = "/api/v1/accounts/verify_credentials";
    assert_eq!(t.api_get(verify, Some(&token)).await.status, StatusCode::OK);
    let account_id = t.account_id("alice_smith").await;
    let addr = t.running.as_ref().unwrap().addr;
    let mut request = format!("ws://{addr}/api/v1/streaming?stream=user")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", token.parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let writer = t.token("alice_smith", "read write").await;
    let article = t
        .api_post(
            "/api/trellis/v1/articles",
            Some(&writer),
            Some(json!({"title": "Onboarding", "body": "Welcome.", "status": "published"})),
        )
        .await;
    assert_eq!(article.status, StatusCode::CREATED, "{:?}", article.body);
    let article_url = article.body["url"].as_str().unwrap().to_string();
    let article_uri = article.body["uri"].as_str().unwrap().to_string();

    // Okta deactivates with a PATCH without a path.
    let (status, _, body) = scim(
        &t,
        Method::PATCH,
        &format!("/Users/{id}"),
        Some(json!({"Operations": [{"op": "replace", "value": {"active": false}}]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], false);

    assert_eq!(
        t.api_get(verify, Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let ended = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream is still open");
    let actor = t
        .get("/users/alice_smith", "application/activity+json")
        .await;
    assert_eq!(actor.status(), StatusCode::GONE);
    let tombstone: Value = actor.json().await.unwrap();
    assert_eq!(tombstone["type"], "Tombstone");
    assert_eq!(tombstone["formerType"], "Person");
    assert_eq!(tombstone["id"], format!("{}/users/alice_smith", t.base));
    let entity = t
        .api_get(&format!("/api/v1/accounts/{account_id}"), None)
        .await;
    assert_eq!(entity.status, StatusCode::NOT_FOUND);
    assert!(sign_in(&t, "alice.smith@corp.example").await.is_err());
    // Their articles stay readable, in the browser and for other servers.
    let page = t
        .client
        .get(&article_url)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Onboarding"));
    let document = t
        .client
        .get(&article_uri)
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(document.status(), StatusCode::OK);
    assert_eq!(filtered(&t, "active eq false").await, vec![id.clone()]);

    // Entra ID reactivates with a PUT (and sends booleans as strings).
    let mut active = alice();
    active["active"] = json!("True");
    let (status, _, body) = scim(&t, Method::PUT, &format!("/Users/{id}"), Some(active)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["active"], true);
    assert_eq!(
        t.api_get(verify, Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let fresh = sign_in(&t, "alice.smith@corp.example").await.unwrap();
    assert_eq!(t.api_get(verify, Some(&fresh)).await.status, StatusCode::OK);
    let actor = t
        .get("/users/alice_smith", "application/activity+json")
        .await;
    assert_eq!(actor.status(), StatusCode::OK);

    let (status, _, _) = scim(&t, Method::DELETE, &format!("/Users/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.api_get(verify, Some(&fresh)).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Each step is in the audit log, done by SCIM from the caller's address.
    let admin = t.admin_token("root", "read admin:read").await;
    let log = t
        .api_get("/api/trellis/v1/admin/audit?action=scim", Some(&admin))
        .await;
    assert_eq!(log.status, StatusCode::OK, "{:?}", log.body);
    let actions: Vec<&str> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["actor"]["kind"], "scim", "{e}");
            assert_eq!(e["address"], "127.0.0.1", "{e}");
            assert_eq!(e["target"], "@alice_smith", "{e}");
            assert_eq!(e["details"]["user_name"], "Alice.Smith@Corp.Example", "{e}");
            assert_eq!(e["details"]["scim_id"], id.as_str(), "{e}");
            e["action"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        actions,
        [
            "scim.delete",
            "scim.reactivate",
            "scim.update",
            "scim.deprovision",
            "scim.update",
            "scim.provision"
        ]
    );
    t.stop().await;
}
