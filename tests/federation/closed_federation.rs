//! A closed federation: one organisation's instances (alpha, beta, gamma) on loopback ports,
//! serving https with the organisation's own CA (the test CA), in `allowlist` mode with each
//! other as peers, and without `TRELLIS_ALLOW_HTTP`, so the real https-only rules and address
//! guard apply. Peers follow, post, reply and resolve each other; outsiders (a Trellis
//! instance in `open` mode and the Fedify peer) get nothing in and nothing out.

use std::time::{Duration, SystemTime};

use federation_tests::clients::{ClientProcess, MastodonApi, create_login, marker};
use federation_tests::{
    CountingProxy, FedifyPeer, Instance, Launch, start_organisation, test_pki, wait_until,
};
use serde_json::{Value, json};
use trellis::config::key_pool::{PRIVATE_SUFFIX, PUBLIC_SUFFIX, pair_names};
use trellis::federation::signatures::{SigningKey, sign_get, sign_post};
use url::Url;

const PATIENCE: Duration = Duration::from_secs(30);
/// How long a whole client flow script may run.
const FLOW_LIMIT: Duration = Duration::from_secs(120);
const ACTIVITY_JSON: &str = "application/activity+json";

fn organisation(mut instances: Vec<Instance>) -> (Instance, Instance, Instance) {
    let gamma = instances.pop().expect("gamma");
    let beta = instances.pop().expect("beta");
    let alpha = instances.pop().expect("alpha");
    (alpha, beta, gamma)
}

fn pair(mut instances: Vec<Instance>) -> (Instance, Instance) {
    let beta = instances.pop().expect("beta");
    let alpha = instances.pop().expect("alpha");
    (alpha, beta)
}

/// An instance outside the organisation: https with the same test CA, `open` mode, no peers.
async fn outsider(launch: Launch) -> Instance {
    let outsider = Instance::launch("outsider", launch).await;
    assert!(outsider.base.starts_with("https://"), "{}", outsider.base);
    outsider
}

/// The key `username` on `instance` signs with: its actor's public key is one of the test key
/// pool's pairs, whose private half signs here as that actor would.
async fn signing_key(instance: &Instance, username: &str) -> SigningKey {
    let actor: Value = instance
        .http()
        .get(instance.actor(username))
        .header("accept", ACTIVITY_JSON)
        .send()
        .await
        .expect("the actor answers")
        .json()
        .await
        .expect("the actor is JSON");
    let key_id = actor["publicKey"]["id"].as_str().expect("a key id");
    let public = actor["publicKey"]["publicKeyPem"]
        .as_str()
        .expect("a public key");
    let pool = std::path::Path::new(federation_tests::KEY_POOL);
    let read = |name: &str, suffix: &str| {
        std::fs::read_to_string(pool.join(format!("{name}{suffix}"))).expect("a key file")
    };
    let name = pair_names(pool)
        .expect("the test key pool")
        .into_iter()
        .find(|name| read(name, PUBLIC_SUFFIX).trim() == public.trim())
        .expect("the actor's key is one of the test key pool's");
    SigningKey::from_pem(key_id, &read(&name, PRIVATE_SUFFIX)).expect("a signing key")
}

