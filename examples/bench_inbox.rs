//! Inbox benchmark:
//! `cargo run --release --example bench_inbox -- [--activities N] [--concurrency C] [--fedify]`.
//!
//! Starts a Trellis instance in this process (SQLite, or PostgreSQL when
//! `TRELLIS_TEST_DATABASE_URL` is set) and a small HTTP server for a few remote actors, which
//! serves their actor documents (with their public keys) the way their home server would.
//! After a warm-up (one activity per actor first, which makes the receiver fetch and keep the
//! actor's key, then a batch), `LOCAL_FOLLOWERS` local people follow every remote actor, and N
//! distinct `Create{Note}` activities, signed in advance as Mastodon signs deliveries
//! (draft-cavage, rsa-sha256, over `(request-target) host date digest content-type`, with a
//! SHA-256 `Digest`), are POSTed to the shared inbox by C concurrent clients. It reports the
//! accepted (2xx) activities per second, the latency of every request (p50, p90, p99), the
//! refusals, the key fetches made during the run (none are expected: keys are cached), and
//! checks that every accepted activity was stored.
//!
//! With `--fedify`, the same load goes to the Fedify peer (federation-tests/peers/fedify,
//! installed by federation-tests/install-peers) too, after checking that it refuses a wrongly
//! signed activity, and the ratio Trellis/Fedify is printed.
//!
//! What the figures include: HTTP/1.1 over loopback with kept-alive connections, Digest and
//! signature verification against the cached key, JSON parsing, the de-duplication check,
//! storing the post with its fan-out to the followers' home feeds (Trellis) or keeping the
//! activity in memory (Fedify), and recording the activity id. Not included: signing (done
//! before the clock starts) and key fetches (done in the warm-up). The clients run in the
//! Trellis process, so on a small machine they compete with the server for the same cores.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use diesel::prelude::*;
use federation_tests::{FedifyPeer, KEY_POOL, TestDb};
use serde_json::json;
use trellis::app::start_on;
use trellis::config::Config;
use trellis::db::models::{Account, Follow};
use trellis::db::schema::{posts, received_activities};
use trellis::federation::signatures::{SigningKey, sign_post};
use trellis::services::accounts::{self, NewPerson, Role};
use trellis::state::AppState;
use url::Url;

/// Remote actors sending the activities (round robin).
const ACTORS: usize = 8;
/// The first key pair of the committed test pool the remote actors use (the instance's own
/// actors take pairs from the start of the pool).
const FIRST_POOL_KEY: usize = 16;
/// Local people following every remote actor: each stored note goes to their home feeds.
const LOCAL_FOLLOWERS: usize = 10;
/// Activities sent before the measured run (after one per actor).
const WARM_UP: usize = 200;
/// The media type of deliveries.
const ACTIVITY_JSON: &str = "application/activity+json";
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The command line.
struct Options {
    activities: usize,
    concurrency: usize,
    fedify: bool,
}

fn options() -> Options {
    let mut options = Options {
        activities: 5_000,
        concurrency: 16,
        fedify: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = || {
            args.next()
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|&v| v > 0)
                .unwrap_or_else(|| usage(&format!("{arg} needs a positive number")))
        };
        match arg.as_str() {
            "--activities" => options.activities = number(),
            "--concurrency" => options.concurrency = number(),
            "--fedify" => options.fedify = true,
            other => usage(&format!("unknown argument {other}")),
        }
    }
    options
}

