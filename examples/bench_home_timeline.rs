//! Home timeline benchmark: `cargo run --release --example bench_home_timeline`.
//!
//! Builds a database (SQLite, or PostgreSQL when `TRELLIS_TEST_DATABASE_URL` is set) with one
//! reader following 200 accounts that wrote a few thousand posts, among many more posts by
//! accounts the reader does not follow. Then, with `BENCH_CLIENTS` concurrent clients (default
//! 8) for `BENCH_SECONDS` each (default 4), it measures:
//!
//! 1. `GET /api/v1/timelines/home?limit=20` over HTTP against the running instance;
//! 2. the same page through the service layer, read from the home feed (fan-out on write)
//!    and computed from the reader's follows (fan-out on read), both hydrated;
//! 3. the two bare queries, without hydration.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use federation_tests::TestDb;
use trellis::app::start_on;
use trellis::config::Config;
use trellis::db::models::post::Visibility;
use trellis::db::models::{Account, Follow, NewAccount, NewPost, Post};
use trellis::db::page::Window;
use trellis::db::schema::posts;
use trellis::services::accounts::{self, NewPerson, Role};
use trellis::services::{oauth, scopes::Scopes, timelines};
use trellis::state::AppState;

const FOLLOWED: usize = 200;
const OTHERS: usize = 800;
const FOLLOWED_POSTS: usize = 3_000;
const OTHER_POSTS: usize = 27_000;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let clients = env_number("BENCH_CLIENTS", 8) as usize;
    let seconds = Duration::from_secs(env_number("BENCH_SECONDS", 4));
    let db = TestDb::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let env: HashMap<String, String> = HashMap::from([
        ("TRELLIS_DOMAIN".into(), format!("localhost:{port}")),
        ("TRELLIS_LISTEN".into(), format!("127.0.0.1:{port}")),
        ("TRELLIS_DATABASE_URL".into(), db.url.clone()),
        ("TRELLIS_ALLOW_HTTP".into(), "true".into()),
    ]);
    let config = Config::from_sources(None, &env).expect("valid config");
    let running = start_on(listener, config).await.expect("instance starts");
    let state = running.state.clone();
    let backend = if db.is_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };

    let started = Instant::now();
    let (reader, token) = populate(&state).await;
    println!(
        "{backend}: reader follows {FOLLOWED} accounts ({FOLLOWED_POSTS} posts); \
         {OTHER_POSTS} posts by {OTHERS} other accounts; set up in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    println!(
        "{clients} concurrent clients, {}s per measurement, limit 20\n",
        seconds.as_secs()
    );

    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/api/v1/timelines/home?limit=20");
    let http = measure(clients, seconds, {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        move || {
            let (client, url, token) = (client.clone(), url.clone(), token.clone());
            async move {
                let response = client.get(&url).bearer_auth(&token).send().await.unwrap();
                assert!(response.status().is_success());
                let items: Vec<serde_json::Value> = response.json().await.unwrap();
                assert_eq!(items.len(), 20);
            }
        }
    })
    .await;
    report("HTTP GET /api/v1/timelines/home (fan-out on write)", &http);

    let window = Window::latest(20);
    let feed = measure(clients, seconds, {
        let state = state.clone();
        move || {
            let state = state.clone();
            async move {
                let page = timelines::home_page(&state, reader, window).await.unwrap();
                assert_eq!(page.statuses.len(), 20);
            }
        }
    })
    .await;
    let scan = measure(clients, seconds, {
        let state = state.clone();
        move || {
            let state = state.clone();
            async move {
                let page = timelines::home_by_followees_page(&state, reader, window)
                    .await
                    .unwrap();
                assert_eq!(page.statuses.len(), 20);
            }
        }
    })
    .await;
    report("service, hydrated: home feed (fan-out on write)", &feed);
    report("service, hydrated: IN (followees) (fan-out on read)", &scan);
    ratio(&feed, &scan);

    let feed_query = measure(clients, seconds, {
        let state = state.clone();
        move || {
            let state = state.clone();
            async move {
                let rows = state
                    .db()
                    .read(move |conn| Post::home_feed_page(conn, reader, window))
                    .await
                    .unwrap();
                assert_eq!(rows.len(), 20);
            }
        }
    })
    .await;
    let scan_query = measure(clients, seconds, {
        let state = state.clone();
        move || {
            let state = state.clone();
            async move {
                let rows = state
                    .db()
                    .read(move |conn| Post::home_by_followees_page(conn, reader, window))
                    .await
                    .unwrap();
                assert_eq!(rows.len(), 20);
            }
        }
    })
    .await;
    report("query only: home feed (fan-out on write)", &feed_query);
    report("query only: IN (followees) (fan-out on read)", &scan_query);
    ratio(&feed_query, &scan_query);

    running.stop().await.expect("clean stop");
}

/// Requests per second and sorted latencies of one measurement.
struct Measurement {
    per_second: f64,
    latencies: Vec<Duration>,
}

