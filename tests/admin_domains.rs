//! Mastodon's admin API for domain blocks and domain allows, and the public list of blocked
//! domains, over real HTTP: only administrators with the `admin:` scope reach them, a block
//! made through the API removes the domain's accounts and closes the inbox to it at once
//! (and lifting it reopens it), and allows are the run-time peers the CLI lists.

use crate::common;

use common::TestInstance;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trellis::db::models::{Account, NewAccount, Post};
use trellis::federation::signatures::SigningKey;
use trellis::services::{oauth, peers, scopes::Scopes};

const BIN: &str = env!("CARGO_BIN_EXE_trellis");
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
const ADMIN_SCOPES: &str = "admin:read admin:write";

/// A remote person on `http://127.0.0.1:9`, a host other than the instance's
/// `localhost`, so it can be blocked. activitypub_federation fetches no actor by an IP
/// address, so the person is stored as an earlier fetch would have stored it, with the key
/// its deliveries are signed with.
struct Remote {
    id: String,
    key: SigningKey,
}

impl Remote {
    async fn stored_on(instance: &TestInstance, authority: &str, name: &str) -> Self {
        let pair = common::remote_keypair();
        let id = format!("http://{authority}/users/{name}");
        let key_id = format!("{id}#main-key");
        let state = instance.state().clone();
        let now = chrono::Utc::now().naive_utc();
        let new = NewAccount {
            id: state.ids().next_id(),
            actor_type: "Person".into(),
            username: name.into(),
            domain: Some(authority.into()),
            uri: id.clone(),
            url: Some(id.clone()),
            display_name: name.into(),
            bio: String::new(),
            inbox_url: format!("{id}/inbox"),
            shared_inbox_url: None,
            outbox_url: None,
            followers_url: None,
            following_url: None,
            public_key_id: key_id.clone(),
            public_key_pem: pair.public_key.clone(),
            private_key_pem: None,
            avatar_url: None,
            header_url: None,
            locked: false,
            discoverable: true,
            department: None,
            job_title: None,
            location: None,
            expertise: "[]".into(),
            fields: "[]".into(),
            created_at: now,
            updated_at: now,
            fetched_at: Some(now),
        };
        state
            .db()
            .write(move |conn| Account::insert(conn, &new))
            .await
            .unwrap();
        Self {
            key: SigningKey::from_pem(&key_id, &pair.private_key).unwrap(),
            id,
        }
    }

    /// Delivers a public Create of note `n` to the instance's shared inbox, signed; returns
    /// the status and the note's id.
    async fn post_note(&self, to: &TestInstance, n: u32) -> (StatusCode, String) {
        let note = format!("{}/statuses/{n}", self.id);
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{note}/activity"),
            "type": "Create",
            "actor": self.id,
            "to": [PUBLIC],
            "object": {
                "id": note,
                "type": "Note",
                "attributedTo": self.id,
                "content": "<p>hello from a blocked domain</p>",
                "to": [PUBLIC],
            }
        });
        let body = serde_json::to_vec(&activity).unwrap();
        let status = to.signed_post(&self.key, &body, &body).await.status();
        (status, note)
    }
}

async fn account_stored(instance: &TestInstance, uri: &str) -> bool {
    let uri = uri.to_string();
    instance
        .state()
        .db()
        .read(move |conn| Account::find_by_uri(conn, &uri))
        .await
        .unwrap()
        .is_some()
}

async fn post_stored(instance: &TestInstance, uri: &str) -> bool {
    let uri = uri.to_string();
    instance
        .state()
        .db()
        .read(move |conn| Post::find_by_uri(conn, &uri))
        .await
        .unwrap()
        .is_some()
}

/// Runs `trellis federation ARGS` on `instance`'s database; returns success and stdout.
async fn federation_cli(instance: &TestInstance, args: &[&str]) -> (bool, String) {
    let output = tokio::process::Command::new(BIN)
        .arg("federation")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TRELLIS_DATABASE_URL", &instance.db.url)
        .env("TRELLIS_DOMAIN", &instance.domain)
        .env("TRELLIS_ALLOW_HTTP", "true")
        .env("TRELLIS_TEST_KEY_POOL", federation_tests::KEY_POOL)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("trellis runs");
    let out = String::from_utf8_lossy(&output.stdout).to_string();
    let err = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), format!("{out}{err}"))
}