fn usage(problem: &str) -> ! {
    eprintln!("{problem}\nusage: bench_inbox [--activities N] [--concurrency C] [--fedify]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let options = options();
    // Logs only when asked (`RUST_LOG=warn`, say): a line per activity would cost time.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let remote = RemoteServer::start().await;
    let client = reqwest::Client::builder()
        .resolve("localhost", ([127, 0, 0, 1], 0).into())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    println!(
        "{} activities from {ACTORS} remote actors, {} concurrent clients; load average {}",
        options.activities,
        options.concurrency,
        load_average()
    );

    let trellis = bench_trellis(&options, &remote, &client).await;
    let fedify = if options.fedify {
        Some(bench_fedify(&options, &remote, &client).await)
    } else {
        None
    };
    println!();
    trellis.print();
    if let Some(fedify) = &fedify {
        fedify.print();
        println!(
            "Trellis/Fedify: {:.1}x accepted activities/s, p50 {:.1}x lower, p99 {:.1}x lower",
            trellis.per_second() / fedify.per_second().max(f64::EPSILON),
            fedify.percentile(0.5) / trellis.percentile(0.5).max(f64::EPSILON),
            fedify.percentile(0.99) / trellis.percentile(0.99).max(f64::EPSILON),
        );
    }
    println!("load average after: {}", load_average());
    let runs = std::iter::once(&trellis).chain(fedify.as_ref());
    if runs
        .into_iter()
        .any(|run| run.stored != run.outcome.accepted)
    {
        std::process::exit(1);
    }
}

/// The 1, 5 and 15 minute load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

// ------------------------------------------------------------------------------ the servers

/// Runs a Trellis instance, prepares it and measures its inbox.
async fn bench_trellis(options: &Options, remote: &RemoteServer, client: &reqwest::Client) -> Run {
    let db = TestDb::new();
    let backend = if db.is_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let env: HashMap<String, String> = HashMap::from([
        ("TRELLIS_DOMAIN".into(), format!("localhost:{port}")),
        ("TRELLIS_LISTEN".into(), format!("127.0.0.1:{port}")),
        ("TRELLIS_DATABASE_URL".into(), db.url.clone()),
        ("TRELLIS_ALLOW_HTTP".into(), "true".into()),
        ("TRELLIS_TEST_KEY_POOL".into(), KEY_POOL.into()),
        // Every client is on 127.0.0.1: the per-address limit would cap the run at its
        // default of 2,000 a second.
        ("TRELLIS_INBOX_RATE_PER_MINUTE".into(), "1000000".into()),
    ]);
    let config = Config::from_sources(None, &env).expect("valid config");
    let running = start_on(listener, config).await.expect("instance starts");
    let inbox = Url::parse(&format!("http://localhost:{port}/inbox")).unwrap();
    let label = format!("Trellis ({backend})");

    refuses_wrong_signature(&label, client, &inbox, remote).await;
    warm_up(&label, options, client, &inbox, remote).await;
    follow_remote_actors(&running.state, remote).await;
    let mut run = measure(&label, options, client, &inbox, remote).await;
    let pattern = format!("%/statuses/{}-%", run.prefix);
    run.stored = running
        .state
        .db()
        .read(move |conn| {
            let notes: i64 = posts::table
                .filter(posts::uri.like(&pattern))
                .count()
                .get_result(conn)?;
            let activities: i64 = received_activities::table
                .filter(received_activities::activity_id.like(&pattern))
                .count()
                .get_result(conn)?;
            Ok(notes.min(activities))
        })
        .await
        .expect("counted") as usize;
    running.stop().await.expect("clean stop");
    run
}

/// Runs the Fedify peer and measures its inbox.
async fn bench_fedify(options: &Options, remote: &RemoteServer, client: &reqwest::Client) -> Run {
    let peer = FedifyPeer::start().await;
    let inbox = Url::parse(&format!("{}/inbox", peer.base)).unwrap();
    let label = "Fedify".to_string();
    refuses_wrong_signature(&label, client, &inbox, remote).await;
    warm_up(&label, options, client, &inbox, remote).await;
    let mut run = measure(&label, options, client, &inbox, remote).await;
    let marker = format!("/statuses/{}-", run.prefix);
    run.stored = peer
        .inbox()
        .await
        .iter()
        .filter(|entry| entry["type"] == "Create")
        .filter(|entry| entry["id"].as_str().is_some_and(|id| id.contains(&marker)))
        .count();
    run
}

/// Aborts unless `inbox` answers an activity signed with another actor's key with a refusal.
async fn refuses_wrong_signature(
    label: &str,
    client: &reqwest::Client,
    inbox: &Url,
    remote: &RemoteServer,
) {
    let impostor = SigningKey::from_pem(
        &remote.actors[0].key_id(),
        &remote.actors[1].private_key_pem,
    )
    .expect("key");
    let body = create_note(&remote.actors[0].id, "forged", 0);
    let request = sign(&impostor, inbox, body);
    let status = post(client, inbox, &request).await.expect("inbox answers");
    if status.is_success() {
        eprintln!("{label} accepted a wrongly signed activity ({status}): aborting");
        std::process::exit(1);
    }
    println!("{label}: a wrongly signed activity is refused ({status})");
}

/// One activity per actor, one after the other (the receiver fetches each actor's key), then
/// a concurrent batch.
async fn warm_up(
    label: &str,
    options: &Options,
    client: &reqwest::Client,
    inbox: &Url,
    remote: &RemoteServer,
) {
    let prefix = series("warm-up", label);
    for (n, actor) in remote.actors.iter().enumerate() {
        let request = sign(&actor.key, inbox, create_note(&actor.id, &prefix, n));
        let status = post(client, inbox, &request).await.expect("inbox answers");
        assert!(status.is_success(), "{label}: warm-up refused: {status}");
    }
    let requests = remote.sign_many(inbox, &format!("{prefix}-batch"), WARM_UP);
    let outcome = send_all(client, inbox, requests, options.concurrency).await;
    assert_eq!(
        outcome.accepted, WARM_UP,
        "{label}: warm-up refused: {:?}",
        outcome.refused
    );
}

/// Local people following every remote actor, so that notes are delivered to home feeds.
async fn follow_remote_actors(state: &AppState, remote: &RemoteServer) {
    let mut followers = Vec::new();
    for n in 0..LOCAL_FOLLOWERS {
        let person = accounts::create(
            state,
            NewPerson {
                username: format!("reader{n}"),
                email: format!("reader{n}@corp.example"),
                role: Some(Role::Member),
                ..Default::default()
            },
        )
        .await
        .expect("person created");
        followers.push(person.account);
    }
    let actors: Vec<String> = remote.actors.iter().map(|a| a.id.clone()).collect();
    let state2 = state.clone();
    state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let ids = state2.ids();
                for uri in &actors {
                    let target = Account::find_by_uri(conn, uri)?.expect("actor stored");
                    for follower in &followers {
                        trellis::changes::follows::store_follow(
                            conn,
                            ids,
                            &Follow {
                                id: ids.next_id(),
                                account_id: follower.id,
                                target_account_id: target.id,
                                uri: format!("{}#follows/{}", follower.uri, target.id),
                                accepted: true,
                                created_at: chrono::Utc::now().naive_utc(),
                            },
                        )?;
                    }
                }
                Ok(())
            })
        })
        .await
        .expect("follows stored");
}

