//! Real clients of the Mastodon client API (Mastodon.py, toot, megalodon), run as child
//! processes from `federation-tests/clients`, plus a small HTTP client of the same API for
//! checking what they did.
//!
//! A flow script prints progress lines (`STEP ...`, and markers such as `READY` or `FOLLOWED`
//! that a test waits for) and ONE JSON object on its last stdout line: `"ok": true` with what it
//! observed, or `"ok": false` with `failed_step` and `error`.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

use crate::instance::Instance;

const INSTALL_HINT: &str = "run federation-tests/install-peers";

/// `federation-tests/clients`.
pub fn clients_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("clients")
}

/// The Python of the clients' virtual environment (Mastodon.py and toot installed in it).
/// Panics when the environment is missing.
pub fn python() -> PathBuf {
    let venv = clients_dir().join("python/.venv");
    let python = venv.join("bin/python");
    assert!(
        python.is_file(),
        "the Python clients are not installed ({} is missing): {INSTALL_HINT}",
        python.display()
    );
    assert!(
        venv.join("bin/toot").is_file(),
        "toot is not installed in {}: {INSTALL_HINT}",
        venv.display()
    );
    python
}

/// `clients/python/NAME`.
pub fn python_script(name: &str) -> PathBuf {
    clients_dir().join("python").join(name)
}

/// The Node client project (`clients/node`, with megalodon in node_modules). Panics when it
/// is not installed.
pub fn node_project() -> PathBuf {
    let dir = clients_dir().join("node");
    assert!(
        dir.join("node_modules/megalodon/package.json").is_file(),
        "megalodon is not installed in {}: {INSTALL_HINT}",
        dir.display()
    );
    dir
}

/// A person with a password, who can log in through OAuth.
#[derive(Clone, Debug)]
pub struct Login {
    pub username: String,
    pub email: String,
    pub password: String,
}

/// Creates a local person with an e-mail address and a password through the internal
/// interface.
pub async fn create_login(instance: &Instance, username: &str) -> Login {
    create_login_with(instance, username, json!({})).await
}

/// [`create_login`] with more fields of the internal interface's `POST /users` (`role`,
/// `department`, ...).
pub async fn create_login_with(instance: &Instance, username: &str, extra: Value) -> Login {
    let login = Login {
        username: username.to_string(),
        email: format!("{username}@{}.example.com", instance.name),
        password: format!("correct horse battery staple {username}"),
    };
    let mut body = json!({
        "username": login.username,
        "email": login.email,
        "password": login.password,
    });
    if let (Some(fields), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        fields.extend(extra.clone());
    }
    let (status, reply) = instance
        .call(reqwest::Method::POST, "/users", Some(body))
        .await;
    assert!(
        status < 300,
        "{}: creating {username} -> {status} {reply}",
        instance.name
    );
    login
}

/// A string no other test uses, for finding one post among others.
pub fn marker(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}{}x{nanos}", std::process::id())
}

/// A flow script running as a child process.
pub struct ClientProcess {
    name: String,
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
    stdout: Vec<String>,
    stderr: Arc<Mutex<String>>,
}

