//! Cross-instance scenarios: three full Trellis processes (alpha, beta, gamma), each with its
//! own database, federating over signed HTTP on localhost.

use std::time::Duration;

use federation_tests::{Instance, wait_until};
use serde_json::Value;

const PATIENCE: Duration = Duration::from_secs(30);

async fn follow_accepted(
    follower: &Instance,
    username: &str,
    target: &Instance,
    target_user: &str,
) {
    follower.follow(username, &target.actor(target_user)).await;
    let actor = target.actor(target_user);
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

async fn stored(instance: &Instance, uri: &str, viewer: &str) -> Value {
    wait_until(
        &format!("{uri} to reach {}", instance.name),
        PATIENCE,
        || async { instance.show(uri, Some(viewer)).await },
    )
    .await
}

fn uri(post: &Value) -> String {
    post["uri"].as_str().expect("uri").to_string()
}

#[tokio::test]
async fn a_follow_across_instances_is_accepted_and_counted_on_both_sides() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;

    let follow = beta.follow("bob", &alpha.actor("alice")).await;
    assert_eq!(
        follow["accepted"], false,
        "a remote follow waits for the Accept"
    );
    follow_accepted(&beta, "bob", &alpha, "alice").await;

    let (followers, following) = alpha.relations("alice").await;
    assert_eq!(followers, vec![beta.actor("bob")]);
    assert!(following.is_empty());
    let (followers, following) = beta.relations("bob").await;
    assert!(followers.is_empty());
    assert_eq!(following, vec![alpha.actor("alice")]);

    // The followers collection served to other servers agrees.
    let collection: Value = alpha
        .http()
        .get(format!("{}/followers", alpha.actor("alice")))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(collection["totalItems"], 1);
}

#[tokio::test]
async fn b_a_public_post_reaches_followers_on_two_other_instances() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let gamma = Instance::start("gamma").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;
    gamma.create_user("carol").await;
    follow_accepted(&beta, "bob", &alpha, "alice").await;
    follow_accepted(&gamma, "carol", &alpha, "alice").await;

    let post = alpha
        .post(
            "alice",
            "Quarterly numbers are out #finance",
            "public",
            None,
        )
        .await;
    for (instance, reader) in [(&beta, "bob"), (&gamma, "carol")] {
        let home = wait_until(
            &format!("the post in {reader}'s home"),
            PATIENCE,
            || async {
                let home = instance.home(reader).await;
                home.iter().any(|p| p["uri"] == post["uri"]).then_some(home)
            },
        )
        .await;
        let received = home.iter().find(|p| p["uri"] == post["uri"]).unwrap();
        assert!(
            received["content"]
                .as_str()
                .unwrap()
                .contains("Quarterly numbers are out")
        );
        assert_eq!(received["author"], alpha.actor("alice"));
        assert_eq!(received["visibility"], "public");
        assert_eq!(received["local"], false);
    }
}

