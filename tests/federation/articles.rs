//! Articles across instances: an editor on alpha publishes an official must-read article; it
//! reaches followers on beta and gamma as an `Article`, their replies gather under it on
//! alpha, an edit propagates, and an acknowledgement made on beta is counted on alpha. Every
//! step goes through the real client APIs (OAuth password grant, `/api/v1`, `/api/trellis/v1`).

use std::time::Duration;

use federation_tests::clients::{self, ClientProcess, Login, MastodonApi};
use federation_tests::{Instance, wait_until};
use serde_json::{Value, json};

const PATIENCE: Duration = Duration::from_secs(30);

/// A logged-in person on one instance.
struct Client {
    api: MastodonApi,
    http: reqwest::Client,
    login: Login,
}

impl Client {
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.api.base))
            .bearer_auth(&self.api.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn ok(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let (status, value) = self.send(method, path, body).await;
        assert!(status < 300, "{path} -> {status} {value}");
        value
    }

    async fn get(&self, path: &str) -> Value {
        self.ok(reqwest::Method::GET, path, None).await
    }
}

/// Creates a person with a role and department through the internal interface, and logs
/// them in with the password grant.
async fn person(instance: &Instance, username: &str, role: &str, department: &str) -> Client {
    let extra = json!({ "role": role, "department": department });
    let login = clients::create_login_with(instance, username, extra).await;
    Client {
        api: MastodonApi::password_login(instance, &login).await,
        login,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PATIENCE)
            .build()
            .expect("client"),
    }
}

async fn follow_accepted(follower: &Instance, username: &str, target: &str) {
    follower.follow(username, target).await;
    wait_until(
        &format!("{username} to follow {target}"),
        PATIENCE,
        || async {
            let (_, following) = follower.relations(username).await;
            following.iter().any(|f| f == target).then_some(())
        },
    )
    .await;
}

/// The status of the article in a home timeline, once it has arrived.
async fn article_status(client: &Client, uri: &str) -> Value {
    wait_until(&format!("{uri} in a home timeline"), PATIENCE, || async {
        let home = client.get("/api/v1/timelines/home").await;
        home.as_array()?.iter().find(|s| s["uri"] == uri).cloned()
    })
    .await
}

/// The remote article as the articles API of a receiving instance lists it.
async fn remote_article(client: &Client, uri: &str, title: &str) -> Value {
    wait_until(
        &format!("{title} in the articles API"),
        PATIENCE,
        || async {
            let list = client.get("/api/trellis/v1/articles?origin=remote").await;
            list.as_array()?
                .iter()
                .find(|a| a["uri"] == uri && a["title"] == title)
                .cloned()
        },
    )
    .await
}

fn count_for<'a>(groups: &'a Value, name: &str) -> Option<&'a Value> {
    groups
        .as_array()?
        .iter()
        .find(|g| g["name"] == name)
        .map(|g| &g["count"])
}