impl ClientProcess {
    /// Starts `command` with piped output. The process is killed when this is dropped.
    pub fn spawn(name: &str, mut command: Command) -> Self {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("{name} does not start ({INSTALL_HINT}?): {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (sender, lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let collected = Arc::new(Mutex::new(String::new()));
        let sink = collected.clone();
        tokio::spawn(async move {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buffer).await {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("stderr buffer")
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Self {
            name: name.to_string(),
            child,
            lines,
            stdout: Vec::new(),
            stderr: collected,
        }
    }

    fn transcript(&self) -> String {
        let stderr = self.stderr.lock().expect("stderr buffer").clone();
        let start = stderr.len().saturating_sub(4000);
        let start = (start..stderr.len())
            .find(|&i| stderr.is_char_boundary(i))
            .unwrap_or(0);
        let stderr = &stderr[start..];
        format!(
            "--- {} stdout ---\n{}\n--- {} stderr ---\n{stderr}",
            self.name,
            self.stdout.join("\n"),
            self.name
        )
    }

    /// The failure report of a script that printed `"ok": false`, else `None`.
    fn failure(&self) -> Option<String> {
        let last: Value = serde_json::from_str(self.stdout.last()?).ok()?;
        (last["ok"] == false).then(|| {
            let mut report = format!(
                "{} failed at step `{}`: {}",
                self.name,
                last["failed_step"].as_str().unwrap_or("?"),
                last["error"].as_str().unwrap_or("?")
            );
            if let Some(exchanges) = last["last_http"].as_array() {
                for exchange in exchanges {
                    report.push_str(&format!("\n  {}", exchange.as_str().unwrap_or_default()));
                }
            }
            report
        })
    }

    /// Waits for a stdout line equal to `wanted`. Panics with the script's output when it ends
    /// first or `timeout` passes.
    pub async fn wait_for_line(&mut self, wanted: &str, timeout: Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => {
                    let found = line.trim() == wanted;
                    self.stdout.push(line);
                    if found {
                        return;
                    }
                }
                Ok(None) => {
                    let _ = self.child.wait().await;
                    panic!(
                        "{}\n{} ended before printing {wanted}\n{}",
                        self.failure().unwrap_or_default(),
                        self.name,
                        self.transcript()
                    );
                }
                Err(_) => panic!(
                    "{} did not print {wanted} within {timeout:?}\n{}",
                    self.name,
                    self.transcript()
                ),
            }
        }
    }

    /// Waits for the script to end and returns its JSON result. Panics when it fails (with the
    /// step it reported), prints no JSON, or runs longer than `timeout`.
    pub async fn finish(mut self, timeout: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => self.stdout.push(line),
                Ok(None) => break,
                Err(_) => {
                    let _ = self.child.kill().await;
                    panic!(
                        "{} did not finish within {timeout:?}\n{}",
                        self.name,
                        self.transcript()
                    );
                }
            }
        }
        let status = tokio::time::timeout_at(deadline, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok);
        // Let the stderr reader drain.
        tokio::time::sleep(Duration::from_millis(50)).await;
        if let Some(failure) = self.failure() {
            panic!("{failure}\n{}", self.transcript());
        }
        assert!(
            status.is_some_and(|s| s.success()),
            "{} exited with {status:?}\n{}",
            self.name,
            self.transcript()
        );
        let result = self
            .stdout
            .last()
            .and_then(|line| serde_json::from_str::<Value>(line).ok())
            .unwrap_or_else(|| {
                panic!(
                    "{} printed no JSON result\n{}",
                    self.name,
                    self.transcript()
                )
            });
        eprintln!("{} result: {result}", self.name);
        let stderr = self.stderr.lock().expect("stderr buffer").clone();
        if !stderr.trim().is_empty() {
            eprintln!("{} stderr:\n{stderr}", self.name);
        }
        assert_eq!(
            result["ok"],
            true,
            "{} reported {result}\n{}",
            self.name,
            self.transcript()
        );
        result
    }
}

/// A logged-in client of an instance's Mastodon API, over http or https (with the instance's
/// own client, which trusts the test CA).
pub struct MastodonApi {
    pub base: String,
    pub token: String,
    http: reqwest::Client,
}

/// A URL-encoded form body, as Mastodon.py and toot send.
fn form(request: reqwest::RequestBuilder, fields: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    request
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
}

async fn send(request: reqwest::RequestBuilder, what: &str) -> (u16, Value, String) {
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, value, text)
}

impl MastodonApi {
    /// Registers an app (`POST /api/v1/apps`) and logs in with the password grant
    /// (`POST /oauth/token`), as Mastodon.py and toot do. Panics with the status and body of a
    /// failing step.
    pub async fn password_login(instance: &Instance, login: &Login) -> Self {
        let http = instance.http().clone();
        let base = instance.base.clone();
        let (status, app, text) = send(
            form(
                http.post(format!("{base}/api/v1/apps")),
                &[
                    ("client_name", "Trellis client test (HTTP)"),
                    ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
                    ("scopes", "read write follow push"),
                ],
            ),
            "POST /api/v1/apps",
        )
        .await;
        assert!(
            status == 200 && app["client_id"].is_string() && app["client_secret"].is_string(),
            "{}: POST /api/v1/apps -> {status} {text}",
            instance.name
        );
        let (status, token, text) = send(
            form(
                http.post(format!("{base}/oauth/token")),
                &[
                    ("grant_type", "password"),
                    ("client_id", app["client_id"].as_str().unwrap_or_default()),
                    (
                        "client_secret",
                        app["client_secret"].as_str().unwrap_or_default(),
                    ),
                    ("username", &login.email),
                    ("password", &login.password),
                    ("scope", "read write follow push"),
                ],
            ),
            "POST /oauth/token",
        )
        .await;
        let access_token = token["access_token"].as_str().unwrap_or_else(|| {
            panic!(
                "{}: POST /oauth/token (password grant for {}) -> {status} {text}",
                instance.name, login.email
            )
        });
        Self {
            base,
            token: access_token.to_string(),
            http,
        }
    }

    /// `GET` an API path (such as `/api/v1/notifications`); returns the status and JSON body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let (status, value, _) = send(
            self.http
                .get(format!("{}{path}", self.base))
                .bearer_auth(&self.token),
            path,
        )
        .await;
        (status, value)
    }

    /// `GET` an API path that must answer 200.
    pub async fn get_ok(&self, path: &str) -> Value {
        let (status, value) = self.get(path).await;
        assert_eq!(status, 200, "GET {}{path} -> {status} {value}", self.base);
        value
    }
}