#[tokio::test]
async fn c_a_thread_spanning_three_instances_is_complete_on_each() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let gamma = Instance::start("gamma").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;
    gamma.create_user("carol").await;
    follow_accepted(&beta, "bob", &alpha, "alice").await;

    let root = alpha
        .post("alice", "Who knows the new expense tool?", "public", None)
        .await;
    stored(&beta, &uri(&root), "bob").await;
    let reply = beta
        .post("bob", "I do, ask me anything", "public", Some(&uri(&root)))
        .await;
    // Carol finds Bob's reply by its URL (as a search would), which brings its parent along.
    gamma.resolve("carol", &uri(&reply)).await;
    let answer = gamma
        .post(
            "carol",
            "Thanks! Where are the receipts stored?",
            "public",
            Some(&uri(&reply)),
        )
        .await;

    for (instance, viewer) in [(&alpha, "alice"), (&beta, "bob"), (&gamma, "carol")] {
        let thread = wait_until(
            &format!("the full thread on {}", instance.name),
            PATIENCE,
            || async {
                let thread = instance.show(&uri(&root), Some(viewer)).await?;
                (thread["descendants"].as_array()?.len() == 2).then_some(thread)
            },
        )
        .await;
        let descendants: Vec<&str> = thread["descendants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["uri"].as_str().unwrap())
            .collect();
        assert_eq!(
            descendants,
            vec![uri(&reply), uri(&answer)],
            "on {}",
            instance.name
        );
        let leaf = instance.show(&uri(&answer), Some(viewer)).await.unwrap();
        let ancestors: Vec<&str> = leaf["ancestors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["uri"].as_str().unwrap())
            .collect();
        assert_eq!(
            ancestors,
            vec![uri(&root), uri(&reply)],
            "on {}",
            instance.name
        );
    }
    let origin = alpha.show(&uri(&root), Some("alice")).await.unwrap();
    assert_eq!(origin["post"]["replies_count"], 1, "one direct reply");
}

#[tokio::test]
async fn d_likes_and_boosts_from_other_instances_are_counted_on_the_origin() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let gamma = Instance::start("gamma").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;
    gamma.create_user("carol").await;
    follow_accepted(&beta, "bob", &alpha, "alice").await;
    follow_accepted(&gamma, "carol", &alpha, "alice").await;

    let post = alpha
        .post("alice", "New travel policy", "public", None)
        .await;
    stored(&beta, &uri(&post), "bob").await;
    stored(&gamma, &uri(&post), "carol").await;
    beta.interact("bob", "like", &uri(&post)).await;
    gamma.interact("carol", "like", &uri(&post)).await;
    beta.interact("bob", "boost", &uri(&post)).await;

    let counted = wait_until("likes and boosts on alpha", PATIENCE, || async {
        let shown = alpha.show(&uri(&post), Some("alice")).await?;
        let post = &shown["post"];
        (post["favourites_count"] == 2 && post["reblogs_count"] == 1).then(|| post.clone())
    })
    .await;
    assert_eq!(counted["favourites_count"], 2);

    // Undoing them is counted too.
    beta.interact("bob", "unlike", &uri(&post)).await;
    beta.interact("bob", "unboost", &uri(&post)).await;
    wait_until("the undo on alpha", PATIENCE, || async {
        let shown = alpha.show(&uri(&post), Some("alice")).await?;
        (shown["post"]["favourites_count"] == 1 && shown["post"]["reblogs_count"] == 0)
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn e_an_edit_and_a_delete_propagate() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;
    follow_accepted(&beta, "bob", &alpha, "alice").await;

    let post = alpha.post("alice", "Meeting at 10", "public", None).await;
    stored(&beta, &uri(&post), "bob").await;
    alpha.edit("alice", &post, "Meeting moved to 11").await;
    wait_until("the edit on beta", PATIENCE, || async {
        let shown = beta.show(&uri(&post), Some("bob")).await?;
        let p = &shown["post"];
        (p["content"].as_str()?.contains("moved to 11") && p["edited"] == true).then_some(())
    })
    .await;

    alpha.delete("alice", &post).await;
    wait_until("the delete on beta", PATIENCE, || async {
        beta.show(&uri(&post), Some("bob"))
            .await
            .is_none()
            .then_some(())
    })
    .await;
    let gone = alpha
        .http()
        .get(uri(&post))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 410, "the origin answers with a Tombstone");
    let tombstone: Value = gone.json().await.unwrap();
    assert_eq!(tombstone["type"], "Tombstone");
}

#[tokio::test]
async fn f_a_followers_only_post_stays_with_followers() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let gamma = Instance::start("gamma").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;
    gamma.create_user("carol").await;
    follow_accepted(&beta, "bob", &alpha, "alice").await;

    let private = alpha
        .post("alice", "Team only: reorg draft", "private", None)
        .await;
    let public = alpha
        .post(
            "alice",
            "Public marker after the private post",
            "public",
            None,
        )
        .await;
    let received = stored(&beta, &uri(&private), "bob").await;
    assert_eq!(received["post"]["visibility"], "private");
    stored(&beta, &uri(&public), "bob").await;

    // Gamma receives nothing: no follower there.
    assert!(gamma.show(&uri(&private), None).await.is_none());
    // Unsigned fetch: hidden.
    let unsigned = gamma
        .http()
        .get(uri(&private))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 404);
    // Signed fetch by gamma's instance actor (a non-follower) through resolve: refused.
    let (status, _) = gamma
        .call(
            reqwest::Method::POST,
            "/users/carol/resolve",
            Some(serde_json::json!({ "object": uri(&private) })),
        )
        .await;
    assert_eq!(
        status, 404,
        "a non-follower cannot fetch a followers-only post"
    );
    assert!(gamma.show(&uri(&private), Some("carol")).await.is_none());
    // The public post next to it is fetchable.
    gamma.resolve("carol", &uri(&public)).await;
}

