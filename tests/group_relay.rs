//! What a Lemmy community sends, received over real HTTP: a stand-in group server (the
//! shapes of ../shared/fixtures/activitypub/lemmy) relays its members' posts, comments,
//! edits, votes and removals as signed `Announce`s of activities to an instance where a
//! local person follows the group, and the person sees them through the Mastodon API.

use crate::common;

use common::{ALL_SCOPES, FakePeer, TestInstance};
use reqwest::Method;
use serde_json::{Value, json};
use trellis::federation::signatures::SigningKey;

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Serves an actor of `kind` at `path` on `peer`; returns its id and the key signing as it.
fn serve_actor(peer: &FakePeer, path: &str, kind: &str) -> (String, SigningKey) {
    let pair = common::remote_keypair();
    let id = peer.url(path);
    let key_id = format!("{id}#main-key");
    peer.set(
        path,
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": id,
            "type": kind,
            "preferredUsername": path.rsplit('/').next().unwrap(),
            "inbox": format!("{id}/inbox"),
            "followers": format!("{id}/followers"),
            "publicKey": {"id": key_id, "owner": id, "publicKeyPem": pair.public_key},
        }),
    );
    (
        id,
        SigningKey::from_pem(&key_id, &pair.private_key).unwrap(),
    )
}

/// A Lemmy community on a stand-in server, with a member who posts and one who votes.
struct Community {
    server: FakePeer,
    group: String,
    key: SigningKey,
    author: String,
    author_key: SigningKey,
    voter: String,
    sent: std::cell::Cell<u32>,
}

impl Community {
    fn start_on(server: FakePeer) -> Self {
        let (group, key) = serve_actor(&server, "/c/main", "Group");
        let (author, author_key) = serve_actor(&server, "/u/picard", "Person");
        let (voter, _) = serve_actor(&server, "/u/riker", "Person");
        Self {
            server,
            group,
            key,
            author,
            author_key,
            voter,
            sent: std::cell::Cell::new(0),
        }
    }

    fn next_id(&self, kind: &str) -> String {
        self.sent.set(self.sent.get() + 1);
        self.server
            .url(&format!("/activities/{kind}/{}", self.sent.get()))
    }

    /// A Page by the author (Lemmy's post), addressed to the community and the public.
    fn page(&self, n: u32, title: &str, body: &str) -> Value {
        json!({
            "id": self.server.url(&format!("/post/{n}")), "type": "Page",
            "attributedTo": self.author, "to": [self.group, PUBLIC], "audience": self.group,
            "name": title, "content": format!("<p>{body}</p>"), "mediaType": "text/html",
            "source": {"content": body, "mediaType": "text/markdown"},
            "attachment": [{"type": "Link", "href": "https://example.com/shared-article"}],
            "commentsEnabled": true, "sensitive": false, "stickied": false,
            "published": "2026-11-01T12:11:22Z",
        })
    }

    /// An activity of `actor` (on this server) about `object`.
    fn activity(&self, kind: &str, actor: &str, object: Value) -> Value {
        json!({
            "id": self.next_id(&kind.to_lowercase()), "type": kind, "actor": actor,
            "to": [PUBLIC], "cc": [self.group], "audience": self.group, "object": object,
        })
    }

    /// The community's Announce of `activity`.
    fn announce(&self, object: Value) -> Value {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": self.next_id("announce"), "type": "Announce", "actor": self.group,
            "to": [PUBLIC], "cc": [format!("{}/followers", self.group)], "object": object,
        })
    }

    /// Posts `activity` signed with `key` to the instance's inbox, which accepts it.
    async fn send_as(&self, key: &SigningKey, instance: &TestInstance, activity: &Value) {
        let body = serde_json::to_vec(activity).unwrap();
        let response = instance.signed_post(key, &body, &body).await;
        assert_eq!(response.status(), 202, "{activity}");
    }

    /// Relays `inner` (an activity) to the instance as the community.
    async fn relay(&self, instance: &TestInstance, inner: Value) {
        let announce = self.announce(inner);
        self.send_as(&self.key, instance, &announce).await;
    }
}

/// `reader` follows the community, which accepts; returns the group's account id.
async fn follow_group(instance: &TestInstance, token: &str, community: &Community) -> String {
    let (status, found) = instance
        .api_get(
            &format!(
                "/api/v2/search?q={}&resolve=true&type=accounts",
                community.group
            ),
            Some(token),
        )
        .await
        .parts();
    assert_eq!(status, 200, "{found}");
    let group_id = found["accounts"][0]["id"].as_str().unwrap().to_string();
    let (status, rel) = instance
        .api(
            Method::POST,
            &format!("/api/v1/accounts/{group_id}/follow"),
            Some(token),
            None,
        )
        .await
        .parts();
    assert_eq!(status, 200, "{rel}");
    let accept = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": community.next_id("accept"), "type": "Accept", "actor": community.group,
        "object": {"id": community.server.url("/unknown-follow"), "type": "Follow",
                   "actor": format!("{}/users/reader", instance.base), "object": community.group},
    });
    community.send_as(&community.key, instance, &accept).await;
    let (_, rels) = instance
        .api_get(
            &format!("/api/v1/accounts/relationships?id[]={group_id}"),
            Some(token),
        )
        .await
        .parts();
    assert_eq!(rels[0]["following"], true, "{rels}");
    group_id
}

