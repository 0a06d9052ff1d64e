//! Web sign-in with a session cookie, and the pages and feeds an allowlist instance closes to
//! strangers.

use crate::common;

use common::TestInstance;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::{Value, json};
use trellis::services::accounts::{self, Role};

const HTML: &str = "text/html,application/xhtml+xml,*/*;q=0.8";
const PASSWORD: &str = "correct horse battery";
const ALLOWLIST: [(&str, &str); 1] = [("TRELLIS_FEDERATION_MODE", "allowlist")];

/// The value of cookie `name` set by a response, with its attributes.
fn set_cookie(headers: &HeaderMap, name: &str) -> Option<(String, String)> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| {
            let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| (value.to_string(), attributes.to_string()))
        })
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()[LOCATION].to_str().unwrap()
}

/// Opens the sign-in page; returns the form's CSRF token (also the `trellis_login` cookie).
async fn open_form(t: &TestInstance) -> String {
    let response = t.get("/login", HTML).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (csrf, attributes) = set_cookie(response.headers(), "trellis_login").expect("form cookie");
    assert!(attributes.contains("HttpOnly"), "{attributes}");
    assert!(attributes.contains("SameSite=Strict"), "{attributes}");
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("name=\"csrf\" value=\"{csrf}\"")),
        "{html}"
    );
    assert!(html.contains("<label for=\"login-name\">Username or email</label>"));
    assert!(html.contains("<label for=\"login-password\">Password</label>"));
    csrf
}

/// Submits the sign-in form with `cookie` as the form cookie and `csrf` as its field.
async fn submit(
    t: &TestInstance,
    cookie: Option<&str>,
    csrf: Option<&str>,
    login: &str,
    password: &str,
    next: &str,
) -> reqwest::Response {
    let mut form = vec![("login", login), ("password", password), ("next", next)];
    if let Some(csrf) = csrf {
        form.push(("csrf", csrf));
    }
    let mut request = t
        .client
        .post(format!("{}/login", t.base))
        .header("Accept", HTML)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(common::form_body(&form));
    if let Some(cookie) = cookie {
        request = request.header("Cookie", format!("trellis_login={cookie}"));
    }
    request.send().await.unwrap()
}