#[tokio::test]
async fn g_a_locked_account_approves_one_request_and_rejects_another() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let gamma = Instance::start("gamma").await;
    alpha.create_locked_user("lena").await;
    beta.create_user("bob").await;
    gamma.create_user("carol").await;

    beta.follow("bob", &alpha.actor("lena")).await;
    gamma.follow("carol", &alpha.actor("lena")).await;
    assert_eq!(gamma.requested("carol").await, vec![alpha.actor("lena")]);
    let requests = wait_until("two follow requests", PATIENCE, || async {
        let requests = alpha.follow_requests("lena").await;
        (requests.len() == 2).then_some(requests)
    })
    .await;
    assert!(requests.contains(&beta.actor("bob")) && requests.contains(&gamma.actor("carol")));
    let (followers, _) = alpha.relations("lena").await;
    assert!(followers.is_empty(), "requests are not followers yet");

    alpha.answer("lena", &beta.actor("bob"), true).await;
    alpha.answer("lena", &gamma.actor("carol"), false).await;
    wait_until("bob to be accepted", PATIENCE, || async {
        let (_, following) = beta.relations("bob").await;
        following.contains(&alpha.actor("lena")).then_some(())
    })
    .await;
    let (followers, _) = alpha.relations("lena").await;
    assert_eq!(followers, vec![beta.actor("bob")]);
    assert!(alpha.follow_requests("lena").await.is_empty());
    // Carol's pending follow disappears when the Reject arrives.
    wait_until("carol's request to be rejected", PATIENCE, || async {
        let (_, following) = gamma.relations("carol").await;
        let requested = gamma.requested("carol").await;
        (following.is_empty() && requested.is_empty()).then_some(())
    })
    .await;
    let post = alpha
        .post("lena", "For approved followers", "private", None)
        .await;
    stored(&beta, &uri(&post), "bob").await;
}

#[tokio::test]
async fn h_a_receiver_that_was_down_gets_the_post_exactly_once() {
    let alpha = Instance::start("alpha").await;
    let mut beta = Instance::start("beta").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;
    follow_accepted(&beta, "bob", &alpha, "alice").await;

    beta.stop();
    let post = alpha
        .post("alice", "Posted while beta was down", "public", None)
        .await;
    let host = beta.domain();
    wait_until("a failed attempt to be recorded", PATIENCE, || async {
        let queue = alpha.queue().await;
        queue
            .iter()
            .any(|h| h["host"] == host.as_str() && h["pending"] == 1 && h["last_error"].is_string())
            .then_some(())
    })
    .await;
    let report = alpha.cli(&["federation", "queue"]);
    assert!(report.status.success());
    let report = String::from_utf8_lossy(&report.stdout).to_string();
    let line = report
        .lines()
        .find(|l| l.starts_with(&host))
        .unwrap_or_else(|| panic!("{report}"));
    let columns: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(columns[1], "1", "one pending delivery to beta: {line}");
    assert!(line.contains("error"), "the last error is shown: {line}");

    beta.start_again().await;
    stored(&beta, &uri(&post), "bob").await;
    wait_until("the queue to drain", PATIENCE, || async {
        let queue = alpha.queue().await;
        queue
            .iter()
            .all(|h| h["pending"] == 0 && h["failed"] == 0)
            .then_some(())
    })
    .await;
    let home = beta.home("bob").await;
    assert_eq!(home.iter().filter(|p| p["uri"] == post["uri"]).count(), 1);
    let log = beta.log();
    assert_eq!(
        log.matches(&format!("{}/activity", uri(&post))).count(),
        1,
        "received once:\n{log}"
    );
}

