//! One Trellis instance run as a child process, and the calls a scenario makes on it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::db::TestDb;
use crate::wait::wait_until;

/// Bearer token of the internal interface on test instances.
pub const TOKEN: &str = "federation-tests-internal-token-0123456789";

/// A running (or stopped) instance with its own database.
pub struct Instance {
    /// Short name for messages (alpha, beta, gamma).
    pub name: String,
    /// `http://localhost:PORT`, or `https://localhost:PORT` for an instance serving https.
    pub base: String,
    port: u16,
    listen_port: u16,
    tls: bool,
    db: TestDb,
    child: Option<Child>,
    log: PathBuf,
    _log_dir: tempfile::TempDir,
    http: reqwest::Client,
    settings: Vec<(String, String)>,
}

/// How an instance is started ([`Instance::launch`]).
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// Serve https with the test certificate ([`crate::tls::test_pki`]), trust the test CA for
    /// outgoing https, and leave `TRELLIS_ALLOW_HTTP` unset, so the real https-only rules and
    /// address guard apply.
    pub tls: bool,
    /// The port the domain names (`localhost:PORT`); a free one when `None`.
    pub port: Option<u16>,
    /// The port the process listens on, when something (such as a [`crate::proxy`]) sits
    /// between the domain's port and the instance; the domain's port when `None`.
    pub listen_port: Option<u16>,
    /// Extra `TRELLIS_*` settings (kept for restarts).
    pub settings: Vec<(String, String)>,
}

impl Launch {
    /// An https instance with these extra settings.
    pub fn tls(settings: &[(&str, &str)]) -> Self {
        Self {
            tls: true,
            settings: owned(settings),
            ..Self::default()
        }
    }
}

