//! Single sign-on with OpenID Connect against a real OpenID provider (panva's
//! `oidc-provider`, federation-tests/peers/oidc-provider): a Mastodon app's authorization-code
//! login through the provider, driven over HTTP like a browser with a cookie jar;
//! provisioning and updates from claims, linking by subject, a key rotation, the audit log,
//! and an instance with password sign-in turned off.

use std::time::Duration;

use serde_json::{Value, json};

use federation_tests::Instance;
use federation_tests::clients::create_login;
use federation_tests::instance::{Launch, free_port};
use federation_tests::oidc_provider::{Browser, OidcProvider, Page, field, form_action, link};

/// Where the test app's redirect URI points (never fetched: the browser stops there).
const APP_REDIRECT: &str = "http://app.example/callback";
/// The shortest time between two fetches of the provider's keys (`KEY_REFETCH_INTERVAL`).
const KEY_REFETCH_INTERVAL: Duration = Duration::from_secs(5);

/// One person at the provider.
pub(crate) fn person(
    login: &str,
    sub: &str,
    email: &str,
    department: &str,
    groups: &[&str],
) -> Value {
    json!({
        login: {
            "password": format!("{login}-password"),
            "claims": {
                "sub": sub,
                "preferred_username": format!("{}.Doe", login),
                "name": format!("{login} Doe"),
                "email": email,
                "department": department,
                "groups": groups,
            }
        }
    })
}

/// An instance using `provider`-to-be, started with the provider on the instance's port.
pub(crate) async fn start(accounts: &Value, extra: &[(&str, &str)]) -> (Instance, OidcProvider) {
    let port = free_port();
    let provider = OidcProvider::start(&format!("http://localhost:{port}"), accounts).await;
    let mut settings: Vec<(String, String)> = provider
        .settings()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    for (key, value) in [
        ("TRELLIS_OIDC_GROUPS_CLAIM", "groups"),
        ("TRELLIS_OIDC_ADMIN_GROUP", "it-admins"),
        ("TRELLIS_OIDC_EDITOR_GROUP", "comms"),
    ]
    .into_iter()
    .chain(extra.iter().copied())
    {
        settings.push((key.to_string(), value.to_string()));
    }
    let instance = Instance::launch(
        "sso",
        Launch {
            port: Some(port),
            settings,
            ..Launch::default()
        },
    )
    .await;
    (instance, provider)
}

/// A registered app: (client_id, client_secret).
async fn register_app(instance: &Instance) -> (String, String) {
    let app: Value = instance
        .http()
        .post(format!("{}/api/v1/apps", instance.base))
        .json(&json!({
            "client_name": "SSO test app",
            "redirect_uris": APP_REDIRECT,
            "scopes": "read write admin:read",
        }))
        .send()
        .await
        .expect("apps")
        .json()
        .await
        .expect("app JSON");
    (
        app["client_id"].as_str().expect("client_id").to_string(),
        app["client_secret"]
            .as_str()
            .expect("client_secret")
            .to_string(),
    )
}

fn at_app(url: &str) -> bool {
    url.starts_with(APP_REDIRECT)
}

/// Signs in at the provider from its sign-in form; returns the page the browser ends on
/// (back at Trellis).
async fn provider_login(
    browser: &Browser,
    provider: &OidcProvider,
    form: &Page,
    login: &str,
) -> Page {
    let action = form_action(&form.body).expect("the provider's sign-in form");
    let password = format!("{login}-password");
    browser
        .submit(
            &format!("{}{action}", provider.issuer),
            &[("login", login), ("password", &password)],
            &at_app,
        )
        .await
}

