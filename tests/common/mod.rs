//! Shared test support: a fresh database per test (SQLite file, or a PostgreSQL database when
//! `TRELLIS_TEST_DATABASE_URL` is set) and a real instance serving over HTTP on a free port.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::{Connection, RunQueryDsl, pg::PgConnection};
use trellis::app::{RunningInstance, start_on};
use trellis::config::Config;
use trellis::services::accounts::{self, NewPerson, Role};

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    /// The URL to give an instance.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A fresh, empty database on the backend under test.
    pub fn new() -> Self {
        match std::env::var("TRELLIS_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => Self::postgres(admin_url),
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("trellis.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    postgres: None,
                }
            }
        }
    }

    fn postgres(admin_url: String) -> Self {
        let name = format!(
            "trellis_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand_suffix()
        );
        let mut admin = PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create test database");
        let mut url = url::Url::parse(&admin_url).expect("TRELLIS_TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        Self {
            url: url.to_string(),
            _dir: None,
            postgres: Some((admin_url, name)),
        }
    }

    /// True when the database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

fn rand_suffix() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // Runs on a plain thread: Drop may be called inside an async runtime.
            let _ = std::thread::spawn(move || {
                if let Ok(mut admin) = PgConnection::establish(&admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            })
            .join();
        }
    }
}

/// An instance serving HTTP on 127.0.0.1 with its own database.
pub struct TestInstance {
    /// `http://localhost:PORT`
    pub base: String,
    /// The configured domain, `localhost:PORT`.
    pub domain: String,
    /// The running server.
    pub running: Option<RunningInstance>,
    /// HTTP client without redirects.
    pub client: reqwest::Client,
    /// Keeps the database alive.
    pub db: TestDb,
}

impl TestInstance {
    /// Starts an instance with default settings.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Starts an instance with extra `TRELLIS_*` settings.
    pub async fn start_with(extra: &[(&str, &str)]) -> Self {
        let db = TestDb::new();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let domain = format!("localhost:{port}");
        let mut env: HashMap<String, String> = HashMap::from([
            ("TRELLIS_DOMAIN".into(), domain.clone()),
            ("TRELLIS_LISTEN".into(), format!("127.0.0.1:{port}")),
            ("TRELLIS_DATABASE_URL".into(), db.url.clone()),
            ("TRELLIS_ALLOW_HTTP".into(), "true".into()),
        ]);
        for (k, v) in extra {
            env.insert(k.to_string(), v.to_string());
        }
        let config = Config::from_sources(None, &env).expect("valid test config");
        let running = start_on(listener, config).await.expect("instance starts");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base: format!("http://{domain}"),
            domain,
            running: Some(running),
            client,
            db,
        }
    }

    /// Creates a local person directly through the accounts service.
    pub async fn create_user(&self, username: &str, setup: impl FnOnce(&mut NewPerson)) {
        let mut person = NewPerson {
            username: username.into(),
            email: format!("{username}@corp.example"),
            password: Some("correct horse battery".into()),
            role: Some(Role::Member),
            ..Default::default()
        };
        setup(&mut person);
        let state = &self.running.as_ref().unwrap().state;
        accounts::create(state, person).await.expect("user created");
    }

    /// GET a path with an Accept header.
    pub async fn get(&self, path: &str, accept: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.base, path))
            .header("Accept", accept)
            .send()
            .await
            .expect("request sent")
    }

    /// Stops the server gracefully.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("clean stop");
        }
    }
}