// ------------------------------------------------------------------- the remote actors

/// One remote actor and the key it signs with.
struct RemoteActor {
    id: String,
    key: SigningKey,
    private_key_pem: String,
}

impl RemoteActor {
    fn key_id(&self) -> String {
        format!("{}#main-key", self.id)
    }
}

/// The remote actors' home server: it serves their actor documents and counts the GETs.
struct RemoteServer {
    actors: Vec<RemoteActor>,
    fetches: Arc<AtomicUsize>,
}

/// What the remote server answers.
struct Documents {
    by_path: HashMap<String, String>,
    fetches: Arc<AtomicUsize>,
}

impl RemoteServer {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
        let mut by_path = HashMap::new();
        let mut actors = Vec::new();
        for n in 0..ACTORS {
            let pool = format!("{KEY_POOL}/test-{:02}", FIRST_POOL_KEY + n);
            let private_key_pem = std::fs::read_to_string(format!("{pool}.key.pem")).unwrap();
            let public_key_pem = std::fs::read_to_string(format!("{pool}.pub.pem")).unwrap();
            let path = format!("/users/a{n}");
            let id = format!("{base}{path}");
            let key_id = format!("{id}#main-key");
            let document = json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": id,
                "type": "Person",
                "preferredUsername": format!("a{n}"),
                "inbox": format!("{id}/inbox"),
                "outbox": format!("{id}/outbox"),
                "followers": format!("{id}/followers"),
                "publicKey": {"id": key_id, "owner": id, "publicKeyPem": public_key_pem},
            });
            by_path.insert(path, document.to_string());
            actors.push(RemoteActor {
                key: SigningKey::from_pem(&key_id, &private_key_pem).expect("pool key"),
                id,
                private_key_pem,
            });
        }
        let fetches = Arc::new(AtomicUsize::new(0));
        let documents = Arc::new(Documents {
            by_path,
            fetches: fetches.clone(),
        });
        let app = Router::new().fallback(serve).with_state(documents);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { actors, fetches }
    }

    /// `count` distinct activities (`prefix` makes their ids unique), signed for `inbox`, in
    /// round robin over the actors. Signing is spread over the available cores.
    fn sign_many(&self, inbox: &Url, prefix: &str, count: usize) -> Vec<Signed> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per_thread = count.div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = (0..threads)
                .map(|t| {
                    scope.spawn(move || {
                        (t * per_thread..((t + 1) * per_thread).min(count))
                            .map(|n| {
                                let actor = &self.actors[n % self.actors.len()];
                                sign(&actor.key, inbox, create_note(&actor.id, prefix, n))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            parts
                .into_iter()
                .flat_map(|part| part.join().expect("signing thread"))
                .collect()
        })
    }
}

async fn serve(State(documents): State<Arc<Documents>>, uri: Uri) -> Response {
    documents.fetches.fetch_add(1, Ordering::Relaxed);
    match documents.by_path.get(uri.path()) {
        Some(body) => ([(header::CONTENT_TYPE, ACTIVITY_JSON)], body.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The prefix of the note ids of one series (`kind`) sent to the server named `label`.
fn series(kind: &str, label: &str) -> String {
    format!(
        "{kind}-{}",
        label.to_lowercase().replace([' ', '(', ')'], "")
    )
}

/// A public `Create{Note}` by `actor`, numbered `n` in the series `prefix`.
fn create_note(actor: &str, prefix: &str, n: usize) -> Vec<u8> {
    let note = format!("{actor}/statuses/{prefix}-{n}");
    let published = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let followers = format!("{actor}/followers");
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{note}/activity"),
        "type": "Create",
        "actor": actor,
        "published": published,
        "to": [PUBLIC],
        "cc": [followers],
        "object": {
            "id": note,
            "type": "Note",
            "attributedTo": actor,
            "content": format!("<p>Note {n} of the inbox benchmark, with a few words of text \
                                to make it about the size of an ordinary post.</p>"),
            "published": published,
            "url": note,
            "to": [PUBLIC],
            "cc": [followers],
        },
    })
    .to_string()
    .into_bytes()
}

// ------------------------------------------------------------------------------ the load

/// A signed request, ready to send.
struct Signed {
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
}

fn sign(key: &SigningKey, inbox: &Url, body: Vec<u8>) -> Signed {
    let headers = sign_post(key, inbox, &body, ACTIVITY_JSON, SystemTime::now()).expect("signed");
    Signed { headers, body }
}

/// POSTs one signed request; its status, or the error when there was no answer.
async fn post(
    client: &reqwest::Client,
    inbox: &Url,
    request: &Signed,
) -> Result<StatusCode, reqwest::Error> {
    let mut builder = client
        .post(inbox.clone())
        .header(header::CONTENT_TYPE, ACTIVITY_JSON);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let response = builder.body(request.body.clone()).send().await?;
    let status = response.status();
    // Read the answer to the end, so that the connection is reused.
    response.bytes().await?;
    Ok(status)
}

/// What came of sending a batch of requests.
#[derive(Default)]
struct Outcome {
    accepted: usize,
    /// Refusals by status (or error), with their number.
    refused: BTreeMap<String, usize>,
    /// Latencies of every request, sorted.
    latencies: Vec<Duration>,
    elapsed: Duration,
}

/// Sends every request, `concurrency` at a time.
async fn send_all(
    client: &reqwest::Client,
    inbox: &Url,
    requests: Vec<Signed>,
    concurrency: usize,
) -> Outcome {
    let requests = Arc::new(requests);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, inbox, requests, next) = (
                client.clone(),
                inbox.clone(),
                requests.clone(),
                next.clone(),
            );
            tokio::spawn(async move {
                let mut outcome = Outcome::default();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(n) else {
                        break;
                    };
                    let at = Instant::now();
                    let answer = post(&client, &inbox, request).await;
                    outcome.latencies.push(at.elapsed());
                    match answer {
                        Ok(status) if status.is_success() => outcome.accepted += 1,
                        Ok(status) => *outcome.refused.entry(status.to_string()).or_default() += 1,
                        Err(e) => *outcome.refused.entry(format!("error: {e}")).or_default() += 1,
                    }
                }
                outcome
            })
        })
        .collect();
    let mut total = Outcome::default();
    for task in tasks {
        let part = task.await.expect("client task");
        total.accepted += part.accepted;
        total.latencies.extend(part.latencies);
        for (reason, count) in part.refused {
            *total.refused.entry(reason).or_default() += count;
        }
    }
    total.elapsed = started.elapsed();
    total.latencies.sort();
    total
}