fn owned(settings: &[(&str, &str)]) -> Vec<(String, String)> {
    settings
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A post as the internal interface shows it.
pub type Post = Value;

/// The `trellis` binary the instances run: `TRELLIS_BIN` when set, otherwise the one cargo built
/// beside the running test executable (`target/PROFILE/deps/TEST` -> `target/PROFILE/trellis`).
/// Cargo builds it before the trellis package's integration tests, where these scenarios live.
fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("TRELLIS_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test executable sits in target/PROFILE/deps");
    let path = profile_dir.join(format!("trellis{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: run these tests with cargo test or cargo nextest (which build it), \
         or set TRELLIS_BIN",
        path.display()
    );
    path
}

/// A free port on 127.0.0.1 (free when this returns; the instance binds it a moment later).
pub fn free_port() -> u16 {
    reserve_port()
        .local_addr()
        .map(|a| a.port())
        .expect("a free port")
}

/// A bound listener on a free port of 127.0.0.1: the port stays taken until it is dropped,
/// right before the instance that is to listen there starts.
pub fn reserve_port() -> std::net::TcpListener {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a free port")
}

impl Instance {
    /// Starts a new instance with a fresh database and waits until it is healthy.
    pub async fn start(name: &str) -> Self {
        Self::start_with(name, &[]).await
    }

    /// Starts a new instance with extra `TRELLIS_*` settings (kept for restarts).
    pub async fn start_with(name: &str, settings: &[(&str, &str)]) -> Self {
        Self::launch(
            name,
            Launch {
                settings: owned(settings),
                ..Launch::default()
            },
        )
        .await
    }

    /// Starts a new instance serving https with the test certificate, trusting the test CA and
    /// without `TRELLIS_ALLOW_HTTP`, with extra `TRELLIS_*` settings.
    pub async fn start_tls(name: &str, settings: &[(&str, &str)]) -> Self {
        Self::launch(name, Launch::tls(settings)).await
    }

    /// Starts a new instance as `launch` says and waits until it is healthy.
    pub async fn launch(name: &str, launch: Launch) -> Self {
        let mut instance = Self::prepare(name, launch);
        instance.spawn().await;
        instance
    }

    /// An instance that has not started yet: [`Instance::spawn_process`] starts it.
    pub(crate) fn prepare(name: &str, launch: Launch) -> Self {
        let port = launch.port.unwrap_or_else(free_port);
        let log_dir = tempfile::tempdir().expect("temp dir");
        let (scheme, http) = if launch.tls {
            ("https", crate::tls::test_pki().client())
        } else {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client");
            ("http", http)
        };
        Self {
            name: name.to_string(),
            base: format!("{scheme}://localhost:{port}"),
            port,
            listen_port: launch.listen_port.unwrap_or(port),
            tls: launch.tls,
            db: TestDb::new(),
            child: None,
            log: log_dir.path().join(format!("{name}.log")),
            _log_dir: log_dir,
            http,
            settings: launch.settings,
        }
    }

    /// `host:port` of the instance.
    pub fn domain(&self) -> String {
        format!("localhost:{}", self.port)
    }

    /// The actor id of a local person.
    pub fn actor(&self, username: &str) -> String {
        format!("{}/users/{username}", self.base)
    }

    /// Whether the instance serves https.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// The settings of the serving mode: https with the test certificate, or plain http with
    /// `TRELLIS_ALLOW_HTTP`.
    fn mode_settings(&self) -> Vec<(String, String)> {
        let mut settings = if self.tls {
            crate::tls::test_pki().instance_settings()
        } else {
            vec![("TRELLIS_ALLOW_HTTP".into(), "true".into())]
        };
        // Uploads and the remote media cache live in the instance's temporary folder.
        let folder = |name: &str| self.log.with_file_name(name).display().to_string();
        settings.push((
            "TRELLIS_MEDIA_DIR".into(),
            folder(&format!("{}-media", self.name)),
        ));
        settings.push((
            "TRELLIS_MEDIA_CACHE_DIR".into(),
            folder(&format!("{}-media-cache", self.name)),
        ));
        settings
    }

    async fn spawn(&mut self) {
        self.spawn_process();
        self.wait_healthy().await;
    }

    /// Starts the process without waiting for it.
    pub(crate) fn spawn_process(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let child = Command::new(binary())
            .arg("serve")
            .env("TRELLIS_DOMAIN", self.domain())
            .env("TRELLIS_LISTEN", format!("127.0.0.1:{}", self.listen_port))
            .env("TRELLIS_DATABASE_URL", &self.db.url)
            .envs(self.mode_settings())
            .env("TRELLIS_INTERNAL_API_TOKEN", TOKEN)
            .env("TRELLIS_DELIVERY_BACKOFF_MS", "50")
            .env("TRELLIS_INSTANCE_NAME", &self.name)
            .env("TRELLIS_DELIVERY_POLL_MS", "200")
            .env("TRELLIS_TEST_KEY_POOL", crate::KEY_POOL)
            .envs(self.settings.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "info,tower_http=warn")
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("trellis starts");
        self.child = Some(child);
    }

    /// Waits until the instance answers `/health` (panics with its log when it exits first).
    pub(crate) async fn wait_healthy(&mut self) {
        let url = format!("{}/health", self.base);
        let http = self.http.clone();
        let name = self.name.clone();
        let log = self.log.clone();
        let child = &mut self.child;
        wait_until(
            &format!("{name} to answer /health"),
            Duration::from_secs(60),
            || {
                if let Some(status) = child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                    let log = std::fs::read_to_string(&log).unwrap_or_default();
                    panic!("{name} exited with {status} before answering /health:\n{log}");
                }
                let (http, url) = (http.clone(), url.clone());
                async move {
                    http.get(&url)
                        .send()
                        .await
                        .ok()
                        .filter(|r| r.status().is_success())
                }
            },
        )
        .await;
    }

    /// Stops the process abruptly (SIGKILL): nothing is flushed or finished.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the process gracefully (SIGTERM) and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }

    /// Starts the process again on the same port and database.
    pub async fn restart(&mut self) {
        self.stop();
        self.spawn().await;
    }

    /// Starts the process again after [`Instance::kill`] or [`Instance::stop`].
    pub async fn start_again(&mut self) {
        assert!(self.child.is_none(), "{} is still running", self.name);
        self.spawn().await;
    }

    /// Runs a `trellis` command against this instance's configuration and database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(binary())
            .args(args)
            .env("TRELLIS_DOMAIN", self.domain())
            .env("TRELLIS_DATABASE_URL", &self.db.url)
            .envs(self.mode_settings())
            .env("TRELLIS_TEST_KEY_POOL", crate::KEY_POOL)
            .envs(self.settings.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "warn")
            .output()
            .expect("trellis runs")
    }

    /// The instance's log so far (for assertion messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Calls the internal interface; panics with the log on a server error.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}/internal/v1{path}", self.base))
            .bearer_auth(TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {path}: {e}", self.name));
        let status = response.status().as_u16();
        let value = response.json().await.unwrap_or(Value::Null);
        assert!(
            status < 500,
            "{} {path} -> {status} {value}\n{}",
            self.name,
            self.log()
        );
        (status, value)
    }

    async fn ok(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let (status, value) = self.call(method, path, body).await;
        assert!(status < 300, "{} {path} -> {status} {value}", self.name);
        value
    }

    /// Creates a local person.
    pub async fn create_user(&self, username: &str) -> String {
        self.ok(
            reqwest::Method::POST,
            "/users",
            Some(json!({ "username": username })),
        )
        .await;
        self.actor(username)
    }

    /// Creates a local person whose follows need approval.
    pub async fn create_locked_user(&self, username: &str) -> String {
        self.ok(
            reqwest::Method::POST,
            "/users",
            Some(json!({ "username": username, "locked": true })),
        )
        .await;
        self.actor(username)
    }

    /// `username` follows `target` (URL or handle).
    pub async fn follow(&self, username: &str, target: &str) -> Value {
        self.ok(
            reqwest::Method::POST,
            &format!("/users/{username}/follow"),
            Some(json!({ "target": target })),
        )
        .await
    }

    /// Publishes a post; returns it.
    pub async fn post(
        &self,
        username: &str,
        text: &str,
        visibility: &str,
        in_reply_to: Option<&str>,
    ) -> Post {
        self.ok(
            reqwest::Method::POST,
            &format!("/users/{username}/posts"),
            Some(json!({ "text": text, "visibility": visibility, "in_reply_to": in_reply_to })),
        )
        .await
    }

    /// Edits a post.
    pub async fn edit(&self, username: &str, post: &Post, text: &str) -> Post {
        let id = post["id"].as_str().expect("post id");
        self.ok(
            reqwest::Method::PUT,
            &format!("/users/{username}/posts/{id}"),
            Some(json!({ "text": text })),
        )
        .await
    }

    /// Deletes a post.
    pub async fn delete(&self, username: &str, post: &Post) {
        let id = post["id"].as_str().expect("post id");
        self.ok(
            reqwest::Method::DELETE,
            &format!("/users/{username}/posts/{id}"),
            None,
        )
        .await;
    }

    /// like, unlike, boost or unboost of an object URL.
    pub async fn interact(&self, username: &str, interaction: &str, object: &str) -> Post {
        self.ok(
            reqwest::Method::POST,
            &format!("/users/{username}/{interaction}"),
            Some(json!({ "object": object })),
        )
        .await
    }

    /// Fetches a remote post into this instance, as `username`.
    pub async fn resolve(&self, username: &str, object: &str) -> Post {
        self.ok(
            reqwest::Method::POST,
            &format!("/users/{username}/resolve"),
            Some(json!({ "object": object })),
        )
        .await
    }

    /// The home timeline.
    pub async fn home(&self, username: &str) -> Vec<Post> {
        let value = self
            .ok(
                reqwest::Method::GET,
                &format!("/users/{username}/home"),
                None,
            )
            .await;
        value.as_array().cloned().unwrap_or_default()
    }

    /// (followers, following) actor ids.
    pub async fn relations(&self, username: &str) -> (Vec<String>, Vec<String>) {
        let all = self.all_relations(username).await;
        (all.0, all.1)
    }

    /// Follow requests `username` sent that await an answer.
    pub async fn requested(&self, username: &str) -> Vec<String> {
        self.all_relations(username).await.2
    }

    async fn all_relations(&self, username: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
        let value = self
            .ok(
                reqwest::Method::GET,
                &format!("/users/{username}/relations"),
                None,
            )
            .await;
        let list = |key: &str| {
            value[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        (list("followers"), list("following"), list("requested"))
    }

    /// Pending follow requests of a locked person.
    pub async fn follow_requests(&self, username: &str) -> Vec<String> {
        let value = self
            .ok(
                reqwest::Method::GET,
                &format!("/users/{username}/follow_requests"),
                None,
            )
            .await;
        value
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Approves or rejects a follow request.
    pub async fn answer(&self, username: &str, actor: &str, accept: bool) {
        self.ok(
            reqwest::Method::POST,
            &format!("/users/{username}/follow_requests/answer"),
            Some(json!({ "actor": actor, "accept": accept })),
        )
        .await;
    }

    /// The stored post with this id URL and its thread as `viewer` sees it, if visible here.
    pub async fn show(&self, uri: &str, viewer: Option<&str>) -> Option<Value> {
        let mut path = format!("/posts?uri={}", encode(uri));
        if let Some(viewer) = viewer {
            path.push_str(&format!("&as={viewer}"));
        }
        let (status, value) = self.call(reqwest::Method::GET, &path, None).await;
        (status == 200).then_some(value)
    }

    /// Pending and failed deliveries per host.
    pub async fn queue(&self) -> Vec<Value> {
        let value = self.ok(reqwest::Method::GET, "/queue", None).await;
        value.as_array().cloned().unwrap_or_default()
    }

    /// A raw HTTP client for requests outside the internal interface.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