/// A signed POST of `activity` to `target`'s shared inbox: the status and the body.
async fn signed_inbox_post(target: &Instance, key: &SigningKey, activity: &Value) -> (u16, String) {
    let inbox = Url::parse(&format!("{}/inbox", target.base)).unwrap();
    let body = activity.to_string().into_bytes();
    let headers = sign_post(key, &inbox, &body, ACTIVITY_JSON, SystemTime::now()).unwrap();
    let mut request = target
        .http()
        .post(inbox)
        .header("content-type", ACTIVITY_JSON);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.body(body).send().await.expect("the inbox answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

async fn followers(instance: &Instance, username: &str) -> Vec<String> {
    instance.relations(username).await.0
}

#[tokio::test]
async fn peers_follow_post_reply_and_resolve_over_https_in_allowlist_mode() {
    let (alpha, beta, gamma) =
        organisation(start_organisation(&["alpha", "beta", "gamma"], &[]).await);
    for instance in [&alpha, &beta, &gamma] {
        assert!(instance.base.starts_with("https://localhost:"));
    }
    let alice = alpha.create_user("alice").await;
    let bob = beta.create_user("bob").await;
    gamma.create_user("carol").await;
    assert!(alice.starts_with("https://"), "{alice}");

    // A person on beta follows one on alpha; alpha accepts.
    beta.follow("bob", &alice).await;
    wait_until("bob's follow of alice to be accepted", PATIENCE, || async {
        let (_, following) = beta.relations("bob").await;
        following.contains(&alice).then_some(())
    })
    .await;
    assert_eq!(followers(&alpha, "alice").await, vec![bob.clone()]);

    // Alice's post reaches Bob's home timeline on beta.
    let post = alpha
        .post("alice", "Quarterly numbers are in", "public", None)
        .await;
    let post_uri = post["uri"].as_str().unwrap().to_string();
    assert!(post_uri.starts_with(&alpha.base), "{post_uri}");
    wait_until("alice's post in bob's home timeline", PATIENCE, || async {
        let home = beta.home("bob").await;
        home.iter()
            .any(|p| p["uri"] == post_uri.as_str())
            .then_some(())
    })
    .await;

    // Bob's reply arrives on alpha, in the thread of Alice's post.
    let reply = beta
        .post("bob", "Thanks, looks good", "public", Some(&post_uri))
        .await;
    let reply_uri = reply["uri"].as_str().unwrap().to_string();
    let stored = wait_until("bob's reply on alpha", PATIENCE, || async {
        alpha.show(&reply_uri, Some("alice")).await
    })
    .await;
    assert!(
        stored.to_string().contains("Thanks, looks good"),
        "{stored}"
    );

    // Gamma, which follows no one, resolves Alice's post by its URL, and so does the client
    // API's resolving search.
    let resolved = gamma.resolve("carol", &post_uri).await;
    assert_eq!(resolved["uri"], post_uri.as_str(), "{resolved}");
    assert!(
        resolved.to_string().contains("Quarterly numbers are in"),
        "{resolved}"
    );
    let carol = create_login(&gamma, "carol2").await;
    let api = MastodonApi::password_login(&gamma, &carol).await;
    let query = url::form_urlencoded::byte_serialize(reply_uri.as_bytes()).collect::<String>();
    let found = api
        .get_ok(&format!(
            "/api/v2/search?q={query}&resolve=true&type=statuses"
        ))
        .await;
    let statuses = found["statuses"].as_array().expect("statuses");
    assert!(
        statuses.iter().any(|s| s["uri"] == reply_uri.as_str()),
        "{found}"
    );
}

#[tokio::test]
async fn an_outsider_can_neither_follow_nor_be_fetched_by_an_allowlist_instance() {
    let (alpha, beta) = pair(start_organisation(&["alpha", "beta"], &[]).await);
    // The outsider's domain names a counting proxy in front of it, so every connection anyone
    // makes to it is seen.
    let proxy = CountingProxy::start().await;
    let outsider = outsider(Launch {
        tls: true,
        port: Some(proxy.port),
        listen_port: Some(proxy.target),
        ..Launch::default()
    })
    .await;
    let alice = alpha.create_user("alice").await;
    let olga = outsider.create_user("olga").await;
    let key = signing_key(&outsider, "olga").await;
    let connections_before = proxy.connections();

    // Olga's follow of Alice never becomes a follow on alpha. (Her own instance, which has no
    // peers, does not even reach alpha on its loopback address.)
    let (status, answer) = outsider
        .call(
            reqwest::Method::POST,
            "/users/olga/follow",
            Some(json!({ "target": alice })),
        )
        .await;
    assert!(status >= 400, "the outsider's follow: {status} {answer}");
    assert!(followers(&alpha, "alice").await.is_empty());

    // Her delivery, signed by her own key, is refused before anything is fetched.
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{olga}#follows/1"),
        "type": "Follow",
        "actor": olga,
        "object": alice,
    });
    let (status, body) = signed_inbox_post(&alpha, &key, &follow).await;
    assert_eq!(status, 403, "{body}");
    assert!(followers(&alpha, "alice").await.is_empty());

    // A peer's follow of the same person still goes through (and shows the inbox works).
    let bob = beta.create_user("bob").await;
    beta.follow("bob", &alice).await;
    wait_until("bob among alice's followers", PATIENCE, || async {
        let followers = followers(&alpha, "alice").await;
        (!followers.is_empty()).then_some(followers)
    })
    .await;
    assert_eq!(followers(&alpha, "alice").await, vec![bob]);

    // Alpha resolving the outsider finds nothing, by URL or by handle...
    let reader = create_login(&alpha, "reader").await;
    let api = MastodonApi::password_login(&alpha, &reader).await;
    for query in [olga.clone(), format!("@olga@{}", outsider.domain())] {
        let q = url::form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>();
        let found = api
            .get_ok(&format!("/api/v2/search?q={q}&resolve=true"))
            .await;
        assert_eq!(found["accounts"], json!([]), "{query}: {found}");
        assert_eq!(found["statuses"], json!([]), "{query}: {found}");
    }
    // ...and never connects to it: not for the search, not for the key of the refused
    // delivery.
    assert_eq!(
        proxy.connections(),
        connections_before,
        "alpha connected to the outsider"
    );
    // The proxy does count connections (a new client: the harness's may reuse one).
    let health = test_pki()
        .client()
        .get(format!("{}/health", outsider.base))
        .send()
        .await
        .expect("the outsider answers through the proxy");
    assert_eq!(health.status(), 200);
    assert_eq!(proxy.connections(), connections_before + 1);
}

