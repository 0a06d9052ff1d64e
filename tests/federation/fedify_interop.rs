//! Interoperability with Fedify (npm `@fedify/fedify`), a server no one here wrote.

use std::time::Duration;

use federation_tests::{FedifyPeer, Instance, wait_until};
use serde_json::Value;

const PATIENCE: Duration = Duration::from_secs(30);

fn received<'a>(inbox: &'a [Value], kind: &str, object_id: &str) -> Option<&'a Value> {
    inbox
        .iter()
        .find(|a| a["type"] == kind && (a["object"]["id"] == object_id || a["object"] == object_id))
}

#[tokio::test]
async fn trellis_and_fedify_follow_each_other_and_exchange_posts() {
    let fedify = FedifyPeer::start().await;
    let alpha = Instance::start("alpha").await;
    let alice = alpha.create_user("alice").await;

    // A Trellis user follows the Fedify actor, which accepts, and receives its post.
    alpha.follow("alice", &fedify.actor()).await;
    wait_until("Fedify to accept alice", PATIENCE, || async {
        let (_, following) = alpha.relations("alice").await;
        following.contains(&fedify.actor()).then_some(())
    })
    .await;
    assert!(fedify.followers().await.contains(&alice));
    let note = fedify.publish("<p>Hello from Fedify</p>").await;
    let home = wait_until("the Fedify note in alice's home", PATIENCE, || async {
        let home = alpha.home("alice").await;
        home.iter()
            .any(|p| p["uri"] == note.as_str())
            .then_some(home)
    })
    .await;
    let stored = home.iter().find(|p| p["uri"] == note.as_str()).unwrap();
    assert!(
        stored["content"]
            .as_str()
            .unwrap()
            .contains("Hello from Fedify")
    );

    // The Fedify actor follows the Trellis user and receives a post, a reply and a Delete.
    fedify.follow(&alice).await;
    wait_until("alice to accept Fedify", PATIENCE, || async {
        let following = fedify.following().await;
        following
            .iter()
            .any(|(id, accepted)| id == &alice && *accepted)
            .then_some(())
    })
    .await;
    let post = alpha
        .post("alice", "Hello Fedify, from Trellis", "public", None)
        .await;
    let post_uri = post["uri"].as_str().unwrap().to_string();
    let reply = alpha
        .post("alice", "A reply to your note", "public", Some(&note))
        .await;
    let reply_uri = reply["uri"].as_str().unwrap().to_string();
    let inbox = wait_until("the post and the reply at Fedify", PATIENCE, || async {
        let inbox = fedify.inbox().await;
        (received(&inbox, "Create", &post_uri).is_some()
            && received(&inbox, "Create", &reply_uri).is_some())
        .then_some(inbox)
    })
    .await;
    let create = received(&inbox, "Create", &post_uri).unwrap();
    assert!(
        create["object"]["content"]
            .as_str()
            .unwrap()
            .contains("Hello Fedify, from Trellis")
    );
    let reply_create = received(&inbox, "Create", &reply_uri).unwrap();
    assert_eq!(reply_create["object"]["inReplyTo"], note.as_str());

    alpha.delete("alice", &post).await;
    wait_until("the Delete at Fedify", PATIENCE, || async {
        let inbox = fedify.inbox().await;
        received(&inbox, "Delete", &post_uri).map(|_| ())
    })
    .await;
}
