//! The Fedify test peer (federation-tests/peers/fedify), a server no one here wrote, run as a
//! child process and driven through its control API.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// A running Fedify peer with one actor, `fedi`.
pub struct FedifyPeer {
    /// `http://localhost:PORT`
    pub base: String,
    child: Child,
    http: reqwest::Client,
}

impl FedifyPeer {
    /// Starts the peer and waits for its `READY` line. Needs `federation-tests/install-peers`.
    pub async fn start() -> Self {
        Self::start_with_env(&[]).await
    }

    /// [`FedifyPeer::start`] with extra environment variables for Node (such as
    /// `NODE_EXTRA_CA_CERTS`, to trust the test CA: [`crate::tls::TestPki::ca_env`]).
    pub async fn start_with_env(env: &[(&str, &std::path::Path)]) -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/fedify");
        assert!(
            dir.join("node_modules").is_dir(),
            "the Fedify peer is not installed: run federation-tests/install-peers"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let mut child = Command::new("node")
            .arg("peer.mjs")
            .arg("--port")
            .arg(port.to_string())
            .current_dir(&dir)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the Fedify peer");
        let stdout = child.stdout.take().expect("stdout");
        let reader = tokio::task::spawn_blocking(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .find_map(|line| line.strip_prefix("READY ").map(|b| b.trim().to_string()))
        });
        let base = tokio::time::timeout(Duration::from_secs(90), reader)
            .await
            .ok()
            .and_then(Result::ok)
            .flatten()
            .expect("the Fedify peer printed READY");
        Self {
            base,
            child,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        }
    }

    /// The peer's actor id.
    pub fn actor(&self) -> String {
        format!("{}/users/fedi", self.base)
    }

    async fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}/control/{path}", self.base))
            .send()
            .await
            .expect("control API answers")
            .json()
            .await
            .expect("control API returns JSON")
    }

    /// POSTs to the control API; returns the status and the JSON answer, whatever they are.
    async fn try_post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/control/{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("control API answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/control/{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("control API answers");
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "fedify {path}: {status} {value}");
        value
    }

    /// Every activity the peer received, in order.
    pub async fn inbox(&self) -> Vec<Value> {
        self.get("inbox")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Actor ids following the peer.
    pub async fn followers(&self) -> Vec<String> {
        let value = self.get("followers").await;
        value
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Actors the peer follows, with whether the follow was accepted.
    pub async fn following(&self) -> Vec<(String, bool)> {
        let value = self.get("following").await;
        value
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| Some((v["id"].as_str()?.to_string(), v["accepted"] == true)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Sends a Follow of `actor`.
    pub async fn follow(&self, actor: &str) -> Value {
        self.post("follow", json!({ "actor": actor })).await
    }

    /// Tries to send a Follow of `actor`: the control API's status and answer (a failed
    /// lookup of the actor or a refused delivery is an error status, not a panic).
    pub async fn try_follow(&self, actor: &str) -> (u16, Value) {
        self.try_post("follow", json!({ "actor": actor })).await
    }

    /// A plain GET of `url` made by the peer's Node process: the status, or the error when no
    /// connection could be made (an untrusted certificate, say).
    pub async fn fetch_status(&self, url: &str) -> Result<u16, String> {
        let (status, value) = self.try_post("fetch", json!({ "url": url })).await;
        if status == 200 {
            value["status"]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .ok_or_else(|| format!("no status in {value}"))
        } else {
            Err(format!("{status} {value}"))
        }
    }

    /// Publishes a public note to the peer's followers; returns its id.
    pub async fn publish(&self, html: &str) -> String {
        let value = self.post("post", json!({ "content": html })).await;
        value["id"].as_str().expect("note id").to_string()
    }
}

impl Drop for FedifyPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