/// Signs in through the form; returns the session cookie's value.
async fn sign_in(t: &TestInstance, login: &str) -> String {
    let csrf = open_form(t).await;
    let response = submit(t, Some(&csrf), Some(&csrf), login, PASSWORD, "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    set_cookie(response.headers(), "trellis_session")
        .expect("session cookie")
        .0
}

/// GET `path` as a browser, with a session cookie if given.
async fn browse(t: &TestInstance, path: &str, session: Option<&str>) -> reqwest::Response {
    let mut request = t
        .client
        .get(format!("{}{}", t.base, path))
        .header("Accept", HTML);
    if let Some(session) = session {
        request = request.header("Cookie", format!("trellis_session={session}"));
    }
    request.send().await.unwrap()
}

/// The sign-out form's token shown in a page's header.
fn sign_out_token(html: &str) -> String {
    let start = html
        .find("action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"")
        .expect("sign-out form");
    let rest = &html[start..];
    let value = &rest[rest.find("value=\"").unwrap() + 7..];
    value[..value.find('"').unwrap()].to_string()
}

async fn sign_out(t: &TestInstance, session: &str, csrf: Option<&str>) -> reqwest::Response {
    let form: Vec<(&str, &str)> = csrf.map(|c| vec![("csrf", c)]).unwrap_or_default();
    t.client
        .post(format!("{}/logout", t.base))
        .header("Accept", HTML)
        .header("Cookie", format!("trellis_session={session}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(common::form_body(&form))
        .send()
        .await
        .unwrap()
}

/// A person with a post and an article (as an editor); returns the post's page path and the
/// article's.
async fn content(t: &TestInstance) -> (String, String) {
    t.create_user("alice", |p| p.role = Some(Role::Editor))
        .await;
    let token = t.token("alice", "read write").await;
    let status = t
        .api_post(
            "/api/v1/statuses",
            Some(&token),
            Some(json!({ "status": "Quarterly numbers are in", "visibility": "public" })),
        )
        .await;
    assert_eq!(status.status, 200, "{:?}", status.body);
    let post_path = format!(
        "/users/alice/statuses/{}",
        status.body["id"].as_str().unwrap()
    );
    let article = t
        .api_post(
            "/api/trellis/v1/articles",
            Some(&token),
            Some(json!({ "title": "Badge office hours", "body": "Nine to five.", "status": "published" })),
        )
        .await;
    assert!(article.status.is_success(), "{:?}", article.body);
    let article_path = format!("/articles/{}", article.body["slug"].as_str().unwrap());
    (post_path, article_path)
}

#[tokio::test]
async fn signing_in_and_out_round_trips_with_the_cookie() {
    let t = TestInstance::start().await;
    t.create_user("alice", |p| p.display_name = Some("Alice Liddell".into()))
        .await;
    let csrf = open_form(&t).await;
    let response = submit(
        &t,
        Some(&csrf),
        Some(&csrf),
        "alice@corp.example",
        PASSWORD,
        "/users/alice",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/users/alice");
    let (session, attributes) = set_cookie(response.headers(), "trellis_session").unwrap();
    for attribute in ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=1209600"] {
        assert!(attributes.contains(attribute), "{attributes}");
    }
    // Served over plain http here, so not Secure.
    assert!(!attributes.contains("Secure"), "{attributes}");
    // Only a hash of the token is stored.
    let stored: Vec<String> = t
        .state()
        .db()
        .read(|conn| {
            use diesel::prelude::*;
            use trellis::db::schema::web_sessions;
            Ok(web_sessions::table
                .select(web_sessions::token_hash)
                .load::<String>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], session);

    let response = browse(&t, "/", Some(&session)).await;
    assert_eq!(response.headers()["cache-control"], "private");
    let html = response.text().await.unwrap();
    assert!(html.contains("Signed in as <a href="), "{html}");
    assert!(html.contains("Alice Liddell"));
    let token = sign_out_token(&html);
    let stranger = browse(&t, "/", None).await.text().await.unwrap();
    assert!(
        stranger.contains("<a href=\"/login\">Sign in</a>"),
        "{stranger}"
    );

    // Signing out needs the page's token; a forged form does nothing.
    assert_eq!(
        sign_out(&t, &session, None).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sign_out(&t, &session, Some("forged")).await.status(),
        StatusCode::FORBIDDEN
    );
    let html = browse(&t, "/", Some(&session)).await.text().await.unwrap();
    assert!(html.contains("Signed in as"));

    let response = sign_out(&t, &session, Some(&token)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (cleared, attributes) = set_cookie(response.headers(), "trellis_session").unwrap();
    assert_eq!(cleared, "");
    assert!(attributes.contains("Max-Age=0"), "{attributes}");
    let html = browse(&t, "/", Some(&session)).await.text().await.unwrap();
    assert!(html.contains("Sign in</a>"), "{html}");
    assert!(!html.contains("Signed in as"));
    t.stop().await;
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_counted_by_the_limits() {
    let t = TestInstance::start_with(&[
        ("TRELLIS_LOGIN_MAX_FAILURES", "3"),
        ("TRELLIS_LOGIN_MAX_FAILURES_PER_ADDRESS", "10"),
        ("TRELLIS_LOGIN_WINDOW_SECS", "60"),
    ])
    .await;
    t.create_user("alice", |_| {}).await;
    let csrf = open_form(&t).await;
    for _ in 0..3 {
        let response = submit(&t, Some(&csrf), Some(&csrf), "alice", "wrong password", "/").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(set_cookie(response.headers(), "trellis_session").is_none());
        let html = response.text().await.unwrap();
        assert!(html.contains("role=\"alert\""), "{html}");
        assert!(html.contains("value=\"alice\""));
    }
    // Locked now: even the right password is refused until the window passes.
    let response = submit(&t, Some(&csrf), Some(&csrf), "alice", PASSWORD, "/").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert!(set_cookie(response.headers(), "trellis_session").is_none());
    t.stop().await;
}

#[tokio::test]
async fn the_sign_in_form_needs_its_csrf_token() {
    let t = TestInstance::start().await;
    t.create_user("alice", |_| {}).await;
    let csrf = open_form(&t).await;
    for (cookie, field) in [
        (None, None),
        (None, Some(csrf.as_str())),
        (Some(csrf.as_str()), None),
        (Some(csrf.as_str()), Some("another token")),
    ] {
        let response = submit(&t, cookie, field, "alice", PASSWORD, "/").await;
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{cookie:?} {field:?}"
        );
        assert!(set_cookie(response.headers(), "trellis_session").is_none());
    }
    // A JSON client gets a JSON error.
    let response = t
        .client
        .post(format!("{}/login", t.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(common::form_body(&[
            ("login", "alice"),
            ("password", PASSWORD),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");
    t.stop().await;
}

#[tokio::test]
async fn next_never_leads_to_another_host() {
    let t = TestInstance::start().await;
    t.create_user("alice", |_| {}).await;
    for (next, expected) in [
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/articles?x=1", "/articles?x=1"),
    ] {
        let csrf = open_form(&t).await;
        let response = submit(&t, Some(&csrf), Some(&csrf), "alice", PASSWORD, next).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), expected, "next {next}");
    }
    t.stop().await;
}

#[tokio::test]
async fn allowlist_pages_need_a_session() {
    let t = TestInstance::start_with(&ALLOWLIST).await;
    let (post_path, article_path) = content(&t).await;
    t.create_user("bob", |_| {}).await;
    let pages = [
        "/",
        "/users/alice",
        "/@alice",
        post_path.as_str(),
        article_path.as_str(),
        "/articles",
        "/articles/search?q=badge",
    ];
    for path in pages {
        let response = browse(&t, path, None).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let expected = format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
        );
        assert_eq!(location(&response), expected);
    }
    // Without an Accept header the pages are closed too.
    let response = t
        .client
        .get(format!("{}{article_path}", t.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let session = sign_in(&t, "bob").await;
    for (path, text) in [
        ("/", "Signed in as"),
        ("/users/alice", "@alice@"),
        (post_path.as_str(), "Quarterly numbers are in"),
        (article_path.as_str(), "Badge office hours"),
        ("/articles", "Badge office hours"),
        ("/articles/search?q=badge", "Badge office hours"),
    ] {
        let response = browse(&t, path, Some(&session)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains(text), "{path}: {html}");
    }

    // Discovery, health, static files and the sign-in page stay open.
    for path in [
        "/.well-known/webfinger?resource=acct:alice@".to_string() + &t.domain,
        "/.well-known/nodeinfo".to_string(),
        "/nodeinfo/2.1".to_string(),
        "/.well-known/host-meta".to_string(),
        "/health".to_string(),
        "/static/avatar.png".to_string(),
        "/login".to_string(),
    ] {
        let response = t.get(&path, "*/*").await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    t.stop().await;
}

#[tokio::test]
async fn allowlist_feeds_need_a_read_token() {
    let t = TestInstance::start_with(&ALLOWLIST).await;
    content(&t).await;
    t.create_user("bob", |_| {}).await;
    let feed = format!("{}/articles/feed.atom", t.base);
    let response = t.client.get(&feed).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");

    let read = t.token("bob", "read").await;
    let response = t.client.get(&feed).bearer_auth(&read).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Badge office hours")
    );
    let response = t
        .client
        .get(format!("{feed}?token={read}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    for token in [t.token("bob", "write").await, "not-a-token".to_string()] {
        let response = t
            .client
            .get(&feed)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let response = t
            .client
            .get(format!("{feed}?token={token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    t.stop().await;
}

#[tokio::test]
async fn open_mode_pages_stay_public() {
    let t = TestInstance::start().await;
    let (post_path, article_path) = content(&t).await;
    for path in [
        "/",
        "/users/alice",
        post_path.as_str(),
        article_path.as_str(),
        "/articles",
        "/articles/feed.atom",
    ] {
        let response = browse(&t, path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    t.stop().await;
}

#[tokio::test]
async fn a_new_password_or_disabling_ends_every_session() {
    let t = TestInstance::start_with(&ALLOWLIST).await;
    t.create_user("carol", |_| {}).await;
    let before_password = sign_in(&t, "carol").await;
    assert_eq!(
        browse(&t, "/", Some(&before_password)).await.status(),
        StatusCode::OK
    );

    accounts::set_password(t.state(), "carol", PASSWORD.into())
        .await
        .unwrap();
    assert_eq!(
        browse(&t, "/", Some(&before_password)).await.status(),
        StatusCode::SEE_OTHER
    );

    let before_disabling = sign_in(&t, "carol").await;
    assert_eq!(
        browse(&t, "/", Some(&before_disabling)).await.status(),
        StatusCode::OK
    );
    t.set_disabled("carol", true).await;
    assert_eq!(
        browse(&t, "/", Some(&before_disabling)).await.status(),
        StatusCode::SEE_OTHER
    );
    // Re-enabling revives no session.
    t.set_disabled("carol", false).await;
    assert_eq!(
        browse(&t, "/", Some(&before_disabling)).await.status(),
        StatusCode::SEE_OTHER
    );
    t.stop().await;
}

#[tokio::test]
async fn cookies_are_secure_when_the_instance_is_served_over_https() {
    // Plain HTTP reaches this test instance, but its URLs are https (no TRELLIS_ALLOW_HTTP).
    let t = TestInstance::start_with(&[("TRELLIS_ALLOW_HTTP", "false")]).await;
    t.create_user("alice", |_| {}).await;
    let response = t.get("/login", HTML).await;
    let (csrf, attributes) = set_cookie(response.headers(), "trellis_login").unwrap();
    assert!(attributes.ends_with("; Secure"), "{attributes}");
    let response = submit(&t, Some(&csrf), Some(&csrf), "alice", PASSWORD, "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, attributes) = set_cookie(response.headers(), "trellis_session").unwrap();
    assert!(attributes.ends_with("; Secure"), "{attributes}");
    t.stop().await;
}