async fn measure<F, Fut>(clients: usize, duration: Duration, make: F) -> Measurement
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let make = Arc::new(make);
    // Warm-up.
    for _ in 0..clients {
        make().await;
    }
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let make = make.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let at = Instant::now();
                    make().await;
                    latencies.push(at.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    Measurement {
        per_second: latencies.len() as f64 / elapsed,
        latencies,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn report(label: &str, m: &Measurement) {
    println!(
        "{label:<56} {:>8.0} req/s   p50 {:>7.2} ms   p90 {:>7.2} ms   p99 {:>7.2} ms",
        m.per_second,
        percentile(&m.latencies, 0.50),
        percentile(&m.latencies, 0.90),
        percentile(&m.latencies, 0.99),
    );
}

fn ratio(write: &Measurement, read: &Measurement) {
    println!(
        "{:<56} {:>8.1}x throughput, p50 {:.1}x lower\n",
        "  fan-out on write vs on read:",
        write.per_second / read.per_second.max(f64::EPSILON),
        percentile(&read.latencies, 0.5) / percentile(&write.latencies, 0.5).max(f64::EPSILON),
    );
}

fn remote_account(id: i64, n: usize) -> NewAccount {
    let now = chrono::Utc::now().naive_utc();
    let uri = format!("https://remote{}.example/users/u{n}", n % 10);
    NewAccount {
        id,
        actor_type: "Person".into(),
        username: format!("u{n}"),
        domain: Some(format!("remote{}.example", n % 10)),
        url: Some(uri.clone()),
        display_name: format!("User {n}"),
        bio: String::new(),
        inbox_url: format!("{uri}/inbox"),
        shared_inbox_url: None,
        outbox_url: None,
        followers_url: Some(format!("{uri}/followers")),
        following_url: None,
        public_key_id: format!("{uri}#main-key"),
        public_key_pem: "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n".into(),
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
        uri,
    }
}

fn new_post(id: i64, author: &Account, n: usize, visibility: Visibility) -> NewPost {
    let now = chrono::Utc::now().naive_utc();
    let uri = format!("{}/statuses/{n}", author.uri);
    NewPost {
        id,
        url: Some(uri.clone()),
        uri,
        account_id: author.id,
        object_type: "Note".into(),
        in_reply_to_id: None,
        in_reply_to_uri: None,
        in_reply_to_account_id: None,
        reblog_of_id: None,
        content: format!("<p>Post number {n}, with a few words of text.</p>"),
        source_text: None,
        summary: String::new(),
        sensitive: false,
        visibility,
        language: Some("en".into()),
        attachments: "[]".into(),
        local: false,
        created_at: now,
        edited_at: None,
        updated_at: now,
        local_only: false,
    }
}

/// Creates the reader, the accounts, the follows and the posts; returns the reader's id and a
/// bearer token.
async fn populate(state: &AppState) -> (i64, String) {
    let reader = accounts::create(
        state,
        NewPerson {
            username: "reader".into(),
            email: "reader@corp.example".into(),
            password: Some("correct horse battery".into()),
            role: Some(Role::Member),
            ..Default::default()
        },
    )
    .await
    .expect("reader created")
    .account;
    let scopes = Scopes::parse("read").unwrap();
    let app = oauth::register_app(
        state,
        "bench",
        None,
        vec!["urn:ietf:wg:oauth:2.0:oob".into()],
        scopes.clone(),
    )
    .await
    .unwrap();
    let token = oauth::issue_token(state, app.app.id, Some(reader.id), scopes)
        .await
        .unwrap()
        .access_token;
    let reader_id = reader.id;
    let state2 = state.clone();
    state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let ids = state2.ids();
                let mut followed = Vec::new();
                let mut others = Vec::new();
                for n in 0..FOLLOWED + OTHERS {
                    let account = Account::insert(conn, &remote_account(ids.next_id(), n))?;
                    if n < FOLLOWED {
                        trellis::changes::follows::store_follow(
                            conn,
                            ids,
                            &Follow {
                                id: ids.next_id(),
                                account_id: reader_id,
                                target_account_id: account.id,
                                uri: format!("{}#follows/{n}", reader.uri),
                                accepted: true,
                                created_at: chrono::Utc::now().naive_utc(),
                            },
                        )?;
                        followed.push(account);
                    } else {
                        others.push(account);
                    }
                }
                // Followed accounts' posts are interleaved with the rest (one in ten).
                let total = FOLLOWED_POSTS + OTHER_POSTS;
                let every = total / FOLLOWED_POSTS;
                let (mut f, mut o) = (0, 0);
                for n in 0..total {
                    if n % every == 0 && f < FOLLOWED_POSTS {
                        let author = &followed[f % followed.len()];
                        let visibility = if f % 7 == 0 {
                            Visibility::Private
                        } else {
                            Visibility::Public
                        };
                        trellis::changes::posts::store_post(
                            conn,
                            ids,
                            &new_post(ids.next_id(), author, n, visibility),
                            &[],
                            &[],
                        )?;
                        f += 1;
                    } else {
                        let author = &others[o % others.len()];
                        diesel::insert_into(posts::table)
                            .values(&new_post(ids.next_id(), author, n, Visibility::Public))
                            .execute(conn)?;
                        o += 1;
                    }
                }
                Ok(())
            })
        })
        .await
        .expect("populated");
    (reader_id, token)
}