/// The measured run against one server.
struct Run {
    label: String,
    prefix: String,
    outcome: Outcome,
    /// GETs of the remote server during the run (key fetches; none expected).
    fetches: usize,
    /// Activities of the run the server holds afterwards.
    stored: usize,
}

async fn measure(
    label: &str,
    options: &Options,
    client: &reqwest::Client,
    inbox: &Url,
    remote: &RemoteServer,
) -> Run {
    let prefix = series("run", label);
    let signing = Instant::now();
    let requests = remote.sign_many(inbox, &prefix, options.activities);
    println!(
        "{label}: {} requests signed in {:.1}s; sending",
        requests.len(),
        signing.elapsed().as_secs_f64()
    );
    let fetches_before = remote.fetches.load(Ordering::Relaxed);
    let outcome = send_all(client, inbox, requests, options.concurrency).await;
    Run {
        label: label.to_string(),
        prefix,
        fetches: remote.fetches.load(Ordering::Relaxed) - fetches_before,
        outcome,
        stored: 0,
    }
}

impl Run {
    fn per_second(&self) -> f64 {
        self.outcome.accepted as f64 / self.outcome.elapsed.as_secs_f64()
    }

    /// The latency at `p` (0 to 1), in milliseconds.
    fn percentile(&self, p: f64) -> f64 {
        let sorted = &self.outcome.latencies;
        if sorted.is_empty() {
            return 0.0;
        }
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[index].as_secs_f64() * 1000.0
    }

    fn print(&self) {
        let o = &self.outcome;
        println!(
            "{:<20} {:>6.0} accepted/s ({} in {:.2}s)   p50 {:.1} ms   p90 {:.1} ms   p99 {:.1} ms",
            self.label,
            self.per_second(),
            o.accepted,
            o.elapsed.as_secs_f64(),
            self.percentile(0.5),
            self.percentile(0.9),
            self.percentile(0.99),
        );
        let refused = if o.refused.is_empty() {
            "none".to_string()
        } else {
            format!("{:?}", o.refused)
        };
        let check = if self.stored == o.accepted {
            "every accepted activity is stored"
        } else {
            "MISMATCH"
        };
        println!(
            "{:<20} refused: {refused}; key fetches during the run: {}; stored {} of {} accepted: {check}",
            "", self.fetches, self.stored, o.accepted
        );
    }
}