#[tokio::test]
async fn i_a_sender_killed_with_queued_deliveries_delivers_each_once_after_restart() {
    // A short lease: a claim the killed process held is taken over after 5 s, not 60 s.
    let mut alpha = Instance::start_with("alpha", &[("TRELLIS_DELIVERY_LEASE_SECS", "5")]).await;
    let mut beta = Instance::start("beta").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;
    follow_accepted(&beta, "bob", &alpha, "alice").await;

    beta.stop();
    let mut posts = Vec::new();
    for n in 0..3 {
        posts.push(
            alpha
                .post("alice", &format!("Queued post {n}"), "public", None)
                .await,
        );
    }
    alpha.kill();
    beta.start_again().await;
    alpha.start_again().await;
    // A delivery that was in flight when the process died stays claimed until its lease
    // (TRELLIS_DELIVERY_LEASE_SECS) runs out on PostgreSQL, where other nodes may share the
    // queue; SQLite releases it at start.
    let lease_patience = PATIENCE;
    for post in &posts {
        wait_until(
            &format!("{} to reach beta", uri(post)),
            lease_patience,
            || async { beta.show(&uri(post), Some("bob")).await },
        )
        .await;
    }
    wait_until("the queue to drain", lease_patience, || async {
        alpha
            .queue()
            .await
            .iter()
            .all(|h| h["pending"] == 0)
            .then_some(())
    })
    .await;
    let home = beta.home("bob").await;
    for post in &posts {
        assert_eq!(home.iter().filter(|p| p["uri"] == post["uri"]).count(), 1);
        let log = beta.log();
        assert_eq!(
            log.matches(&format!("{}/activity", uri(post))).count(),
            1,
            "received once"
        );
    }
}

#[tokio::test]
async fn k_a_deleted_account_disappears_from_other_instances() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    alpha.create_user("alice").await;
    beta.create_user("bob").await;
    follow_accepted(&beta, "bob", &alpha, "alice").await;
    let post = alpha
        .post("alice", "Leaving the company", "public", None)
        .await;
    stored(&beta, &uri(&post), "bob").await;
    // Alice interacts with a post of Bob's before she goes.
    let bobs = beta
        .post("bob", "Farewell drinks on Friday", "public", None)
        .await;
    alpha.resolve("alice", &uri(&bobs)).await;
    alpha.interact("alice", "like", &uri(&bobs)).await;
    alpha.interact("alice", "boost", &uri(&bobs)).await;
    alpha
        .post("alice", "I'll be there", "public", Some(&uri(&bobs)))
        .await;
    let bobs_uri = uri(&bobs);
    let counted = |likes: i64, boosts: i64, replies: i64| {
        let (beta, bobs) = (&beta, bobs_uri.clone());
        async move {
            let shown = beta.show(&bobs, Some("bob")).await?;
            let p = &shown["post"];
            (p["favourites_count"] == likes
                && p["reblogs_count"] == boosts
                && p["replies_count"] == replies)
                .then_some(())
        }
    };
    wait_until("alice's like, boost and reply on beta", PATIENCE, || {
        counted(1, 1, 1)
    })
    .await;

    let deleted = alpha.cli(&["user", "delete", "alice"]);
    assert!(
        deleted.status.success(),
        "{}",
        String::from_utf8_lossy(&deleted.stderr)
    );
    assert!(String::from_utf8_lossy(&deleted.stdout).contains("1 remote inbox"));
    wait_until(
        "alice's account and posts to vanish on beta",
        PATIENCE,
        || async {
            let (_, following) = beta.relations("bob").await;
            let gone = beta.show(&uri(&post), Some("bob")).await.is_none();
            (following.is_empty() && gone).then_some(())
        },
    )
    .await;
    wait_until(
        "alice's interactions to stop counting on beta",
        PATIENCE,
        || counted(0, 0, 0),
    )
    .await;
    let actor = alpha
        .http()
        .get(alpha.actor("alice"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    // Gone, as Mastodon answers for a deleted actor: a Tombstone that was a Person.
    assert_eq!(actor.status(), 410);
    let tombstone: serde_json::Value = actor.json().await.unwrap();
    assert_eq!(tombstone["type"], "Tombstone");
    assert_eq!(tombstone["formerType"], "Person");
}