/// The whole app login: register, open the authorize page, follow "Sign in with", sign in at
/// the provider, consent, exchange the code. Returns the access token.
pub(crate) async fn app_login(instance: &Instance, provider: &OidcProvider, login: &str) -> String {
    let (client_id, client_secret) = register_app(instance).await;
    let browser = Browser::new();
    let authorize = format!(
        "{}/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope=read+write+admin%3Aread&state=app-state",
        instance.base,
        url_encode(APP_REDIRECT)
    );
    let page = browser.open(&authorize, &at_app).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Sign in with Corp ID"), "{}", page.body);
    let start = link(&page.body, "sso-sign-in").expect("Sign in with link");
    let form = browser
        .open(&format!("{}{start}", instance.base), &at_app)
        .await;
    assert!(
        form.url.starts_with(&provider.issuer) && form.status == 200,
        "at the provider: {form:?}"
    );
    let consent = provider_login(&browser, provider, &form, login).await;
    assert!(
        consent
            .url
            .starts_with(&format!("{}/oauth/authorize", instance.base)),
        "back at the authorize page: {consent:?}"
    );
    assert!(consent.body.contains("Signed in as"), "{}", consent.body);
    assert!(
        !consent.body.contains("type=\"password\""),
        "{}",
        consent.body
    );
    let mut fields: Vec<(&str, String)> = Vec::new();
    for name in [
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "csrf",
    ] {
        fields.push((name, field(&consent.body, name).expect(name)));
    }
    fields.push(("decision", "allow".into()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let back = browser
        .submit(
            &format!("{}/oauth/authorize", instance.base),
            &form,
            &at_app,
        )
        .await;
    let url = url::Url::parse(&back.url).expect("app URL");
    assert!(at_app(&back.url), "the app got its code: {back:?}");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query.get("state").map(String::as_str), Some("app-state"));
    let code = query.get("code").expect("code").clone();
    let token: Value = instance
        .http()
        .post(format!("{}/oauth/token", instance.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", &client_id),
            ("client_secret", &client_secret),
            ("redirect_uri", APP_REDIRECT),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token JSON");
    token["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {token}"))
        .to_string()
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

pub(crate) async fn get(instance: &Instance, token: &str, path: &str) -> (u16, Value) {
    let response = instance
        .http()
        .get(format!("{}{path}", instance.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A browser's web sign-in through the provider from `/login`; returns the last page.
async fn web_login(instance: &Instance, provider: &OidcProvider, login: &str) -> Page {
    let browser = Browser::new();
    let page = browser
        .open(&format!("{}/login?next=/directory", instance.base), &at_app)
        .await;
    let start = link(&page.body, "sso-sign-in").expect("Sign in with link");
    let form = browser
        .open(&format!("{}{start}", instance.base), &at_app)
        .await;
    provider_login(&browser, provider, &form, login).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_login_through_sso_provisions_updates_and_audits_the_person() {
    let (instance, provider) = start(
        &person(
            "jane",
            "sub-jane",
            "jane@corp.example",
            "Finance",
            &["staff"],
        ),
        &[],
    )
    .await;

    let token = app_login(&instance, &provider, "jane").await;
    let (status, me) = get(&instance, &token, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["username"], "jane_doe", "{me}");
    assert_eq!(me["display_name"], "jane Doe");
    assert_eq!(me["department"], "Finance");
    assert_eq!(me["role"]["name"], "member", "{me}");
    let id = me["id"].as_str().expect("id").to_string();
    let (_, account) = get(&instance, &token, &format!("/api/v1/accounts/{id}")).await;
    assert_eq!(account["department"], "Finance", "{account}");
    let (status, _) = get(&instance, &token, "/api/trellis/v1/admin/audit").await;
    assert_eq!(status, 403, "a member (no admin group) has no admin API");

    // The provider changes her department and puts her in the admin group.
    provider.set_accounts(&person(
        "jane",
        "sub-jane",
        "jane@corp.example",
        "Treasury",
        &["staff", "it-admins"],
    ));
    let token = app_login(&instance, &provider, "jane").await;
    let (_, me) = get(&instance, &token, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["id"], id.as_str(), "the same person");
    assert_eq!(me["department"], "Treasury");
    assert_eq!(me["role"]["name"], "admin", "{me}");
    let (status, audit) = get(&instance, &token, "/api/trellis/v1/admin/audit").await;
    assert_eq!(status, 200, "an admin now: {audit}");
    let entries = audit.as_array().expect("entries");
    let provision = entries
        .iter()
        .find(|e| e["action"] == "sso.provision")
        .unwrap_or_else(|| panic!("sso.provision in {audit}"));
    assert_eq!(
        provision["actor"]["kind"], "identity_provider",
        "{provision}"
    );
    assert_eq!(provision["target"], "@jane_doe");
    let role = entries
        .iter()
        .find(|e| e["action"] == "account.role")
        .unwrap_or_else(|| panic!("account.role in {audit}"));
    assert_eq!(role["details"]["old"], "member", "{role}");
    assert_eq!(role["details"]["new"], "admin", "{role}");
    assert_eq!(role["actor"]["kind"], "identity_provider");
    assert!(
        role["address"].as_str().is_some_and(|a| !a.is_empty()),
        "{role}"
    );

    // Leaving the group takes the role away at the next sign-in.
    provider.set_accounts(&person(
        "jane",
        "sub-jane",
        "jane@corp.example",
        "Treasury",
        &["staff"],
    ));
    let token = app_login(&instance, &provider, "jane").await;
    let (status, _) = get(&instance, &token, "/api/trellis/v1/admin/audit").await;
    assert_eq!(status, 403);

    // A disabled person is refused with a clear page.
    let output = instance.cli(&["user", "disable", "jane_doe"]);
    assert!(output.status.success(), "{output:?}");
    let page = web_login(&instance, &provider, "jane").await;
    assert_eq!(page.status, 403, "{page:?}");
    assert!(page.body.contains("disabled"), "{}", page.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_linked_by_subject_never_by_email() {
    let (instance, provider) = start(
        &person("jane", "sub-jane", "jane@corp.example", "Finance", &[]),
        &[],
    )
    .await;
    let first = web_login(&instance, &provider, "jane").await;
    assert!(
        first.url.ends_with("/directory") && first.status == 200,
        "{first:?}"
    );
    let token = app_login(&instance, &provider, "jane").await;
    let (_, me) = get(&instance, &token, "/api/v1/accounts/verify_credentials").await;
    let jane = me["id"].as_str().expect("id").to_string();

    // Same subject, new email: the same person.
    provider.set_accounts(&person(
        "jane",
        "sub-jane",
        "jane.doe@corp.example",
        "Finance",
        &[],
    ));
    let token = app_login(&instance, &provider, "jane").await;
    let (_, me) = get(&instance, &token, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["id"], jane.as_str());

    // Another subject with the same email is not her: it is refused, never signed in as her.
    provider.set_accounts(&person(
        "jane",
        "sub-other",
        "jane.doe@corp.example",
        "Finance",
        &[],
    ));
    let page = web_login(&instance, &provider, "jane").await;
    assert_eq!(page.status, 409, "{page:?}");
    assert!(page.body.contains("email address"), "{}", page.body);

    // Another subject with its own email is another person, with a username of its own.
    provider.set_accounts(&person(
        "jane",
        "sub-other",
        "other.jane@corp.example",
        "Sales",
        &[],
    ));
    let token = app_login(&instance, &provider, "jane").await;
    let (_, other) = get(&instance, &token, "/api/v1/accounts/verify_credentials").await;
    assert_ne!(other["id"], jane.as_str(), "{other}");
    assert_eq!(other["username"], "jane_doe2");
    assert_eq!(other["department"], "Sales");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signing_key_rotation_at_the_provider_is_followed() {
    let (instance, mut provider) = start(
        &person("jane", "sub-jane", "jane@corp.example", "Finance", &[]),
        &[],
    )
    .await;
    let http = reqwest::Client::new();
    let kid = |keys: Value| keys["keys"][0]["kid"].as_str().expect("kid").to_string();
    let jwks = format!("{}/jwks", provider.issuer);
    let before = kid(http.get(&jwks).send().await.unwrap().json().await.unwrap());
    let token = app_login(&instance, &provider, "jane").await;

    provider.restart().await;
    let after = kid(http.get(&jwks).send().await.unwrap().json().await.unwrap());
    assert_ne!(before, after, "the provider signs with a new key");
    tokio::time::sleep(KEY_REFETCH_INTERVAL).await;
    let again = app_login(&instance, &provider, "jane").await;
    let (_, first) = get(&instance, &token, "/api/v1/accounts/verify_credentials").await;
    let (_, second) = get(&instance, &again, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(first["id"], second["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_password_login_only_sso_signs_in() {
    let (instance, provider) = start(
        &person("jane", "sub-jane", "jane@corp.example", "Finance", &[]),
        &[("TRELLIS_PASSWORD_LOGIN", "false")],
    )
    .await;
    let login = create_login(&instance, "pat").await;
    let (client_id, client_secret) = register_app(&instance).await;
    let response = instance
        .http()
        .post(format!("{}/oauth/token", instance.base))
        .form(&[
            ("grant_type", "password"),
            ("client_id", &client_id),
            ("client_secret", &client_secret),
            ("username", &login.email),
            ("password", &login.password),
            ("scope", "read"),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(response.status().as_u16(), 400);
    let error: Value = response.json().await.expect("OAuth error JSON");
    assert_eq!(error["error"], "unsupported_grant_type", "{error}");
    assert!(
        error["error_description"]
            .as_str()
            .unwrap()
            .contains("Password sign-in is turned off")
    );

    let browser = Browser::new();
    let page = browser
        .open(&format!("{}/login", instance.base), &at_app)
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Sign in with Corp ID"), "{}", page.body);
    assert!(!page.body.contains("type=\"password\""), "{}", page.body);
    let posted = browser
        .submit(
            &format!("{}/login", instance.base),
            &[
                ("login", login.username.as_str()),
                ("password", login.password.as_str()),
            ],
            &at_app,
        )
        .await;
    assert_eq!(posted.status, 403, "{posted:?}");

    let authorize = format!(
        "{}/oauth/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope=read",
        instance.base,
        url_encode(APP_REDIRECT)
    );
    let page = browser.open(&authorize, &at_app).await;
    assert!(!page.body.contains("type=\"password\""), "{}", page.body);
    let posted = browser
        .submit(
            &format!("{}/oauth/authorize", instance.base),
            &[
                ("response_type", "code"),
                ("client_id", client_id.as_str()),
                ("redirect_uri", APP_REDIRECT),
                ("scope", "read"),
                ("username", login.username.as_str()),
                ("password", login.password.as_str()),
                ("decision", "allow"),
            ],
            &at_app,
        )
        .await;
    assert_eq!(posted.status, 403, "{posted:?}");

    // Single sign-on still works.
    let token = app_login(&instance, &provider, "jane").await;
    let (status, _) = get(&instance, &token, "/api/v1/accounts/verify_credentials").await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_works_once_and_only_in_the_browser_that_started_it() {
    let (instance, provider) = start(
        &person("jane", "sub-jane", "jane@corp.example", "Finance", &[]),
        &[],
    )
    .await;
    let browser = Browser::new();
    let form = browser
        .open(
            &format!("{}/auth/oidc/start?return_to=/directory", instance.base),
            &at_app,
        )
        .await;
    let action = form_action(&form.body).expect("the provider's sign-in form");
    let at_callback = |url: &str| url.contains("/auth/oidc/callback");
    let callback = browser
        .submit(
            &format!("{}{action}", provider.issuer),
            &[("login", "jane"), ("password", "jane-password")],
            &at_callback,
        )
        .await
        .url;
    assert!(callback.contains("code="), "{callback}");

    let stranger = Browser::new().open(&callback, &at_app).await;
    assert_eq!(stranger.status, 400, "another browser: {stranger:?}");
    let signed_in = browser.open(&callback, &at_app).await;
    assert!(
        signed_in.url.ends_with("/directory") && signed_in.status == 200,
        "{signed_in:?}"
    );
    let replayed = browser.open(&callback, &at_app).await;
    assert_eq!(replayed.status, 400, "a second use: {replayed:?}");
}
