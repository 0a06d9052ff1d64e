//! Real clients of the Mastodon client API against full Trellis processes: Mastodon.py and
//! toot (Python) and megalodon (Node), each driven by a flow script in
//! `federation-tests/clients`. Install them with `federation-tests/install-peers`; the tests
//! fail, rather than skip, when they are missing.

use std::time::Duration;

use federation_tests::clients::{
    self, ClientProcess, Login, MastodonApi, create_login, marker, node_project,
};
use federation_tests::{Instance, wait_until};
use serde_json::Value;
use tokio::process::Command;

const PATIENCE: Duration = Duration::from_secs(30);
/// How long a whole flow script may run.
const FLOW_LIMIT: Duration = Duration::from_secs(120);

async fn follow_accepted(follower: &Instance, username: &str, target: &Instance, user: &str) {
    follower.follow(username, &target.actor(user)).await;
    let actor = target.actor(user);
    wait_until(
        &format!("{username} to follow {actor}"),
        PATIENCE,
        || async {
            let (_, following) = follower.relations(username).await;
            following.contains(&actor).then_some(())
        },
    )
    .await;
}

async fn follower_recorded(instance: &Instance, username: &str, follower: &str) {
    wait_until(
        &format!("{follower} among the followers of {username}"),
        PATIENCE,
        || async {
            let (followers, _) = instance.relations(username).await;
            followers.iter().any(|f| f == follower).then_some(())
        },
    )
    .await;
}

fn python_flow(script: &str) -> Command {
    let mut command = Command::new(clients::python());
    command
        .arg(clients::python_script(script))
        .env("PYTHONUNBUFFERED", "1");
    command
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer} in {value}"))
}

/// Bob's notifications of `kind` from `acct`, as the API on his instance lists them.
fn notified(notifications: &Value, kind: &str, acct: &str) -> bool {
    notifications.as_array().is_some_and(|all| {
        all.iter()
            .any(|n| n["type"] == kind && n["account"]["acct"] == acct)
    })
}

#[tokio::test]
async fn mastodon_py_logs_in_posts_replies_follows_across_instances_favourites_and_boosts() {
    clients::python();
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let alice = create_login(&alpha, "alice").await;
    let bob = create_login(&beta, "bob").await;
    let mark = marker("mpy");

    let mut flow = python_flow("mastodon_py_flow.py");
    flow.args(["--alpha", &alpha.base, "--login", &alice.email])
        .args(["--password", &alice.password])
        .args(["--target", &format!("bob@{}", beta.domain())])
        .args(["--marker", &mark, "--timeout", "20"]);
    let mut flow = ClientProcess::spawn("Mastodon.py flow", flow);
    flow.wait_for_line("FOLLOWED", FLOW_LIMIT).await;

    // Bob posts once Alice's follow is accepted, so the post is delivered to her.
    follower_recorded(&beta, "bob", &alpha.actor("alice")).await;
    let bobs = beta
        .post("bob", &format!("Status report {mark}"), "public", None)
        .await;
    let out = flow.finish(FLOW_LIMIT).await;

    assert_eq!(text(&out, "/me/username"), "alice");
    assert_eq!(text(&out, "/me/acct"), "alice");
    assert_eq!(text(&out, "/post/visibility"), "public");
    assert_eq!(
        text(&out, "/reply/in_reply_to_id"),
        text(&out, "/post/id"),
        "the reply points at the post"
    );
    let bob_acct = format!("bob@{}", beta.domain());
    assert_eq!(text(&out, "/target/acct"), bob_acct);
    assert_eq!(text(&out, "/received/account"), bob_acct);
    assert_eq!(text(&out, "/received/uri"), text(&bobs, "/uri"));
    assert_eq!(out["favourite"]["favourited"], true);
    assert_eq!(
        text(&out, "/reblog/reblog_of"),
        text(&out, "/received/id"),
        "the boost wraps Bob's post"
    );

    // The follow, the like and the boost reach Bob as notifications on his own instance.
    let api = MastodonApi::password_login(&beta, &bob).await;
    let alice_acct = format!("alice@{}", alpha.domain());
    let notifications = wait_until(
        "Bob's follow, favourite and reblog notifications from Alice",
        PATIENCE,
        || async {
            let (status, value) = api.get("/api/v1/notifications").await;
            assert_eq!(status, 200, "GET /api/v1/notifications on beta -> {value}");
            ["follow", "favourite", "reblog"]
                .iter()
                .all(|kind| notified(&value, kind, &alice_acct))
                .then_some(value)
        },
    )
    .await;
    for n in notifications.as_array().unwrap() {
        if n["type"] == "favourite" || n["type"] == "reblog" {
            assert_eq!(n["status"]["uri"], bobs["uri"], "{n}");
        }
    }
}

#[tokio::test]
async fn toot_logs_in_with_login_cli_posts_and_reads_the_home_timeline() {
    clients::python();
    let alpha = Instance::start("alpha").await;
    let alice: Login = create_login(&alpha, "alice").await;
    let mark = marker("toot");
    let posted = format!("Posted with toot {mark}");

    let mut flow = python_flow("toot_flow.py");
    flow.args(["--url", &alpha.base, "--email", &alice.email])
        .args(["--password", &alice.password, "--text", &posted]);
    let out = ClientProcess::spawn("toot flow", flow)
        .finish(FLOW_LIMIT)
        .await;

    assert_eq!(text(&out, "/whoami/username"), "alice");
    assert!(
        text(&out, "/posted_url").starts_with(&alpha.base),
        "toot printed {out}"
    );
    assert_eq!(out["timeline_contains_post"], true);
    let home = alpha.home("alice").await;
    assert!(
        home.iter()
            .any(|p| p["content"].as_str().is_some_and(|c| c.contains(&mark))),
        "the post is in Alice's home timeline: {home:?}"
    );
}

#[tokio::test]
async fn megalodon_detects_mastodon_logs_in_and_streams_a_followed_remote_post() {
    let node = node_project();
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let alice = create_login(&alpha, "alice").await;
    beta.create_user("bob").await;
    follow_accepted(&alpha, "alice", &beta, "bob").await;
    let mark = marker("mgl");

    let mut flow = Command::new("node");
    flow.current_dir(&node)
        .arg("megalodon_flow.mjs")
        .args(["--url", &alpha.base, "--login", &alice.email])
        .args(["--password", &alice.password, "--marker", &mark])
        .args(["--timeout", "20"]);
    let mut flow = ClientProcess::spawn("megalodon flow", flow);
    flow.wait_for_line("READY", FLOW_LIMIT).await;

    let bobs = beta
        .post("bob", &format!("Streamed news {mark}"), "public", None)
        .await;
    let out = flow.finish(FLOW_LIMIT).await;

    assert_eq!(text(&out, "/detected"), "mastodon");
    assert_eq!(text(&out, "/me/username"), "alice");
    assert!(
        text(&out, "/streaming_url").starts_with("ws://"),
        "urls.streaming_api: {out}"
    );
    assert_eq!(text(&out, "/update/uri"), text(&bobs, "/uri"));
    assert_eq!(
        text(&out, "/update/account"),
        format!("bob@{}", beta.domain())
    );
}
