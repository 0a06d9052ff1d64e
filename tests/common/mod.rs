//! Shared test support: a fresh database per test (SQLite file, or a PostgreSQL database when
//! `TRELLIS_TEST_DATABASE_URL` is set) and a real instance serving over HTTP on a free port.

// Each test binary uses a subset of these helpers.
#![allow(dead_code, unused_imports)]

mod api;
mod cli;
mod fake_peer;
mod internal;
mod peers;
mod remote;
mod signed;

pub use api::{ALL_SCOPES, ApiResponse, form_body, link_param};
pub use cli::CliRun;
pub use fake_peer::FakePeer;
pub use federation_tests::TestDb;
pub use internal::INTERNAL_TOKEN;
pub use peers::start_peers;
pub use remote::Remote;
use std::collections::HashMap;
use trellis::app::{RunningInstance, start_on};
use trellis::config::Config;
use trellis::services::accounts::{self, NewPerson, Role};

/// An instance serving HTTP (or https, [`TestInstance::start_tls`]) on 127.0.0.1 with its own
/// database.
pub struct TestInstance {
    /// `http://localhost:PORT` (`https://` when serving https)
    pub base: String,
    /// The configured domain, `localhost:PORT`.
    pub domain: String,
    /// The running server.
    pub running: Option<RunningInstance>,
    /// HTTP client without redirects (trusting the test CA when serving https).
    pub client: reqwest::Client,
    /// Keeps the database alive.
    pub db: TestDb,
    /// The folder media files are stored in (removed with the instance).
    pub media_dir: tempfile::TempDir,
}

impl TestInstance {
    /// Starts an instance with default settings.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Starts an instance with extra `TRELLIS_*` settings.
    pub async fn start_with(extra: &[(&str, &str)]) -> Self {
        Self::start_on_db(TestDb::new(), extra).await
    }

    /// Starts an instance on an existing database (migrated, possibly holding rows already),
    /// with extra `TRELLIS_*` settings.
    pub async fn start_on_db(db: TestDb, extra: &[(&str, &str)]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on_listener(listener, db, extra).await
    }

    /// Starts an instance serving on `listener` (bound already, so its address can be given
    /// to other instances first), on `db`, with extra `TRELLIS_*` settings.
    pub async fn start_on_listener(
        listener: tokio::net::TcpListener,
        db: TestDb,
        extra: &[(&str, &str)],
    ) -> Self {
        Self::start_serving(listener, db, extra, false).await
    }

    /// Starts an instance serving https with the test certificate
    /// (`federation_tests::test_pki`), trusting the test CA for outgoing https and without
    /// `TRELLIS_ALLOW_HTTP`, with extra `TRELLIS_*` settings.
    pub async fn start_tls(extra: &[(&str, &str)]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_serving(listener, TestDb::new(), extra, true).await
    }

    async fn start_serving(
        listener: tokio::net::TcpListener,
        db: TestDb,
        extra: &[(&str, &str)],
        tls: bool,
    ) -> Self {
        let port = listener.local_addr().unwrap().port();
        let domain = format!("localhost:{port}");
        let mut env: HashMap<String, String> = HashMap::from([
            ("TRELLIS_DOMAIN".into(), domain.clone()),
            ("TRELLIS_LISTEN".into(), format!("127.0.0.1:{port}")),
            ("TRELLIS_DATABASE_URL".into(), db.url.clone()),
            (
                "TRELLIS_TEST_KEY_POOL".into(),
                federation_tests::KEY_POOL.into(),
            ),
        ]);
        if tls {
            env.extend(federation_tests::test_pki().instance_settings());
        } else {
            env.insert("TRELLIS_ALLOW_HTTP".into(), "true".into());
        }
        let media_dir = tempfile::tempdir().expect("media folder");
        env.insert(
            "TRELLIS_MEDIA_DIR".into(),
            media_dir.path().display().to_string(),
        );
        env.insert(
            "TRELLIS_MEDIA_CACHE_DIR".into(),
            media_dir.path().join("cache").display().to_string(),
        );
        for (k, v) in extra {
            env.insert(k.to_string(), v.to_string());
        }
        // A test may name the instance otherwise (`TRELLIS_DOMAIN=alpha.test:PORT`): the
        // test's client then finds that name at the instance's address.
        let domain = env["TRELLIS_DOMAIN"].clone();
        let address = listener.local_addr().unwrap();
        let config = Config::from_sources(None, &env).expect("valid test config");
        let running = start_on(listener, config).await.expect("instance starts");
        let host = domain.split(':').next().unwrap_or_default();
        let client = if tls {
            federation_tests::test_pki().client()
        } else {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .resolve(host, address)
                .build()
                .unwrap()
        };
        let scheme = if tls { "https" } else { "http" };
        Self {
            base: format!("{scheme}://{domain}"),
            domain,
            running: Some(running),
            client,
            db,
            media_dir,
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
        let state = self.state();
        accounts::create(state, person).await.expect("user created");
    }

    /// Disables (or re-enables) a person as `trellis user disable` (`enable`) does.
    pub async fn set_disabled(&self, username: &str, disabled: bool) {
        let cli = trellis::services::audit::Acting::cli();
        accounts::set_disabled(self.state(), &cli, username, disabled, None)
            .await
            .expect("disabled or enabled");
    }

    /// A bearer token for a local person with the given scopes (space-separated), issued
    /// through the OAuth service as the token endpoint would.
    pub async fn token(&self, username: &str, scopes: &str) -> String {
        use trellis::services::{oauth, scopes::Scopes};
        let state = self.state();
        let scopes = Scopes::parse(scopes).expect("valid scopes");
        let app = oauth::register_app(
            state,
            "tests",
            None,
            vec!["urn:ietf:wg:oauth:2.0:oob".into()],
            scopes.clone(),
        )
        .await
        .expect("app registered");
        let account = accounts::find(state, username).await.expect("user exists");
        oauth::issue_token(state, app.app.id, Some(account.account.id), scopes)
            .await
            .expect("token issued")
            .access_token
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

/// A key pair for a stand-in remote actor, taken at random from the test key pool (the same
/// pairs test instances use), so tests pay for no RSA key generation.
pub fn remote_keypair() -> activitypub_federation::http_signatures::Keypair {
    use trellis::config::key_pool::{PRIVATE_SUFFIX, PUBLIC_SUFFIX, pair_names};
    let pool = std::path::Path::new(federation_tests::KEY_POOL);
    let names = pair_names(pool).expect("the test key pool holds key pairs");
    let name = &names[rand::random::<usize>() % names.len()];
    let read = |suffix: &str| {
        std::fs::read_to_string(pool.join(format!("{name}{suffix}"))).expect("key file readable")
    };
    activitypub_federation::http_signatures::Keypair {
        private_key: read(PRIVATE_SUFFIX),
        public_key: read(PUBLIC_SUFFIX),
    }
}