#[tokio::test]
async fn an_article_reaches_other_instances_and_gathers_their_discussion_and_acknowledgements() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let gamma = Instance::start("gamma").await;
    let editor = person(&alpha, "editor", "editor", "Communications").await;
    let reader = person(&beta, "reader", "member", "Sales").await;
    let carol = person(&gamma, "carol", "member", "Research").await;
    follow_accepted(&beta, "reader", &alpha.actor("editor")).await;
    follow_accepted(&gamma, "carol", &alpha.actor("editor")).await;

    // The editor publishes an official must-read article.
    let article = editor
        .ok(
            reqwest::Method::POST,
            "/api/trellis/v1/articles",
            Some(json!({
                "title": "Travel expenses policy",
                "summary": "How to claim travel costs",
                "body": "## Claims\n\nSubmit receipts **within 30 days**.",
                "tags": ["travel"],
                "official": true,
                "must_read": true,
                "status": "published",
            })),
        )
        .await;
    let uri = article["uri"].as_str().expect("uri").to_string();
    let page = article["url"].as_str().expect("url").to_string();
    let id = article["id"].as_str().expect("id").to_string();
    let alpha_status = article["status_id"].as_str().expect("status").to_string();

    // Its id serves the Article to servers, and the page to browsers.
    let (status, json) = {
        let response = editor
            .http
            .get(&uri)
            .header("accept", "application/activity+json")
            .send()
            .await
            .expect("fetch");
        (
            response.status().as_u16(),
            response.json::<Value>().await.expect("json"),
        )
    };
    assert_eq!(status, 200);
    assert_eq!(json["type"], "Article");
    assert_eq!(json["id"], uri.as_str());
    assert_eq!(json["name"], "Travel expenses policy");
    assert_eq!(json["url"], page.as_str());
    assert_eq!(json["mediaType"], "text/html");
    assert!(
        json["content"]
            .as_str()
            .unwrap()
            .contains("<strong>within 30 days</strong>")
    );
    assert_eq!(json["preview"]["type"], "Note");
    assert_eq!(json["tag"][0]["type"], "Hashtag");
    let response = editor
        .http
        .get(&uri)
        .header("accept", "text/html")
        .send()
        .await
        .expect("fetch");
    assert!(response.status().is_redirection());
    assert_eq!(response.headers()["location"], page.as_str());

    // A follower on beta sees it as a status with the title, summary and link, no CW.
    let on_beta = article_status(&reader, &uri).await;
    let content = on_beta["content"].as_str().unwrap();
    assert!(content.contains("Travel expenses policy"), "{content}");
    assert!(content.contains("How to claim travel costs"), "{content}");
    assert!(content.contains(&page), "{content}");
    assert_eq!(on_beta["spoiler_text"], "");
    // Mastodon.py, a real client, shows the reader the same status in their home timeline.
    let mut home = tokio::process::Command::new(clients::python());
    home.arg(clients::python_script("mastodon_py_home.py"))
        .args(["--base", &beta.base, "--login", &reader.login.email])
        .args([
            "--password",
            &reader.login.password,
            "--uri",
            &uri,
            "--timeout",
            "20",
        ]);
    let seen = ClientProcess::spawn("Mastodon.py home timeline", home)
        .finish(PATIENCE)
        .await;
    let shown = seen["status"]["content"].as_str().unwrap_or_default();
    for expected in [
        "Travel expenses policy",
        "How to claim travel costs",
        page.as_str(),
    ] {
        assert!(shown.contains(expected), "Mastodon.py shows {seen}");
    }
    assert_eq!(
        seen["status"]["spoiler_text"], "",
        "never the title as a CW"
    );
    let stored = remote_article(&reader, &uri, "Travel expenses policy").await;
    assert_eq!(stored["remote"], true);
    // Another instance is not trusted to speak for the organisation: no badges here.
    assert_eq!(stored["official"], false);
    assert_eq!(stored["must_read"], false);
    assert_eq!(stored["summary"], "How to claim travel costs");
    assert!(
        stored["body_html"]
            .as_str()
            .unwrap()
            .contains("within 30 days")
    );
    assert_eq!(stored["tags"], json!(["travel"]));
    // Its body is searchable on beta, as the text readers see: a word of the body only.
    let found = reader.get("/api/trellis/v1/articles?q=receipts").await;
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["uri"] == uri.as_str()),
        "{found}"
    );
    let local_only = reader.get("/api/trellis/v1/articles?origin=local").await;
    assert!(
        !local_only
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["uri"] == uri.as_str())
    );
    let beta_id = stored["id"].as_str().unwrap().to_string();

    // Replies from beta and gamma gather under the article on alpha.
    let on_gamma = article_status(&carol, &uri).await;
    for (client, status, text) in [
        (&reader, &on_beta, "Thanks, very clear (beta)"),
        (&carol, &on_gamma, "Does this cover trains? (gamma)"),
    ] {
        client
            .ok(
                reqwest::Method::POST,
                "/api/v1/statuses",
                Some(json!({ "status": text, "in_reply_to_id": status["id"] })),
            )
            .await;
    }
    let context = wait_until("both replies on alpha", PATIENCE, || async {
        let context = editor
            .get(&format!("/api/v1/statuses/{alpha_status}/context"))
            .await;
        (context["descendants"].as_array()?.len() == 2).then_some(context)
    })
    .await;
    let texts: Vec<&str> = context["descendants"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["content"].as_str())
        .collect();
    assert!(texts.iter().any(|t| t.contains("(beta)")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("(gamma)")), "{texts:?}");
    let shown = editor.get(&format!("/api/trellis/v1/articles/{id}")).await;
    assert_eq!(shown["comments"]["total"], 2);
    assert_eq!(shown["comments"]["by_domain"][beta.domain()], 1);
    assert_eq!(shown["comments"]["by_domain"][gamma.domain()], 1);
    let replies: Value = editor
        .http
        .get(format!("{uri}/replies"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("replies")
        .json()
        .await
        .expect("json");
    assert_eq!(replies["totalItems"], 2);

    // An edit on alpha reaches beta.
    editor
        .ok(
            reqwest::Method::PATCH,
            &format!("/api/trellis/v1/articles/{id}"),
            Some(json!({
                "title": "Travel and lodging expenses",
                "summary": "Now with hotels",
                "body": "## Claims\n\nHotels are covered too.",
            })),
        )
        .await;
    let edited = remote_article(&reader, &uri, "Travel and lodging expenses").await;
    assert_eq!(
        edited["id"],
        beta_id.as_str(),
        "the same article is updated"
    );
    assert_eq!(edited["summary"], "Now with hotels");
    assert!(
        edited["body_html"]
            .as_str()
            .unwrap()
            .contains("Hotels are covered")
    );

    // An acknowledgement made on beta is counted on alpha.
    let (status, body) = reader
        .send(
            reqwest::Method::POST,
            &format!("/api/trellis/v1/articles/{beta_id}/acknowledge"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let report = wait_until("beta's acknowledgement on alpha", PATIENCE, || async {
        let report = editor
            .get(&format!("/api/trellis/v1/articles/{id}/acknowledgements"))
            .await;
        (report["count"] == 1).then_some(report)
    })
    .await;
    assert_eq!(
        count_for(&report["by_domain"], &beta.domain()),
        Some(&json!(1))
    );
    assert_eq!(
        count_for(&report["by_department"], "Sales"),
        Some(&json!(1))
    );
    // A repeated acknowledgement changes nothing.
    reader
        .ok(
            reqwest::Method::POST,
            &format!("/api/trellis/v1/articles/{beta_id}/acknowledge"),
            None,
        )
        .await;

    // Deleting the article removes it on beta and leaves a Tombstone on alpha.
    editor
        .ok(
            reqwest::Method::DELETE,
            &format!("/api/trellis/v1/articles/{id}"),
            None,
        )
        .await;
    wait_until("the article to leave beta", PATIENCE, || async {
        let list = reader.get("/api/trellis/v1/articles?origin=remote").await;
        (!list.as_array()?.iter().any(|a| a["uri"] == uri.as_str())).then_some(())
    })
    .await;
    let response = editor
        .http
        .get(&uri)
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch");
    assert_eq!(response.status().as_u16(), 410);
}

/// The home timeline entry (a boost) that shows the article `uri`, once it is there.
async fn boost_of(client: &Client, uri: &str) -> Value {
    wait_until(&format!("a boost of {uri}"), PATIENCE, || async {
        let home = client.get("/api/v1/timelines/home").await;
        home.as_array()?
            .iter()
            .find(|s| s["reblog"]["uri"] == uri)
            .cloned()
    })
    .await
}

/// Follows `acct` the way apps do: resolve it with search, follow, wait for the Accept.
async fn follow_by_handle(client: &Client, acct: &str) -> Value {
    let found = client
        .get(&format!(
            "/api/v2/search?q={acct}&resolve=true&type=accounts"
        ))
        .await;
    let account = found["accounts"][0].clone();
    let id = account["id"].as_str().expect("resolved").to_string();
    client
        .ok(
            reqwest::Method::POST,
            &format!("/api/v1/accounts/{id}/follow"),
            None,
        )
        .await;
    wait_until(&format!("the follow of {acct}"), PATIENCE, || async {
        let relationships = client
            .get(&format!("/api/v1/accounts/relationships?id[]={id}"))
            .await;
        (relationships[0]["following"] == true).then_some(())
    })
    .await;
    account
}

#[tokio::test]
async fn followers_of_a_category_or_the_instance_channel_on_other_instances_receive_its_articles() {
    let alpha = Instance::start("alpha").await;
    let beta = Instance::start("beta").await;
    let gamma = Instance::start("gamma").await;
    let editor = person(&alpha, "editor", "editor", "Communications").await;
    let reader = person(&beta, "reader", "member", "Sales").await;
    let carol = person(&gamma, "carol", "member", "Research").await;
    for name in ["Security", "Handbook"] {
        editor
            .ok(
                reqwest::Method::POST,
                "/api/trellis/v1/categories",
                Some(json!({ "name": name })),
            )
            .await;
    }

    // Mastodon.py on beta follows alpha's Security channel; carol on gamma follows the
    // instance channel. Neither follows the editor.
    let security = format!("security@{}", alpha.domain());
    let mut mastodon_py = tokio::process::Command::new(clients::python());
    mastodon_py
        .arg(clients::python_script("mastodon_py_home.py"))
        .args(["--base", &beta.base, "--login", &reader.login.email])
        .args(["--password", &reader.login.password, "--follow", &security])
        .args(["--timeout", "25", "--uri"]);
    let instance_channel = follow_by_handle(&carol, &format!("articles@{}", alpha.domain())).await;
    assert_eq!(instance_channel["group"], true);

    // Written as a draft first, so that the reader's app can wait for its id.
    let article = editor
        .ok(
            reqwest::Method::POST,
            "/api/trellis/v1/articles",
            Some(json!({
                "title": "Phishing drills",
                "summary": "What to do with a suspicious mail",
                "body": "Report it with the **Report** button.",
                "category": "security",
                "status": "draft",
            })),
        )
        .await;
    let uri = article["uri"].as_str().expect("uri").to_string();
    let id = article["id"].as_str().expect("id").to_string();
    mastodon_py.arg(&uri);
    let mut home = ClientProcess::spawn("Mastodon.py channel follower", mastodon_py);
    home.wait_for_line("following", PATIENCE).await;
    editor
        .ok(
            reqwest::Method::PATCH,
            &format!("/api/trellis/v1/articles/{id}"),
            Some(json!({ "status": "published" })),
        )
        .await;

    // Mastodon.py shows the article in beta's home timeline, boosted by the Security group.
    let seen = home.finish(PATIENCE).await;
    assert_eq!(seen["status"]["uri"], uri.as_str(), "{seen}");
    assert_eq!(seen["status"]["reblogged_by"], security.as_str(), "{seen}");
    assert_eq!(seen["status"]["reblogger_is_group"], true, "{seen}");
    assert_eq!(seen["status"]["spoiler_text"], "", "{seen}");
    let content = seen["status"]["content"].as_str().unwrap_or_default();
    assert!(content.contains("Phishing drills"), "{seen}");
    assert!(
        content.contains("What to do with a suspicious mail"),
        "{seen}"
    );
    // Gamma gets it from the instance channel.
    let on_gamma = boost_of(&carol, &uri).await;
    assert_eq!(
        on_gamma["account"]["acct"],
        format!("articles@{}", alpha.domain())
    );

    // An edit reaches the channels' followers, who do not follow the author.
    editor
        .ok(
            reqwest::Method::PATCH,
            &format!("/api/trellis/v1/articles/{id}"),
            Some(json!({ "title": "Phishing drills in 2027" })),
        )
        .await;
    wait_until("the edit on beta", PATIENCE, || async {
        let boost = boost_of(&reader, &uri).await;
        let content = boost["reblog"]["content"].as_str()?.to_string();
        content.contains("Phishing drills in 2027").then_some(())
    })
    .await;

    // Moved to the handbook, it leaves the Security channel's followers, not the instance's.
    editor
        .ok(
            reqwest::Method::PATCH,
            &format!("/api/trellis/v1/articles/{id}"),
            Some(json!({ "category": "handbook" })),
        )
        .await;
    wait_until(
        "the Security boost to be withdrawn on beta",
        PATIENCE,
        || async {
            let home = reader.get("/api/v1/timelines/home").await;
            (!home.as_array()?.iter().any(|s| s["reblog"]["uri"] == uri)).then_some(())
        },
    )
    .await;
    boost_of(&carol, &uri).await;

    // Deleted, it leaves gamma too.
    editor
        .ok(
            reqwest::Method::DELETE,
            &format!("/api/trellis/v1/articles/{id}"),
            None,
        )
        .await;
    wait_until("the article to leave gamma", PATIENCE, || async {
        let home = carol.get("/api/v1/timelines/home").await;
        (!home.as_array()?.iter().any(|s| s["reblog"]["uri"] == uri)).then_some(())
    })
    .await;
}

/// Mastodon.py shows a pending must-read in the announcements an app's banner reads, and
/// dismissing it acknowledges the article.
#[tokio::test]
async fn mastodon_py_shows_a_pending_must_read_as_an_announcement_and_dismisses_it() {
    let alpha = Instance::start("alpha").await;
    let editor = person(&alpha, "editor", "editor", "Communications").await;
    let reader = person(&alpha, "reader", "member", "Sales").await;
    let article = editor
        .ok(
            reqwest::Method::POST,
            "/api/trellis/v1/articles",
            Some(json!({
                "title": "Badge rules",
                "summary": "Wear your badge at all times",
                "must_read": true,
                "status": "published",
            })),
        )
        .await;
    let id = article["id"].as_str().expect("id").to_string();

    let mut flow = tokio::process::Command::new(clients::python());
    flow.arg(clients::python_script("mastodon_py_announcements.py"))
        .args(["--base", &alpha.base, "--login", &reader.login.email])
        .args(["--password", &reader.login.password, "--id", &id]);
    let seen = ClientProcess::spawn("Mastodon.py announcements", flow)
        .finish(PATIENCE)
        .await;
    assert_eq!(seen["before"], json!([id]), "{seen}");
    let content = seen["content"].as_str().unwrap_or_default();
    assert!(content.contains("Badge rules"), "{seen}");
    assert!(content.contains("Wear your badge"), "{seen}");
    assert_eq!(seen["after"], json!([]), "{seen}");

    let report = editor
        .get(&format!("/api/trellis/v1/articles/{id}/acknowledgements"))
        .await;
    assert_eq!(report["count"], 1, "{report}");
    assert_eq!(
        report["acknowledgements"][0]["account"]["username"],
        "reader"
    );
}
