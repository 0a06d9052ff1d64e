//! Communities over HTTP: creating and finding them, name collisions, who may create and
//! moderate them, joining (open and by approval), posting by mentioning the group and the
//! refusals, and members seeing the group's boosts in their home timelines.

use crate::common;

use common::{ApiResponse, TestInstance};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trellis::services::accounts::Role;

const COMMUNITIES: &str = "/api/trellis/v1/communities";
const ACTIVITY_JSON: &str = "application/activity+json";

async fn create(api: &TestInstance, token: &str, body: Value) -> ApiResponse {
    api.api_post(COMMUNITIES, Some(token), Some(body)).await
}

/// Joins the local account `acct` through the client API, as an app would; returns the
/// relationship.
async fn join(api: &TestInstance, token: &str, acct: &str) -> Value {
    let found = api
        .api_get(&format!("/api/v1/accounts/lookup?acct={acct}"), Some(token))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{acct}: {:?}", found.body);
    let id = found.body["id"].as_str().unwrap().to_string();
    let followed = api
        .api_post(&format!("/api/v1/accounts/{id}/follow"), Some(token), None)
        .await;
    assert_eq!(followed.status, StatusCode::OK, "{:?}", followed.body);
    followed.body
}

async fn home(api: &TestInstance, token: &str) -> Vec<Value> {
    let reply = api.api_get("/api/v1/timelines/home", Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_community_is_a_group_found_by_webfinger_lookup_and_its_actor_document() {
    let api = TestInstance::start().await;
    let [alice] = <[String; 1]>::try_from(api.people(&["alice"]).await).unwrap();
    let made = create(
        &api,
        &alice,
        json!({"name": "security", "title": "Security champions", "description": "Keep us safe",
               "posting": "moderators"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    assert_eq!(made.body["title"], "Security champions");
    assert_eq!(made.body["posting"], "moderators");
    assert_eq!(made.body["membership"], "open");
    assert_eq!(made.body["visibility"], "public");
    assert_eq!(made.body["moderators"][0]["username"], "alice");
    // The creator is its first member.
    assert_eq!(made.body["members_count"], 1);

    let shown = api
        .api_get(&format!("{COMMUNITIES}/security"), Some(&alice))
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.body["description"], "Keep us safe");
    let listed = api.api_get(COMMUNITIES, Some(&alice)).await;
    assert_eq!(
        listed.body.as_array().unwrap().len(),
        1,
        "{:?}",
        listed.body
    );

    let looked_up = api
        .api_get("/api/v1/accounts/lookup?acct=security", Some(&alice))
        .await;
    assert_eq!(looked_up.status, StatusCode::OK, "{:?}", looked_up.body);
    assert_eq!(looked_up.body["group"], true);

    let finger = api
        .get(
            &format!(
                "/.well-known/webfinger?resource=acct:security@{}",
                api.state().urls().domain()
            ),
            "application/jrd+json",
        )
        .await;
    assert_eq!(finger.status(), StatusCode::OK);

    let actor: Value = api
        .get("/users/security", ACTIVITY_JSON)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(actor["type"], "Group");
    assert_eq!(actor["name"], "Security champions");
    assert_eq!(actor["postingRestrictedToMods"], true);
    let moderators_url = actor["attributedTo"].as_str().unwrap().to_string();
    assert_eq!(actor["moderators"], moderators_url.as_str());
    assert!(actor["featured"].is_string());
    let path = moderators_url.split_once("/users/").unwrap().1;
    let moderators: Value = api
        .get(&format!("/users/{path}"), ACTIVITY_JSON)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        moderators["orderedItems"][0],
        format!("{}/users/alice", api.base)
    );
}

#[tokio::test]
async fn a_community_name_is_refused_when_any_local_account_has_it() {
    let api = TestInstance::start().await;
    let [alice, _bob] = <[String; 2]>::try_from(api.people(&["alice", "bob"]).await).unwrap();
    for taken in ["bob", "articles"] {
        let reply = create(&api, &alice, json!({"name": taken})).await;
        assert_eq!(
            reply.status,
            StatusCode::CONFLICT,
            "{taken}: {:?}",
            reply.body
        );
        assert!(reply.body["error"].as_str().unwrap().contains(taken));
    }
    assert_eq!(
        create(&api, &alice, json!({"name": "data"})).await.status,
        StatusCode::CREATED
    );
    let again = create(&api, &alice, json!({"name": "data"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let bad = create(&api, &alice, json!({"name": "Not A Name"})).await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.body
    );
    let bad = create(&api, &alice, json!({"name": "ok", "posting": "everyone"})).await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.body
    );
}

#[tokio::test]
async fn the_creators_setting_names_the_roles_that_may_create_communities() {
    let api = TestInstance::start_with(&[("TRELLIS_COMMUNITY_CREATORS", "editor")]).await;
    api.create_user("mia", |p| p.role = Some(Role::Member))
        .await;
    api.create_user("ed", |p| p.role = Some(Role::Editor)).await;
    let member = api.token("mia", "read write").await;
    let editor = api.token("ed", "read write").await;
    let refused = create(&api, &member, json!({"name": "mine"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{:?}", refused.body);
    assert!(refused.body["error"].is_string());
    let made = create(&api, &editor, json!({"name": "mine"})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
}

#[tokio::test]
async fn only_moderators_change_archive_and_name_moderators() {
    let api = TestInstance::start().await;
    let [alice, bob] = <[String; 2]>::try_from(api.people(&["alice", "bob"]).await).unwrap();
    create(&api, &alice, json!({"name": "data"})).await;
    let path = format!("{COMMUNITIES}/data");
    let by_bob = api
        .api(
            Method::PATCH,
            &path,
            Some(&bob),
            Some(json!({"title": "Mine"})),
        )
        .await;
    assert_eq!(by_bob.status, StatusCode::FORBIDDEN, "{:?}", by_bob.body);
    let changed = api
        .api(
            Method::PATCH,
            &path,
            Some(&alice),
            Some(json!({"title": "Data people", "membership": "approval"})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["title"], "Data people");
    assert_eq!(changed.body["membership"], "approval");
    let actor: Value = api
        .get("/users/data", ACTIVITY_JSON)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(actor["manuallyApprovesFollowers"], true);

    let bob_id = api.account_id("bob").await;
    let moderators = format!("{path}/moderators");
    let refused = api
        .api_post(&moderators, Some(&bob), Some(json!({"account_id": bob_id})))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let added = api
        .api_post(
            &moderators,
            Some(&alice),
            Some(json!({"account_id": bob_id})),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{:?}", added.body);
    assert_eq!(added.body.as_array().unwrap().len(), 2);
    let alice_id = api.account_id("alice").await;
    let removed = api
        .api(
            Method::DELETE,
            &format!("{moderators}/{alice_id}"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{:?}", removed.body);
    let last = api
        .api(
            Method::DELETE,
            &format!("{moderators}/{bob_id}"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT, "{:?}", last.body);

    let archived = api
        .api_post(&format!("{path}/archive"), Some(&bob), None)
        .await;
    assert_eq!(archived.status, StatusCode::OK);
    assert!(archived.body["archived_at"].is_string());
    let post = api
        .api_post(
            "/api/v1/statuses",
            Some(&bob),
            Some(json!({"status": "@data still here?"})),
        )
        .await;
    assert_eq!(
        post.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        post.body
    );
    assert!(post.body["error"].as_str().unwrap().contains("archived"));
}

#[tokio::test]
async fn an_approval_community_holds_a_join_until_a_moderator_authorizes_it() {
    let api = TestInstance::start().await;
    let [alice, bob, carol] =
        <[String; 3]>::try_from(api.people(&["alice", "bob", "carol"]).await).unwrap();
    create(
        &api,
        &alice,
        json!({"name": "inner", "membership": "approval"}),
    )
    .await;
    let path = format!("{COMMUNITIES}/inner");
    let relationship = join(&api, &bob, "inner").await;
    assert_eq!(relationship["following"], false);
    assert_eq!(relationship["requested"], true);
    join(&api, &carol, "inner").await;

    let notifications = api
        .api_get("/api/v1/notifications?types[]=follow_request", Some(&alice))
        .await;
    let from: Vec<&str> = notifications
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["account"]["username"].as_str().unwrap())
        .collect();
    assert!(from.contains(&"bob") && from.contains(&"carol"), "{from:?}");

    let by_bob = api.api_get(&format!("{path}/requests"), Some(&bob)).await;
    assert_eq!(by_bob.status, StatusCode::FORBIDDEN);
    let waiting = api.api_get(&format!("{path}/requests"), Some(&alice)).await;
    assert_eq!(
        waiting.body.as_array().unwrap().len(),
        2,
        "{:?}",
        waiting.body
    );

    let bob_id = api.account_id("bob").await;
    let carol_id = api.account_id("carol").await;
    let ok = api
        .api_post(
            &format!("{path}/requests/{bob_id}/authorize"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    let no = api
        .api_post(
            &format!("{path}/requests/{carol_id}/reject"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(no.status, StatusCode::OK, "{:?}", no.body);
    let again = api
        .api_post(
            &format!("{path}/requests/{carol_id}/authorize"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    let members = api.api_get(&format!("{path}/members"), Some(&alice)).await;
    let names: Vec<&str> = members
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bob", "alice"]);
    let left = api
        .api_get("/api/v1/notifications?types[]=follow_request", Some(&alice))
        .await;
    assert!(left.body.as_array().unwrap().is_empty(), "{:?}", left.body);
}

#[tokio::test]
async fn members_post_by_mentioning_the_group_and_members_see_its_boost() {
    let api = TestInstance::start().await;
    let [alice, bob, carol, dave] =
        <[String; 4]>::try_from(api.people(&["alice", "bob", "carol", "dave"]).await).unwrap();
    create(&api, &alice, json!({"name": "data"})).await;
    join(&api, &bob, "data").await;
    join(&api, &carol, "data").await;

    let refused = api
        .api_post(
            "/api/v1/statuses",
            Some(&dave),
            Some(json!({"status": "@data let me in"})),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        refused.body
    );
    assert!(
        refused.body["error"]
            .as_str()
            .unwrap()
            .contains("only members"),
        "{:?}",
        refused.body
    );

    let posted = api
        .post_status(&bob, json!({"status": "@data where are the dashboards?"}))
        .await;
    let uri = posted["uri"].as_str().unwrap().to_string();
    let boosts: Vec<Value> = home(&api, &carol)
        .await
        .into_iter()
        .filter(|s| s["reblog"]["uri"] == uri.as_str())
        .collect();
    assert_eq!(boosts.len(), 1, "carol's home shows the group's boost");
    assert_eq!(boosts[0]["account"]["username"], "data");

    let reply = api
        .post_status(
            &carol,
            json!({"status": "on the wiki", "in_reply_to_id": posted["id"]}),
        )
        .await;
    let reply_uri = reply["uri"].as_str().unwrap();
    assert!(
        home(&api, &alice)
            .await
            .iter()
            .any(|s| s["reblog"]["uri"] == reply_uri),
        "a reply in the thread is boosted by the group too"
    );

    let threads = api
        .api_get(&format!("{COMMUNITIES}/data/posts"), Some(&dave))
        .await;
    assert_eq!(threads.status, StatusCode::OK);
    let listed: Vec<&str> = threads
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["uri"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [uri.as_str()], "threads only, not replies");
}

#[tokio::test]
async fn the_trellis_api_posts_titled_threads_and_moderators_only_communities_refuse_members() {
    let api = TestInstance::start().await;
    let [alice, bob] = <[String; 2]>::try_from(api.people(&["alice", "bob"]).await).unwrap();
    create(
        &api,
        &alice,
        json!({"name": "news", "posting": "moderators"}),
    )
    .await;
    join(&api, &bob, "news").await;
    let path = format!("{COMMUNITIES}/news/posts");
    let refused = api
        .api_post(&path, Some(&bob), Some(json!({"status": "me too"})))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        refused.body
    );
    assert!(
        refused.body["error"]
            .as_str()
            .unwrap()
            .contains("moderators")
    );

    let posted = api
        .api_post(
            &path,
            Some(&alice),
            Some(json!({"title": "Release 2.0", "status": "It is out."})),
        )
        .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{:?}", posted.body);
    let content = posted.body["content"].as_str().unwrap();
    assert!(
        content.contains("Release 2.0") && content.contains("It is out."),
        "{content}"
    );
    let threads = api.api_get(&path, Some(&bob)).await;
    assert_eq!(threads.body[0]["id"], posted.body["id"]);
    assert!(
        home(&api, &bob)
            .await
            .iter()
            .any(|s| s["reblog"]["id"] == posted.body["id"])
    );
    let missing = api
        .api_get(&format!("{COMMUNITIES}/nowhere/posts"), Some(&bob))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body["error"].is_string());
}

/// Polls `check` for up to 15 seconds.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..150 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn a_member_on_another_instance_joins_and_posts_and_a_non_member_is_not_announced() {
    let peers = common::start_peers(2, &[]).await;
    let (alpha, beta) = (&peers[0], &peers[1]);
    let [alice] = <[String; 1]>::try_from(alpha.people(&["alice"]).await).unwrap();
    let [bob, eve] = <[String; 2]>::try_from(beta.people(&["bob", "eve"]).await).unwrap();
    create(alpha, &alice, json!({"name": "data"})).await;
    let handle = format!("data@{}", alpha.state().urls().domain());
    let found = beta
        .api_get(
            &format!("/api/v2/search?q={handle}&resolve=true&type=accounts"),
            Some(&bob),
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{:?}", found.body);
    let group = &found.body["accounts"][0];
    assert_eq!(group["group"], true, "{:?}", found.body);
    let id = group["id"].as_str().unwrap();
    beta.api_post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), None)
        .await;
    eventually("alpha to count bob as a member", || async {
        alpha
            .api_get(&format!("{COMMUNITIES}/data"), Some(&alice))
            .await
            .body["members_count"]
            == 2
    })
    .await;

    let posted = beta
        .post_status(
            &bob,
            json!({"status": format!("@{handle} hello from beta")}),
        )
        .await;
    let uri = posted["uri"].as_str().unwrap().to_string();
    eventually("alice to see the group's boost of bob's post", || async {
        home(alpha, &alice)
            .await
            .iter()
            .any(|s| s["reblog"]["uri"] == uri.as_str() && s["account"]["username"] == "data")
    })
    .await;

    let stranger = beta
        .post_status(&eve, json!({"status": format!("@{handle} not a member")}))
        .await;
    let stranger_uri = stranger["uri"].as_str().unwrap().to_string();
    let marker = beta
        .post_status(&bob, json!({"status": format!("@{handle} second post")}))
        .await;
    let marker_uri = marker["uri"].as_str().unwrap().to_string();
    eventually("the member's second post", || async {
        home(alpha, &alice)
            .await
            .iter()
            .any(|s| s["reblog"]["uri"] == marker_uri.as_str())
    })
    .await;
    let threads = alpha
        .api_get(&format!("{COMMUNITIES}/data/posts"), Some(&alice))
        .await;
    let listed: Vec<&str> = threads
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["uri"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [marker_uri.as_str(), uri.as_str()]);
    assert!(!listed.contains(&stranger_uri.as_str()));

    // With beta down, what alpha's group sends it stays queued and can be read.
    let mut peers = peers;
    peers.pop().unwrap().stop().await;
    let alpha = &peers[0];
    let local = alpha
        .post_status(&alice, json!({"status": "@data from alpha"}))
        .await;
    let announced = announces_of_create(alpha, local["uri"].as_str().unwrap()).await;
    assert_eq!(announced.len(), 1, "one Announce of the embedded Create");
    assert_eq!(announced[0]["actor"], group_uri(alpha).as_str());
    let create = &announced[0]["object"];
    assert_eq!(create["type"], "Create");
    assert_eq!(create["object"]["audience"], group_uri(alpha).as_str());
    assert!(
        create["object"]["cc"]
            .as_array()
            .unwrap()
            .contains(&json!(group_uri(alpha)))
    );
}

fn group_uri(alpha: &TestInstance) -> String {
    format!("{}/users/data", alpha.base)
}

/// The Announces `instance` queued whose embedded activity is the Create of `uri`.
pub(crate) async fn announces_of_create(instance: &TestInstance, uri: &str) -> Vec<Value> {
    use diesel::prelude::*;
    use trellis::db::schema::outbound_activities;
    let pattern = format!("%{uri}%");
    let payloads: Vec<String> = instance
        .state()
        .db()
        .read(move |conn| {
            Ok(outbound_activities::table
                .filter(outbound_activities::payload.like(pattern))
                .select(outbound_activities::payload)
                .load(conn)?)
        })
        .await
        .unwrap();
    payloads
        .iter()
        .map(|p| serde_json::from_str::<Value>(p).unwrap())
        .filter(|a| a["type"] == "Announce" && a["object"]["object"]["id"] == uri)
        .collect()
}

#[tokio::test]
async fn a_channel_announces_the_create_of_an_article_as_communities_do() {
    let peers = common::start_peers(2, &[]).await;
    let (alpha, beta) = (&peers[0], &peers[1]);
    alpha
        .create_user("ed", |p| p.role = Some(Role::Editor))
        .await;
    let editor = alpha.token("ed", "read write").await;
    let [bob] = <[String; 1]>::try_from(beta.people(&["bob"]).await).unwrap();
    let handle = format!("articles@{}", alpha.state().urls().domain());
    let found = beta
        .api_get(
            &format!("/api/v2/search?q={handle}&resolve=true&type=accounts"),
            Some(&bob),
        )
        .await;
    let id = found.body["accounts"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    beta.api_post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), None)
        .await;
    let channel = format!("{}/users/articles", alpha.base);
    eventually("alpha to record bob's follow of the channel", || async {
        let actor: Value = alpha
            .get("/users/articles", ACTIVITY_JSON)
            .await
            .json()
            .await
            .unwrap();
        let followers = actor["followers"].as_str().unwrap().to_string();
        let path = followers.split_once(&alpha.base).unwrap().1.to_string();
        let collection: Value = alpha.get(&path, ACTIVITY_JSON).await.json().await.unwrap();
        collection["totalItems"] == 1
    })
    .await;
    // With beta down, what alpha's channel sends it stays queued and can be read.
    let mut peers = peers;
    peers.pop().unwrap().stop().await;
    let alpha = &peers[0];
    let created = alpha
        .api_post(
            "/api/trellis/v1/articles",
            Some(&editor),
            Some(json!({"title": "Town hall", "body": "Friday.", "status": "published"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let uri = created.body["uri"].as_str().unwrap();
    let announced = announces_of_create(alpha, uri).await;
    assert_eq!(announced.len(), 1, "the channel announces the Create");
    assert_eq!(announced[0]["actor"], channel.as_str());
    let create = &announced[0]["object"];
    assert_eq!(create["object"]["type"], "Article");
    assert_eq!(create["object"]["audience"], channel.as_str());
    assert!(
        create["object"]["cc"]
            .as_array()
            .unwrap()
            .contains(&json!(channel))
    );
}
