//! The OpenID provider of the single sign-on tests (federation-tests/peers/oidc-provider,
//! panva's `oidc-provider`), run as a child process, and a browser that signs in through it.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// The client id Trellis has at the test provider.
pub const CLIENT_ID: &str = "trellis-sso-tests";
/// The client secret Trellis has at the test provider.
pub const CLIENT_SECRET: &str = "sso-tests-client-secret-0123456789";

/// A running OpenID provider with one client whose redirect URI is a Trellis instance's
/// callback. Its people are a JSON file the provider reads on every request.
pub struct OidcProvider {
    /// `http://127.0.0.1:PORT`, the issuer.
    pub issuer: String,
    port: u16,
    redirect_uri: String,
    accounts: PathBuf,
    _dir: tempfile::TempDir,
    child: Option<Child>,
}

impl OidcProvider {
    /// Starts the provider for the instance whose base URL is `instance_base` and waits for
    /// its `READY` line. Needs `federation-tests/install-peers`.
    pub async fn start(instance_base: &str, accounts: &Value) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = crate::instance::free_port();
        let mut provider = Self {
            issuer: format!("http://127.0.0.1:{port}"),
            port,
            redirect_uri: format!("{instance_base}/auth/oidc/callback"),
            accounts: dir.path().join("accounts.json"),
            _dir: dir,
            child: None,
        };
        provider.set_accounts(accounts);
        provider.spawn().await;
        provider
    }

    /// Replaces the provider's people: `{ LOGIN: { "password": ..., "claims": { "sub": ...,
    /// ... } } }`. Takes effect at the next request.
    pub fn set_accounts(&self, accounts: &Value) {
        std::fs::write(&self.accounts, accounts.to_string()).expect("accounts file");
    }

    /// Stops the provider and starts it again on the same port: it signs with a new key
    /// under a new key id from then on (a key rotation), and forgets its sessions.
    pub async fn restart(&mut self) {
        self.stop();
        self.spawn().await;
    }

    /// The Trellis settings that use this provider.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("TRELLIS_OIDC_ISSUER", self.issuer.clone()),
            ("TRELLIS_OIDC_CLIENT_ID", CLIENT_ID.into()),
            ("TRELLIS_OIDC_CLIENT_SECRET", CLIENT_SECRET.into()),
            ("TRELLIS_OIDC_NAME", "Corp ID".into()),
        ]
    }

    async fn spawn(&mut self) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers/oidc-provider");
        assert!(
            dir.join("node_modules").is_dir(),
            "the OpenID provider is not installed: run federation-tests/install-peers"
        );
        let mut child = Command::new("node")
            .arg("server.mjs")
            .args(["--port", &self.port.to_string()])
            .args(["--issuer", &self.issuer])
            .args(["--client-id", CLIENT_ID])
            .args(["--client-secret", CLIENT_SECRET])
            .args(["--redirect-uri", &self.redirect_uri])
            .arg("--accounts")
            .arg(&self.accounts)
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs the OpenID provider");
        let stdout = child.stdout.take().expect("stdout");
        // The output is read to its end (not only to READY), so the provider never writes
        // into a closed pipe.
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut ready_tx = Some(ready_tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("READY ")
                    && let Some(tx) = ready_tx.take()
                {
                    let _ = tx.send(());
                }
            }
        });
        let ready = tokio::time::timeout(Duration::from_secs(60), ready_rx)
            .await
            .is_ok_and(|r| r.is_ok());
        assert!(ready, "the OpenID provider printed READY");
        self.child = Some(child);
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One browser: a cookie jar, redirects followed by hand so each step can be seen.
pub struct Browser {
    http: reqwest::Client,
}

/// A page a browser ended on.
#[derive(Debug)]
pub struct Page {
    /// Where it is.
    pub url: String,
    /// Its status.
    pub status: u16,
    /// Its body.
    pub body: String,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    /// A browser without cookies.
    pub fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        }
    }

    /// Follows redirects from `response` until a page that is not one, or until `stop`
    /// says a redirect's location is where to stop (then that location is the page's URL,
    /// unfetched, with status 0).
    async fn follow(
        &self,
        mut url: String,
        mut response: reqwest::Response,
        stop: &dyn Fn(&str) -> bool,
    ) -> Page {
        for _ in 0..20 {
            let status = response.status().as_u16();
            if !(300..400).contains(&status) {
                let body = response.text().await.unwrap_or_default();
                return Page { url, status, body };
            }
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .expect("a redirect has a location")
                .to_string();
            let next = url::Url::parse(&url)
                .and_then(|base| base.join(&location))
                .expect("a usable location")
                .to_string();
            if stop(&next) {
                return Page {
                    url: next,
                    status: 0,
                    body: String::new(),
                };
            }
            url = next;
            response = self.http.get(&url).send().await.expect("GET");
        }
        panic!("too many redirects at {url}");
    }

    /// GETs `url`, following redirects (those for which `stop` is true are not fetched).
    pub async fn open(&self, url: &str, stop: &dyn Fn(&str) -> bool) -> Page {
        let response = self.http.get(url).send().await.expect("GET");
        self.follow(url.to_string(), response, stop).await
    }

    /// POSTs a form to `url`, following redirects as [`Browser::open`] does.
    pub async fn submit(
        &self,
        url: &str,
        form: &[(&str, &str)],
        stop: &dyn Fn(&str) -> bool,
    ) -> Page {
        let response = self.http.post(url).form(form).send().await.expect("POST");
        self.follow(url.to_string(), response, stop).await
    }
}

/// The value of the first `name="NAME" value="..."` attribute pair of `html` (HTML-unescaped
/// for `&amp;`), for hidden form fields.
pub fn field(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[start..];
    let value_at = rest.find("value=\"")? + "value=\"".len();
    let value = &rest[value_at..];
    let end = value.find('"')?;
    Some(
        value[..end]
            .replace("&amp;", "&")
            .replace("&#x2f;", "/")
            .replace("&#47;", "/"),
    )
}

/// The `href` of the element with `id` in `html` (HTML-unescaped for `&amp;`).
pub fn link(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[start..];
    let href_at = rest.find("href=\"")? + "href=\"".len();
    let href = &rest[href_at..];
    let end = href.find('"')?;
    Some(
        href[..end]
            .replace("&amp;", "&")
            .replace("&#x2f;", "/")
            .replace("&#47;", "/"),
    )
}

/// The `action` of the first form of `html`.
pub fn form_action(html: &str) -> Option<String> {
    let start = html.find("<form")?;
    let rest = &html[start..];
    let at = rest.find("action=\"")? + "action=\"".len();
    let action = &rest[at..];
    let end = action.find('"')?;
    Some(action[..end].replace("&amp;", "&"))
}