#[tokio::test]
async fn fedify_as_an_outsider_cannot_follow_an_allowlist_instance() {
    let pki = test_pki();
    let (alpha, beta) = pair(start_organisation(&["alpha", "beta"], &[]).await);
    let ca_env = pki.ca_env();
    let env: Vec<(&str, &std::path::Path)> =
        ca_env.iter().map(|(k, v)| (*k, v.as_path())).collect();
    let fedify = FedifyPeer::start_with_env(&env).await;
    let alice = alpha.create_user("alice").await;

    // Fedify reaches alpha over https (it trusts the organisation's CA)...
    assert_eq!(
        fedify.fetch_status(&format!("{}/health", alpha.base)).await,
        Ok(200)
    );
    // ...but its follow does not get in: the delivery is refused (or, once alpha serves its
    // actor to peers only, the actor cannot even be looked up).
    let (status, answer) = fedify.try_follow(&alice).await;
    assert_ne!(status, 200, "Fedify's follow went through: {answer}");
    let error = answer["error"].as_str().unwrap_or_default().to_string();
    assert!(
        error.contains("403") || error.contains("no actor at"),
        "{status} {answer}"
    );
    assert!(followers(&alpha, "alice").await.is_empty());

    // A peer's follow, sent after it, is recorded: alpha's inbox was open to peers all along.
    let bob = beta.create_user("bob").await;
    beta.follow("bob", &alice).await;
    let recorded = wait_until("bob among alice's followers", PATIENCE, || async {
        let followers = followers(&alpha, "alice").await;
        (!followers.is_empty()).then_some(followers)
    })
    .await;
    assert_eq!(recorded, vec![bob]);
    assert!(fedify.followers().await.is_empty());
}

#[tokio::test]
async fn mastodon_py_logs_in_posts_and_follows_a_peer_over_https_in_allowlist_mode() {
    federation_tests::clients::python();
    let (alpha, beta) = pair(start_organisation(&["alpha", "beta"], &[]).await);
    let alice = create_login(&alpha, "alice").await;
    beta.create_user("bob").await;
    let mark = marker("tls");

    let mut flow = tokio::process::Command::new(federation_tests::clients::python());
    flow.arg(federation_tests::clients::python_script(
        "mastodon_py_flow.py",
    ))
    .env("PYTHONUNBUFFERED", "1")
    .envs(test_pki().ca_env())
    .args(["--alpha", &alpha.base, "--login", &alice.email])
    .args(["--password", &alice.password])
    .args(["--target", &format!("bob@{}", beta.domain())])
    .args(["--marker", &mark, "--timeout", "20"]);
    let mut flow = ClientProcess::spawn("Mastodon.py flow (https)", flow);
    flow.wait_for_line("FOLLOWED", FLOW_LIMIT).await;

    wait_until("alice among bob's followers", PATIENCE, || async {
        followers(&beta, "bob")
            .await
            .contains(&alpha.actor("alice"))
            .then_some(())
    })
    .await;
    let bobs = beta
        .post(
            "bob",
            &format!("Closed network news {mark}"),
            "public",
            None,
        )
        .await;
    let out = flow.finish(FLOW_LIMIT).await;

    assert_eq!(out["me"]["username"], "alice", "{out}");
    let posted = out["post"]["uri"].as_str().expect("the post's uri");
    assert!(posted.starts_with(&format!("{}/", alpha.base)), "{out}");
    assert_eq!(out["target"]["acct"], format!("bob@{}", beta.domain()));
    assert_eq!(out["received"]["uri"], bobs["uri"], "{out}");
    assert_eq!(out["favourite"]["favourited"], true, "{out}");
}

/// Expected to fail until every ActivityPub GET needs a peer's signature in `allowlist` mode.
#[tokio::test]
async fn an_outsider_can_fetch_nothing_from_an_allowlist_instance() {
    let (alpha, _beta) = pair(start_organisation(&["alpha", "beta"], &[]).await);
    let outsider = outsider(Launch::tls(&[])).await;
    let alice = alpha.create_user("alice").await;
    outsider.create_user("olga").await;
    let key = signing_key(&outsider, "olga").await;

    let unsigned = alpha
        .http()
        .get(&alice)
        .header("accept", ACTIVITY_JSON)
        .send()
        .await
        .expect("alpha answers");
    assert_eq!(unsigned.status(), 401, "an unsigned GET of an actor");

    let url = Url::parse(&alice).unwrap();
    let mut request = alpha
        .http()
        .get(url.clone())
        .header("accept", ACTIVITY_JSON);
    for (name, value) in sign_get(&key, &url, ACTIVITY_JSON, SystemTime::now()).unwrap() {
        request = request.header(name, value);
    }
    let signed = request.send().await.expect("alpha answers");
    assert_eq!(signed.status(), 403, "a GET signed by an outsider");
}