/// Every admin operation, with a body where it takes one.
fn operations() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/api/v1/admin/domain_blocks", None),
        (
            Method::POST,
            "/api/v1/admin/domain_blocks",
            Some(json!({"domain": "spam.example"})),
        ),
        (
            Method::GET,
            "/api/v1/admin/domain_blocks/spam.example",
            None,
        ),
        (
            Method::PUT,
            "/api/v1/admin/domain_blocks/spam.example",
            Some(json!({"public_comment": "spam"})),
        ),
        (
            Method::DELETE,
            "/api/v1/admin/domain_blocks/spam.example",
            None,
        ),
        (Method::GET, "/api/v1/admin/domain_allows", None),
        (
            Method::POST,
            "/api/v1/admin/domain_allows",
            Some(json!({"domain": "peer.example"})),
        ),
        (
            Method::GET,
            "/api/v1/admin/domain_allows/peer.example",
            None,
        ),
        (
            Method::DELETE,
            "/api/v1/admin/domain_allows/peer.example",
            None,
        ),
    ]
}

#[tokio::test]
async fn apps_register_with_the_admin_scopes_mastodon_defines() {
    let instance = TestInstance::start().await;
    let scopes = "read admin:read admin:write:domain_blocks admin:write:domain_allows \
                  admin:read:accounts admin:write:reports admin:read:ip_blocks \
                  admin:write:email_domain_blocks admin:read:canonical_email_blocks";
    let reply = instance
        .api_post(
            "/api/v1/apps",
            None,
            Some(json!({
                "client_name": "moderation tool",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": scopes,
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let metadata = instance
        .api_get("/.well-known/oauth-authorization-server", None)
        .await;
    let supported = metadata.body["scopes_supported"].as_array().unwrap();
    assert!(supported.contains(&json!("admin:write:domain_blocks")));
    instance.stop().await;
}

#[tokio::test]
async fn only_administrators_with_the_admin_scope_reach_the_admin_api() {
    let instance = TestInstance::start().await;
    let admin_all = instance.admin_token("root", ADMIN_SCOPES).await;
    let admin_plain = instance.token("root", "read write follow").await;
    let admin_read_blocks = instance.token("root", "admin:read:domain_blocks").await;
    let revoked = instance.revoked_token("root", ADMIN_SCOPES).await;
    instance.create_user("ann", |_| {}).await;
    let member = instance.token("ann", ADMIN_SCOPES).await;
    let app = oauth::register_app(
        instance.state(),
        "tool",
        None,
        vec!["urn:ietf:wg:oauth:2.0:oob".into()],
        Scopes::parse(ADMIN_SCOPES).unwrap(),
    )
    .await
    .unwrap();
    let app_only = oauth::issue_token(
        instance.state(),
        app.app.id,
        None,
        Scopes::parse(ADMIN_SCOPES).unwrap(),
    )
    .await
    .unwrap()
    .access_token;

    for (method, path, body) in operations() {
        let what = format!("{method} {path}");
        for (token, status) in [
            (None, StatusCode::UNAUTHORIZED),
            (Some("not-a-token"), StatusCode::UNAUTHORIZED),
            (Some(revoked.as_str()), StatusCode::UNAUTHORIZED),
            (Some(admin_plain.as_str()), StatusCode::FORBIDDEN),
            (Some(member.as_str()), StatusCode::FORBIDDEN),
            (Some(app_only.as_str()), StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let reply = instance
                .api(method.clone(), path, token, body.clone())
                .await;
            assert_eq!(
                reply.status, status,
                "{what} with {token:?}: {:?}",
                reply.body
            );
            assert!(reply.body["error"].is_string(), "{what}: {:?}", reply.body);
        }
    }
    let scope = instance
        .api_get("/api/v1/admin/domain_blocks", Some(&admin_plain))
        .await;
    assert_eq!(
        scope.body["error"],
        "This action is outside the authorized scopes"
    );
    let role = instance
        .api_get("/api/v1/admin/domain_blocks", Some(&member))
        .await;
    assert_eq!(role.body["error"], "This action is not allowed");

    // A granular scope reaches what it names only.
    let reply = instance
        .api_get("/api/v1/admin/domain_blocks", Some(&admin_read_blocks))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    for (method, path, body) in [
        (
            Method::POST,
            "/api/v1/admin/domain_blocks",
            Some(json!({"domain": "spam.example"})),
        ),
        (Method::GET, "/api/v1/admin/domain_allows", None),
    ] {
        let reply = instance
            .api(method.clone(), path, Some(&admin_read_blocks), body)
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    // Nothing was blocked or allowed on the way.
    let reply = instance
        .api_get("/api/v1/admin/domain_blocks", Some(&admin_all))
        .await;
    assert_eq!(reply.body, json!([]));
    let reply = instance
        .api_get("/api/v1/admin/domain_allows", Some(&admin_all))
        .await;
    assert_eq!(reply.body, json!([]));
    instance.stop().await;
}

#[tokio::test]
async fn a_block_through_the_api_removes_the_domains_accounts_and_closes_the_inbox() {
    let instance = TestInstance::start().await;
    let admin = instance.admin_token("root", ADMIN_SCOPES).await;
    let eve = Remote::stored_on(&instance, "127.0.0.1:9", "eve").await;
    let bob = Remote::stored_on(&instance, "good.example", "bob").await;

    let (status, first) = eve.post_note(&instance, 1).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(account_stored(&instance, &eve.id).await);
    assert!(post_stored(&instance, &first).await);

    // A url-encoded body, as Mastodon's own tools send it.
    let reply = instance
        .api_form(
            "/api/v1/admin/domain_blocks",
            &admin,
            &[
                ("domain", "127.0.0.1"),
                ("severity", "suspend"),
                ("reject_media", "true"),
                ("obfuscate", "false"),
                ("public_comment", "spam"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let digest = "12ca17b49af2289436f303e0166030a21e525d266e209267433801a8fd4071a0";
    assert_eq!(reply.body["id"], "127.0.0.1");
    assert_eq!(reply.body["domain"], "127.0.0.1");
    assert_eq!(reply.body["digest"], digest);
    assert_eq!(reply.body["severity"], "suspend");
    assert_eq!(reply.body["public_comment"], "spam");
    assert_eq!(reply.body["private_comment"], "spam");
    assert_eq!(reply.body["obfuscate"], false);
    assert!(reply.body["created_at"].as_str().unwrap().ends_with('Z'));

    // What the instance held of the domain is gone, and its inbox refuses the domain.
    assert!(!account_stored(&instance, &eve.id).await);
    assert!(!post_stored(&instance, &first).await);
    assert!(account_stored(&instance, &bob.id).await);
    let (status, second) = eve.post_note(&instance, 2).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!post_stored(&instance, &second).await);
    assert!(!account_stored(&instance, &eve.id).await);

    // The block is listed publicly, to the administrator, and by the CLI.
    let public = instance
        .api_get("/api/v1/instance/domain_blocks", None)
        .await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(
        public.body,
        json!([{"domain": "127.0.0.1", "digest": digest, "severity": "suspend", "comment": "spam"}])
    );
    let listed = instance
        .api_get("/api/v1/admin/domain_blocks", Some(&admin))
        .await;
    assert_eq!(listed.ids(), vec!["127.0.0.1"]);
    assert_eq!(listed.body[0], reply.body);
    let shown = instance
        .api_get("/api/v1/admin/domain_blocks/127.0.0.1", Some(&admin))
        .await;
    assert_eq!(shown.body, reply.body);
    let (ok, out) = federation_cli(&instance, &["blocks"]).await;
    assert!(
        ok && out.contains("127.0.0.1") && out.contains("spam"),
        "{out}"
    );

    // PUT changes the comment; without one it keeps it.
    let changed = instance
        .api(
            Method::PUT,
            "/api/v1/admin/domain_blocks/127.0.0.1",
            Some(&admin),
            Some(json!({"private_comment": "spam, twice"})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["public_comment"], "spam, twice");
    assert_eq!(changed.body["created_at"], reply.body["created_at"]);
    let kept = instance
        .api(
            Method::PUT,
            "/api/v1/admin/domain_blocks/127.0.0.1",
            Some(&admin),
            Some(json!({"severity": "suspend"})),
        )
        .await;
    assert_eq!(kept.body["public_comment"], "spam, twice");
    let public = instance
        .api_get("/api/v1/instance/domain_blocks", None)
        .await;
    assert_eq!(public.body[0]["comment"], "spam, twice");

    // DELETE lifts it: the lists are empty and the domain is federated with again.
    let lifted = instance
        .api(
            Method::DELETE,
            "/api/v1/admin/domain_blocks/127.0.0.1",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(lifted.status, StatusCode::OK);
    assert_eq!(lifted.body, json!({}));
    let public = instance
        .api_get("/api/v1/instance/domain_blocks", None)
        .await;
    assert_eq!(public.body, json!([]));
    let listed = instance
        .api_get("/api/v1/admin/domain_blocks", Some(&admin))
        .await;
    assert_eq!(listed.body, json!([]));
    let eve = Remote::stored_on(&instance, "127.0.0.1:9", "eve").await;
    let (status, third) = eve.post_note(&instance, 3).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(post_stored(&instance, &third).await);
    for method in [Method::GET, Method::DELETE] {
        let reply = instance
            .api(
                method.clone(),
                "/api/v1/admin/domain_blocks/127.0.0.1",
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method}");
    }
    instance.stop().await;
}

#[tokio::test]
async fn domain_allows_are_the_peers_allowed_at_run_time() {
    let instance =
        TestInstance::start_with(&[("TRELLIS_FEDERATION_PEERS", "configured.corp.example")]).await;
    let admin = instance.admin_token("root", ADMIN_SCOPES).await;

    let allowed = instance
        .api_post(
            "/api/v1/admin/domain_allows",
            Some(&admin),
            Some(json!({"domain": "LocalHost:3001"})),
        )
        .await;
    assert_eq!(allowed.status, StatusCode::OK, "{:?}", allowed.body);
    assert_eq!(allowed.body["id"], "localhost:3001");
    assert_eq!(allowed.body["domain"], "localhost:3001");
    assert!(allowed.body["created_at"].is_string());

    // The service, the policy in force and the CLI all know the peer.
    let found = peers::list(instance.state()).await.unwrap();
    let authorities: Vec<&str> = found.allowed.iter().map(|p| p.authority.as_str()).collect();
    assert_eq!(authorities, vec!["localhost:3001"]);
    let policy = instance.state().federation_policy().await.unwrap();
    assert!(policy.is_peer("localhost:3001"));
    let (ok, out) = federation_cli(&instance, &["peers"]).await;
    assert!(ok && out.contains("localhost:3001"), "{out}");

    // Allowing it again answers the earlier allow.
    let again = instance
        .api_form(
            "/api/v1/admin/domain_allows",
            &admin,
            &[("domain", "localhost:3001")],
        )
        .await;
    assert_eq!(again.body, allowed.body);
    let listed = instance
        .api_get("/api/v1/admin/domain_allows", Some(&admin))
        .await;
    assert_eq!(listed.body, json!([allowed.body]));
    let shown = instance
        .api_get("/api/v1/admin/domain_allows/localhost:3001", Some(&admin))
        .await;
    assert_eq!(shown.body, allowed.body);

    // A configured peer is not the API's to remove.
    let configured = instance
        .api(
            Method::DELETE,
            "/api/v1/admin/domain_allows/configured.corp.example",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(configured.status, StatusCode::CONFLICT);
    let message = configured.body["error"].as_str().unwrap();
    assert!(message.contains("TRELLIS_FEDERATION_PEERS"), "{message}");

    let removed = instance
        .api(
            Method::DELETE,
            "/api/v1/admin/domain_allows/localhost:3001",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert_eq!(removed.body, json!({}));
    assert!(
        peers::list(instance.state())
            .await
            .unwrap()
            .allowed
            .is_empty()
    );
    let policy = instance.state().federation_policy().await.unwrap();
    assert!(!policy.is_peer("localhost:3001"));
    let (ok, out) = federation_cli(&instance, &["peers"]).await;
    assert!(ok && !out.contains("localhost:3001"), "{out}");
    for method in [Method::GET, Method::DELETE] {
        let reply = instance
            .api(
                method.clone(),
                "/api/v1/admin/domain_allows/localhost:3001",
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method}");
    }
    instance.stop().await;
}

#[tokio::test]
async fn invalid_domains_are_422_and_unknown_ids_404() {
    let instance = TestInstance::start().await;
    let admin = instance.admin_token("root", ADMIN_SCOPES).await;

    let own_host = "localhost";
    for body in [
        json!({}),
        json!({"domain": ""}),
        json!({"domain": "not a domain"}),
        json!({"domain": "https://bad.example/"}),
        json!({"domain": "bad.example:8443"}),
        json!({"domain": own_host}),
        json!({"domain": "bad.example", "severity": "silence"}),
        json!({"domain": "bad.example", "severity": "noop"}),
        json!({"domain": "bad.example", "severity": "extreme"}),
        json!({"domain": "bad.example", "obfuscate": true}),
    ] {
        let reply = instance
            .api_post(
                "/api/v1/admin/domain_blocks",
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {:?}",
            reply.body
        );
        assert!(reply.body["error"].is_string(), "{body}");
        assert!(
            reply.body["details"].is_object(),
            "{body}: {:?}",
            reply.body
        );
    }
    let silence = instance
        .api_post(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            Some(json!({"domain": "bad.example", "severity": "silence"})),
        )
        .await;
    let message = silence.body["error"].as_str().unwrap();
    assert!(
        message.contains("silence") && message.contains("suspend"),
        "{message}"
    );

    let own_authority = instance.domain.clone();
    for body in [
        json!({}),
        json!({"domain": "not a domain"}),
        json!({"domain": "https://peer.example/"}),
        json!({"domain": own_authority}),
    ] {
        let reply = instance
            .api_post(
                "/api/v1/admin/domain_allows",
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {:?}",
            reply.body
        );
    }

    // Nothing was stored by any of them.
    let blocks = instance
        .api_get("/api/v1/admin/domain_blocks", Some(&admin))
        .await;
    assert_eq!(blocks.body, json!([]));
    let allows = instance
        .api_get("/api/v1/admin/domain_allows", Some(&admin))
        .await;
    assert_eq!(allows.body, json!([]));

    for (method, path, body) in [
        (
            Method::GET,
            "/api/v1/admin/domain_blocks/unknown.example",
            None,
        ),
        (
            Method::PUT,
            "/api/v1/admin/domain_blocks/unknown.example",
            Some(json!({"public_comment": "x"})),
        ),
        (
            Method::PUT,
            "/api/v1/admin/domain_blocks/unknown.example",
            Some(json!({})),
        ),
        (
            Method::DELETE,
            "/api/v1/admin/domain_blocks/unknown.example",
            None,
        ),
        (
            Method::GET,
            "/api/v1/admin/domain_blocks/not%20a%20domain",
            None,
        ),
        (Method::DELETE, "/api/v1/admin/domain_blocks/1", None),
        (
            Method::GET,
            "/api/v1/admin/domain_allows/unknown.example",
            None,
        ),
        (
            Method::DELETE,
            "/api/v1/admin/domain_allows/unknown.example",
            None,
        ),
        (
            Method::GET,
            "/api/v1/admin/domain_allows/not%20a%20domain",
            None,
        ),
    ] {
        let reply = instance.api(method.clone(), path, Some(&admin), body).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {:?}",
            reply.body
        );
        assert!(reply.body["error"].is_string(), "{method} {path}");
    }
    instance.stop().await;
}

#[tokio::test]
async fn the_public_list_takes_no_token_but_refuses_an_invalid_one() {
    let instance = TestInstance::start().await;
    let admin = instance.admin_token("root", ADMIN_SCOPES).await;
    let reply = instance
        .api_post(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            Some(json!({"domain": "Spam.Example"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["id"], "spam.example");
    assert_eq!(reply.body["public_comment"], Value::Null);

    let public = instance
        .api_get("/api/v1/instance/domain_blocks", None)
        .await;
    assert_eq!(public.status, StatusCode::OK);
    // Without a reason the entity has no comment.
    assert_eq!(
        public.body,
        json!([{
            "domain": "spam.example",
            "digest": trellis_digest("spam.example"),
            "severity": "suspend"
        }])
    );
    instance.create_user("ann", |_| {}).await;
    let member = instance.token("ann", "read").await;
    let as_member = instance
        .api_get("/api/v1/instance/domain_blocks", Some(&member))
        .await;
    assert_eq!(as_member.body, public.body);
    let invalid = instance
        .api_get("/api/v1/instance/domain_blocks", Some("not-a-token"))
        .await;
    assert_eq!(invalid.status, StatusCode::UNAUTHORIZED);
    instance.stop().await;
}

/// The SHA-256 of `domain` in hex, as the entities' `digest`.
fn trellis_digest(domain: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(domain.as_bytes()))
}