/// The reader's home timeline.
async fn home(instance: &TestInstance, token: &str) -> Vec<Value> {
    let (status, body) = instance
        .api_get("/api/v1/timelines/home", Some(token))
        .await
        .parts();
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

async fn status(instance: &TestInstance, token: &str, id: &str) -> (u16, Value) {
    let (status, body) = instance
        .api_get(&format!("/api/v1/statuses/{id}"), Some(token))
        .await
        .parts();
    (status.as_u16(), body)
}

#[tokio::test]
async fn a_community_thread_arrives_once_with_title_body_comments_edits_votes_and_removals() {
    let instance = TestInstance::start().await;
    instance.people(&["reader"]).await;
    let reader = instance.token("reader", ALL_SCOPES).await;
    let community = Community::start_on(FakePeer::start().await);
    let group_id = follow_group(&instance, &reader, &community).await;

    // Lemmy sends Announce{Create{Page}} and then Announce{Page}: one post, title and body.
    let page = community.page(1, "Quarterly planning", "Bring your roadmap drafts");
    let create = community.activity("Create", &community.author, page.clone());
    community.relay(&instance, create).await;
    community.relay(&instance, page.clone()).await;
    let timeline = home(&instance, &reader).await;
    let page_uri = page["id"].as_str().unwrap();
    let shown: Vec<&Value> = timeline
        .iter()
        .filter(|s| s["reblog"]["uri"] == page_uri)
        .collect();
    assert_eq!(shown.len(), 1, "{timeline:?}");
    assert_eq!(shown[0]["account"]["id"], group_id);
    let post = &shown[0]["reblog"];
    let content = post["content"].as_str().unwrap();
    assert!(
        content.contains("<strong>Quarterly planning</strong>"),
        "{content}"
    );
    assert!(content.contains("Bring your roadmap drafts"), "{content}");
    assert!(
        content.contains("https://example.com/shared-article"),
        "{content}"
    );
    let post_id = post["id"].as_str().unwrap().to_string();

    // A comment (Note replying to the Page) threads under it.
    let comment = json!({
        "id": community.server.url("/comment/1"), "type": "Note",
        "attributedTo": community.author, "to": [community.group, PUBLIC],
        "audience": community.group, "inReplyTo": page_uri,
        "content": "<p>first comment!</p>", "mediaType": "text/html",
    });
    let create = community.activity("Create", &community.author, comment);
    community.relay(&instance, create).await;
    let (_, context) = instance
        .api_get(
            &format!("/api/v1/statuses/{post_id}/context"),
            Some(&reader),
        )
        .await
        .parts();
    assert_eq!(
        context["descendants"].as_array().unwrap().len(),
        1,
        "{context}"
    );
    assert!(
        context["descendants"][0]["content"]
            .as_str()
            .unwrap()
            .contains("first comment!")
    );
    // Comments are in the thread, not boosted into the home timeline.
    assert_eq!(home(&instance, &reader).await.len(), 1);

    // An edit, relayed as Announce{Update{Page}}, changes title and body.
    let edited = community.page(1, "Quarterly planning, moved", "Now on Thursday");
    let update = community.activity("Update", &community.author, edited);
    community.relay(&instance, update).await;
    let (_, shown) = status(&instance, &reader, &post_id).await;
    let content = shown["content"].as_str().unwrap();
    assert!(content.contains("Quarterly planning, moved"), "{content}");
    assert!(content.contains("Now on Thursday"), "{content}");
    assert!(!content.contains("roadmap"), "{content}");
    assert!(shown["edited_at"].is_string(), "{shown}");

    // Votes: a Like counts as a favourite; a Dislike by the same person withdraws it.
    let like = community.activity("Like", &community.voter, json!(page_uri));
    community.relay(&instance, like.clone()).await;
    assert_eq!(
        status(&instance, &reader, &post_id).await.1["favourites_count"],
        1
    );
    let dislike = community.activity("Dislike", &community.voter, json!(page_uri));
    community.relay(&instance, dislike).await;
    assert_eq!(
        status(&instance, &reader, &post_id).await.1["favourites_count"],
        0
    );
    let like = community.activity("Like", &community.voter, json!(page_uri));
    community.relay(&instance, like.clone()).await;
    assert_eq!(
        status(&instance, &reader, &post_id).await.1["favourites_count"],
        1
    );
    let undo = community.activity("Undo", &community.voter, like);
    community.relay(&instance, undo).await;
    assert_eq!(
        status(&instance, &reader, &post_id).await.1["favourites_count"],
        0
    );

    // A moderator's removal of the comment, relayed by the group, removes it.
    let removal = community.activity(
        "Delete",
        &community.voter,
        json!(community.server.url("/comment/1")),
    );
    community.relay(&instance, removal).await;
    let (_, context) = instance
        .api_get(
            &format!("/api/v1/statuses/{post_id}/context"),
            Some(&reader),
        )
        .await
        .parts();
    assert_eq!(
        context["descendants"].as_array().unwrap().len(),
        0,
        "{context}"
    );

    // The author's Delete of the post removes it and the group's boost.
    let delete = community.activity("Delete", &community.author, json!(page_uri));
    community.relay(&instance, delete).await;
    assert_eq!(status(&instance, &reader, &post_id).await.0, 404);
    assert!(home(&instance, &reader).await.is_empty());
    instance.stop().await;
}

#[tokio::test]
async fn a_relayed_post_from_another_server_is_taken_from_its_origin() {
    let instance = TestInstance::start().await;
    instance.people(&["reader"]).await;
    let reader = instance.token("reader", ALL_SCOPES).await;
    let community = Community::start_on(FakePeer::start().await);
    follow_group(&instance, &reader, &community).await;

    // A member on a third server posts; its server serves the genuine Page.
    let origin = FakePeer::start().await;
    let (member, _) = serve_actor(&origin, "/u/troi", "Person");
    let genuine = json!({
        "id": origin.url("/post/9"), "type": "Page", "attributedTo": member,
        "to": [community.group, PUBLIC], "audience": community.group,
        "name": "Genuine title", "content": "<p>genuine words</p>",
    });
    origin.set("/post/9", genuine.clone());
    let mut forged = genuine.clone();
    forged["content"] = json!("<p>forged words</p>");
    let create = json!({
        "id": origin.url("/activities/create/9"), "type": "Create", "actor": member,
        "to": [PUBLIC], "object": forged,
    });
    community.relay(&instance, create).await;
    // A post the origin does not have is not stored at all.
    let missing = json!({
        "id": origin.url("/post/10"), "type": "Page", "attributedTo": member,
        "to": [PUBLIC], "name": "Invented", "content": "<p>invented words</p>",
    });
    let create = json!({
        "id": origin.url("/activities/create/10"), "type": "Create", "actor": member,
        "to": [PUBLIC], "object": missing,
    });
    community.relay(&instance, create).await;
    // An activity whose actor is not on its id's server is refused.
    let misplaced = json!({
        "id": community.server.url("/activities/create/11"), "type": "Create", "actor": member,
        "to": [PUBLIC], "object": {
            "id": origin.url("/post/11"), "type": "Page", "attributedTo": member,
            "to": [PUBLIC], "name": "Misplaced", "content": "<p>misplaced words</p>"},
    });
    origin.set("/post/11", misplaced["object"].clone());
    community.relay(&instance, misplaced).await;

    let seen = serde_json::to_string(&home(&instance, &reader).await).unwrap();
    assert!(seen.contains("genuine words"), "{seen}");
    assert!(seen.contains("Genuine title"), "{seen}");
    assert!(!seen.contains("forged words"), "{seen}");
    assert!(!seen.contains("invented words"), "{seen}");
    assert!(!seen.contains("misplaced words"), "{seen}");
    assert_eq!(origin.fetches("/post/11"), 0);
    instance.stop().await;
}

#[tokio::test]
async fn a_lemmy_private_message_arrives_as_a_direct_mention() {
    let instance = TestInstance::start().await;
    instance.people(&["alice"]).await;
    let alice = instance.token("alice", ALL_SCOPES).await;
    let community = Community::start_on(FakePeer::start().await);
    let alice_uri = format!("{}/users/alice", instance.base);
    let message = json!({
        "id": community.server.url("/private_message/1"), "type": "ChatMessage",
        "attributedTo": community.author, "to": [alice_uri],
        "content": "<p>hello from lemmy</p>", "mediaType": "text/html",
        "source": {"content": "hello from lemmy", "mediaType": "text/markdown"},
    });
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": community.next_id("create"), "type": "Create", "actor": community.author,
        "to": [alice_uri], "object": message,
    });
    community
        .send_as(&community.author_key, &instance, &create)
        .await;
    let (status, notifications) = instance
        .api_get("/api/v1/notifications", Some(&alice))
        .await
        .parts();
    assert_eq!(status, 200);
    assert_eq!(notifications[0]["type"], "mention", "{notifications}");
    let dm = &notifications[0]["status"];
    assert_eq!(dm["visibility"], "direct");
    assert!(dm["content"].as_str().unwrap().contains("hello from lemmy"));
    // Nobody else sees it.
    let (_, public) = instance
        .api_get("/api/v1/timelines/public", None)
        .await
        .parts();
    assert!(!public.to_string().contains("hello from lemmy"));
    instance.stop().await;
}
