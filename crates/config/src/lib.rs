//! Configuration: an optional TOML file overlaid with `TRELLIS_*` environment variables,
//! validated into one [`Config`] with errors that name the key, the value and the reason.

pub mod communities;
pub mod federation;
pub mod key_pool;
pub mod media;
pub mod oidc;
pub mod polls;
pub mod remote_media;

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

pub use federation::{FederationMode, FederationSettings, TlsSettings, parse_authority};
pub use media::{MediaSettings, MediaStorage, S3Settings};
pub use oidc::{ClaimNames, OidcSettings, RoleGroups, SignInSettings};
pub use polls::PollSettings;
pub use remote_media::RemoteMediaSettings;

/// The validated configuration of one instance.
#[derive(Clone, Debug)]
pub struct Config {
    /// Public host and optional port, e.g. `alpha.example` or `localhost:8080`.
    pub domain: String,
    /// Socket address the HTTP server binds to.
    pub listen: SocketAddr,
    /// Where the data lives.
    pub database: DatabaseUrl,
    /// Whether http:// URLs, explicit ports and private addresses may be used for federation.
    pub allow_http: bool,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// What the instance says about itself.
    pub instance: InstanceInfo,
    /// How outgoing activities are delivered.
    pub delivery: DeliverySettings,
    /// Bearer token of the internal operations interface (`/internal/v1`); unset disables it.
    pub internal_api_token: Option<Secret>,
    /// Bearer token of SCIM 2.0 provisioning (`/scim/v2`); unset disables it.
    pub scim_token: Option<Secret>,
    /// Who may write articles.
    pub articles: ArticleSettings,
    /// Who may create communities.
    pub communities: communities::CommunitySettings,
    /// Abuse limits: sign-in attempts, inbox requests, slow and surplus connections.
    pub limits: LimitSettings,
    /// For tests only: a folder of pre-generated RSA key pairs that new actors take in turn
    /// instead of generating fresh keys (`TRELLIS_TEST_KEY_POOL`); `None` in production.
    pub test_key_pool: Option<PathBuf>,
    /// Whom the instance federates with and which authorities it trusts.
    pub federation: FederationSettings,
    /// The certificate the instance serves https with; `None` serves plain HTTP (behind a
    /// reverse proxy that terminates TLS, or for development).
    pub tls: Option<TlsSettings>,
    /// How people sign in: passwords and single sign-on with an OpenID provider.
    pub sign_in: SignInSettings,
    /// Upload limits and where media files are stored.
    pub media: MediaSettings,
    /// Poll limits.
    pub polls: PollSettings,
    /// How files of other servers are fetched, cached and expired for the media proxy.
    pub remote_media: RemoteMediaSettings,
}

/// Abuse limits.
#[derive(Clone, Debug)]
pub struct LimitSettings {
    /// Failed sign-ins of one account per window before it is refused until the window ends.
    pub login_max_failures: u32,
    /// Failed sign-ins from one client address (any accounts) per window.
    pub login_max_failures_per_address: u32,
    /// The sign-in counting window, which is also the longest a refusal lasts.
    pub login_window: std::time::Duration,
    /// Whether the last `X-Forwarded-For` address (set by a reverse proxy) names the client.
    pub trust_forwarded_for: bool,
    /// Inbox requests accepted from one client address per minute.
    pub inbox_rate_per_minute: u32,
    /// Inbox requests processed at once.
    pub inbox_concurrency: usize,
    /// Inbox requests that may wait for a slot; more are answered 429.
    pub inbox_queue: usize,
    /// How long a client may take to send a request's headers.
    pub header_read_timeout: std::time::Duration,
    /// Connections served at once; more wait until one closes.
    pub max_connections: usize,
}

/// Article settings.
#[derive(Clone, Debug)]
pub struct ArticleSettings {
    /// Whether members (not only editors and admins) may write their own articles.
    pub members_may_write: bool,
    /// Username of the instance channel, the Group actor that announces every published
    /// article; `None` when the instance has no channel.
    pub channel_name: Option<String>,
}

/// A value that must never reach logs: its `Debug` output is hidden.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret value, for comparison.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Delivery queue settings.
#[derive(Clone, Debug)]
pub struct DeliverySettings {
    /// How long a delivery is retried before it is recorded as failed.
    pub max_age: std::time::Duration,
    /// Unit of the retry schedule: attempt n waits (n^4 + 15) units, with jitter.
    pub backoff_unit: std::time::Duration,
    /// Concurrent requests to one remote host.
    pub per_host_concurrency: usize,
    /// How long a worker's claim on a delivery keeps other workers away from it; a claim of a
    /// process that died is taken over once it runs out.
    pub lease: std::time::Duration,
    /// How often the worker looks at the queue when nothing wakes it (due retries).
    pub poll: std::time::Duration,
}

/// Descriptive settings shown in nodeinfo, the client API and web pages.
#[derive(Clone, Debug)]
pub struct InstanceInfo {
    /// Human-readable name of the instance.
    pub name: String,
    /// One-paragraph description.
    pub description: String,
    /// Address people can write to about this instance.
    pub contact_email: Option<String>,
    /// Who may create an account.
    pub registrations: RegistrationMode,
}

/// Who may create an account on the instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationMode {
    /// Only administrators create accounts.
    Closed,
    /// People with an invitation may sign up.
    Invite,
    /// Anyone may sign up.
    Open,
}

impl RegistrationMode {
    /// The name used in configuration files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Invite => "invite",
            Self::Open => "open",
        }
    }
}

/// A database location; the backend is chosen from the URL scheme.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file, created on first start.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `sqlite://PATH`, `sqlite:PATH` or `postgres://...`/`postgresql://...`.
    pub fn parse(value: &str) -> Result<Self, String> {
        if let Some(path) = value
            .strip_prefix("sqlite://")
            .or_else(|| value.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err("the SQLite path is empty".into());
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            Url::parse(value).map_err(|e| format!("not a valid PostgreSQL URL ({e})"))?;
            return Ok(Self::Postgres(value.to_string()));
        }
        Err("expected sqlite://PATH or postgres://USER@HOST/DATABASE".into())
    }

    /// The URL with any password replaced, safe to print and log.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => match Url::parse(url) {
                Ok(mut parsed) if parsed.password().is_some() => {
                    let _ = parsed.set_password(Some("***"));
                    parsed.to_string()
                }
                _ => url.clone(),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file could not be read or parsed.
    #[error("cannot use configuration file {path}: {reason}")]
    File {
        /// The file named by `--config` or `TRELLIS_CONFIG`.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A key holds a value that is not allowed.
    #[error("invalid configuration: {key} = {value:?}: {reason}")]
    Invalid {
        /// The environment variable name of the key.
        key: &'static str,
        /// The offending value.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
}

/// The shape of the TOML file; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    domain: Option<String>,
    listen: Option<String>,
    database_url: Option<String>,
    allow_http: Option<bool>,
    max_body_bytes: Option<u64>,
    #[serde(default)]
    instance: FileInstance,
    #[serde(default)]
    delivery: FileDelivery,
    internal_api_token: Option<String>,
    scim_token: Option<String>,
    #[serde(default)]
    articles: FileArticles,
    #[serde(default)]
    communities: communities::FileCommunities,
    #[serde(default)]
    limits: FileLimits,
    #[serde(default)]
    federation: federation::FileFederation,
    #[serde(default)]
    tls: federation::FileTls,
    password_login: Option<bool>,
    #[serde(default)]
    oidc: oidc::FileOidc,
    #[serde(default)]
    media: media::FileMedia,
    #[serde(default)]
    polls: polls::FilePolls,
    #[serde(default)]
    remote_media: remote_media::FileRemoteMedia,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLimits {
    login_max_failures: Option<u64>,
    login_max_failures_per_address: Option<u64>,
    login_window_secs: Option<u64>,
    trust_forwarded_for: Option<bool>,
    inbox_rate_per_minute: Option<u64>,
    inbox_concurrency: Option<u64>,
    inbox_queue: Option<u64>,
    header_read_timeout_secs: Option<u64>,
    max_connections: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileArticles {
    members_may_write: Option<bool>,
    channel: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDelivery {
    max_age_hours: Option<u64>,
    backoff_ms: Option<u64>,
    per_host_concurrency: Option<u64>,
    lease_secs: Option<u64>,
    poll_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileInstance {
    name: Option<String>,
    description: Option<String>,
    contact_email: Option<String>,
    registrations: Option<String>,
}

/// Default values, documented in docs/CONFIG.md.
const DEFAULT_DOMAIN: &str = "localhost:8080";
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DEFAULT_DATABASE_URL: &str = "sqlite://data/trellis.db";
const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

impl Config {
    /// Loads the file (if any) and applies the process environment on top.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env: HashMap<String, String> = std::env::vars()
            .filter(|(k, _)| k.starts_with("TRELLIS_"))
            .collect();
        let file = file
            .map(PathBuf::from)
            .or_else(|| env.get("TRELLIS_CONFIG").map(PathBuf::from));
        let text = match &file {
            Some(path) => Some(
                std::fs::read_to_string(path).map_err(|e| ConfigError::File {
                    path: path.clone(),
                    reason: e.to_string(),
                })?,
            ),
            None => None,
        };
        Self::from_sources(text.as_deref(), &env).map_err(|e| match (e, file) {
            (ConfigError::File { reason, .. }, Some(path)) => ConfigError::File { path, reason },
            (other, _) => other,
        })
    }

    /// Builds a configuration from TOML text and an environment map (tests use this directly).
    pub fn from_sources(
        toml_text: Option<&str>,
        env: &HashMap<String, String>,
    ) -> Result<Self, ConfigError> {
        let file: FileConfig = match toml_text {
            Some(text) => toml::from_str(text).map_err(|e| ConfigError::File {
                path: PathBuf::new(),
                reason: e.message().to_string(),
            })?,
            None => FileConfig::default(),
        };
        let pick = |key: &str, from_file: Option<String>| env.get(key).cloned().or(from_file);

        let domain = pick("TRELLIS_DOMAIN", file.domain).unwrap_or_else(|| DEFAULT_DOMAIN.into());
        validate_domain(&domain).map_err(|reason| invalid("TRELLIS_DOMAIN", &domain, reason))?;

        let listen_text =
            pick("TRELLIS_LISTEN", file.listen).unwrap_or_else(|| DEFAULT_LISTEN.into());
        let listen = listen_text.parse().map_err(|_| {
            invalid(
                "TRELLIS_LISTEN",
                &listen_text,
                "expected an IP address and port such as 127.0.0.1:8080".into(),
            )
        })?;

        let db_text = pick("TRELLIS_DATABASE_URL", file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        let database = DatabaseUrl::parse(&db_text)
            .map_err(|reason| invalid("TRELLIS_DATABASE_URL", &redact(&db_text), reason))?;

        let allow_http = match env.get("TRELLIS_ALLOW_HTTP") {
            Some(text) => parse_bool(text).ok_or_else(|| {
                invalid("TRELLIS_ALLOW_HTTP", text, "expected true or false".into())
            })?,
            None => file.allow_http.unwrap_or(false),
        };

        let max_body_bytes = match env.get("TRELLIS_MAX_BODY_BYTES") {
            Some(text) => text.parse::<u64>().map_err(|_| {
                invalid(
                    "TRELLIS_MAX_BODY_BYTES",
                    text,
                    "expected a number of bytes".into(),
                )
            })?,
            None => file.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES as u64),
        };
        if !(1024..=1024 * 1024 * 1024).contains(&max_body_bytes) {
            return Err(invalid(
                "TRELLIS_MAX_BODY_BYTES",
                &max_body_bytes.to_string(),
                "must be between 1024 and 1073741824".into(),
            ));
        }

        let name =
            pick("TRELLIS_INSTANCE_NAME", file.instance.name).unwrap_or_else(|| "Trellis".into());
        if name.trim().is_empty() || name.chars().count() > 100 {
            return Err(invalid(
                "TRELLIS_INSTANCE_NAME",
                &name,
                "must be 1 to 100 characters".into(),
            ));
        }
        let description =
            pick("TRELLIS_INSTANCE_DESCRIPTION", file.instance.description).unwrap_or_default();
        let contact_email =
            pick("TRELLIS_CONTACT_EMAIL", file.instance.contact_email).filter(|e| !e.is_empty());
        if let Some(email) = &contact_email {
            check_email(email).map_err(|reason| invalid("TRELLIS_CONTACT_EMAIL", email, reason))?;
        }
        let registrations_text = pick("TRELLIS_REGISTRATIONS", file.instance.registrations)
            .unwrap_or_else(|| "closed".into());
        let registrations = match registrations_text.as_str() {
            "closed" => RegistrationMode::Closed,
            "invite" => RegistrationMode::Invite,
            "open" => RegistrationMode::Open,
            _ => {
                return Err(invalid(
                    "TRELLIS_REGISTRATIONS",
                    &registrations_text,
                    "expected closed, invite or open".into(),
                ));
            }
        };

        let number = |key: &'static str, from_file: Option<u64>, default: u64, range| {
            whole_number(env, key, from_file, default, range)
        };
        let delivery = DeliverySettings {
            max_age: std::time::Duration::from_secs(
                3600 * number(
                    "TRELLIS_DELIVERY_MAX_AGE_HOURS",
                    file.delivery.max_age_hours,
                    48,
                    1..=720,
                )?,
            ),
            backoff_unit: std::time::Duration::from_millis(number(
                "TRELLIS_DELIVERY_BACKOFF_MS",
                file.delivery.backoff_ms,
                1000,
                1..=60_000,
            )?),
            per_host_concurrency: number(
                "TRELLIS_DELIVERY_PER_HOST_CONCURRENCY",
                file.delivery.per_host_concurrency,
                4,
                1..=64,
            )? as usize,
            lease: std::time::Duration::from_secs(number(
                "TRELLIS_DELIVERY_LEASE_SECS",
                file.delivery.lease_secs,
                60,
                1..=3600,
            )?),
            poll: std::time::Duration::from_millis(number(
                "TRELLIS_DELIVERY_POLL_MS",
                file.delivery.poll_ms,
                1000,
                10..=60_000,
            )?),
        };

        let scim_token = bearer_token(
            "TRELLIS_SCIM_TOKEN",
            pick("TRELLIS_SCIM_TOKEN", file.scim_token),
        )?;
        let internal_api_token = bearer_token(
            "TRELLIS_INTERNAL_API_TOKEN",
            pick("TRELLIS_INTERNAL_API_TOKEN", file.internal_api_token),
        )?;

        let members_may_write = match env.get("TRELLIS_MEMBERS_MAY_WRITE") {
            Some(text) => parse_bool(text).ok_or_else(|| {
                invalid(
                    "TRELLIS_MEMBERS_MAY_WRITE",
                    text,
                    "expected true or false".into(),
                )
            })?,
            None => file.articles.members_may_write.unwrap_or(true),
        };

        let trust_forwarded_for = match env.get("TRELLIS_TRUST_FORWARDED_FOR") {
            Some(text) => parse_bool(text).ok_or_else(|| {
                invalid(
                    "TRELLIS_TRUST_FORWARDED_FOR",
                    text,
                    "expected true or false".into(),
                )
            })?,
            None => file.limits.trust_forwarded_for.unwrap_or(false),
        };
        let l = &file.limits;
        let limits = LimitSettings {
            login_max_failures: number(
                "TRELLIS_LOGIN_MAX_FAILURES",
                l.login_max_failures,
                10,
                1..=1_000,
            )? as u32,
            login_max_failures_per_address: number(
                "TRELLIS_LOGIN_MAX_FAILURES_PER_ADDRESS",
                l.login_max_failures_per_address,
                50,
                1..=100_000,
            )? as u32,
            login_window: std::time::Duration::from_secs(number(
                "TRELLIS_LOGIN_WINDOW_SECS",
                l.login_window_secs,
                900,
                1..=86_400,
            )?),
            trust_forwarded_for,
            inbox_rate_per_minute: number(
                "TRELLIS_INBOX_RATE_PER_MINUTE",
                l.inbox_rate_per_minute,
                120_000,
                1..=1_000_000,
            )? as u32,
            inbox_concurrency: number(
                "TRELLIS_INBOX_CONCURRENCY",
                l.inbox_concurrency,
                32,
                1..=1_024,
            )? as usize,
            inbox_queue: number("TRELLIS_INBOX_QUEUE", l.inbox_queue, 256, 0..=100_000)? as usize,
            header_read_timeout: std::time::Duration::from_secs(number(
                "TRELLIS_HEADER_READ_TIMEOUT_SECS",
                l.header_read_timeout_secs,
                10,
                1..=300,
            )?),
            max_connections: number(
                "TRELLIS_MAX_CONNECTIONS",
                l.max_connections,
                1_024,
                1..=1_000_000,
            )? as usize,
        };

        let channel_name = channel_name(
            env.get("TRELLIS_ARTICLES_CHANNEL")
                .cloned()
                .or(file.articles.channel),
        )?;

        let test_key_pool = match env.get("TRELLIS_TEST_KEY_POOL").filter(|p| !p.is_empty()) {
            Some(path) => {
                key_pool::check_pool(Path::new(path))
                    .map_err(|reason| invalid("TRELLIS_TEST_KEY_POOL", path, reason))?;
                Some(PathBuf::from(path))
            }
            None => None,
        };

        let federation = federation::federation_settings(file.federation, env)?;
        let communities = communities::community_settings(file.communities, env)?;
        let tls = federation::tls_settings(file.tls, env)?;
        let sign_in = oidc::sign_in_settings(file.oidc, file.password_login, allow_http, env)?;
        let media = media::media_settings(file.media, env)?;
        let polls = polls::poll_settings(file.polls, env)?;
        let remote_media = remote_media::remote_media_settings(file.remote_media, env)?;

        Ok(Config {
            polls,
            limits,
            test_key_pool,
            federation,
            tls,
            sign_in,
            media,
            remote_media,
            articles: ArticleSettings {
                members_may_write,
                channel_name,
            },
            communities,
            internal_api_token,
            scim_token,
            delivery,
            domain,
            listen,
            database,
            allow_http,
            max_body_bytes: max_body_bytes as usize,
            instance: InstanceInfo {
                name,
                description,
                contact_email,
                registrations,
            },
        })
    }

    /// `http` when plain HTTP is allowed, `https` otherwise.
    pub fn scheme(&self) -> &'static str {
        if self.allow_http { "http" } else { "https" }
    }
}

/// Default username of the instance channel.
pub const DEFAULT_CHANNEL_NAME: &str = "articles";

/// The instance channel's username: the default when unset, none when empty, otherwise a
/// username (lower-case letters, digits and `_`, at most 30 characters).
fn channel_name(value: Option<String>) -> Result<Option<String>, ConfigError> {
    let Some(text) = value else {
        return Ok(Some(DEFAULT_CHANNEL_NAME.to_string()));
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let valid = text.len() <= 30
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(invalid(
            "TRELLIS_ARTICLES_CHANNEL",
            text,
            "expected at most 30 lower-case letters, digits and _, or empty for no channel".into(),
        ));
    }
    Ok(Some(text.to_string()))
}

/// A bearer token setting: unset or empty is none; a set one has at least 24 characters (its
/// value is never shown in the error).
fn bearer_token(key: &'static str, value: Option<String>) -> Result<Option<Secret>, ConfigError> {
    match value.filter(|t| !t.is_empty()) {
        Some(token) if token.len() < 24 => Err(invalid(
            key,
            "(hidden)",
            format!("must be at least 24 characters, got {}", token.len()),
        )),
        token => Ok(token.map(Secret)),
    }
}

/// A whole-number setting: the environment's value, else the file's, else `default`; it must
/// lie within `range`.
pub(crate) fn whole_number(
    env: &HashMap<String, String>,
    key: &'static str,
    from_file: Option<u64>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    let value = match env.get(key) {
        Some(text) => text
            .parse::<u64>()
            .map_err(|_| invalid(key, text, "expected a whole number".into()))?,
        None => from_file.unwrap_or(default),
    };
    if !range.contains(&value) {
        return Err(invalid(
            key,
            &value.to_string(),
            format!("must be between {} and {}", range.start(), range.end()),
        ));
    }
    Ok(value)
}

pub(crate) fn invalid(key: &'static str, value: &str, reason: String) -> ConfigError {
    ConfigError::Invalid {
        key,
        value: value.to_string(),
        reason,
    }
}

/// Hides the password of a database URL, even one that does not parse.
fn redact(url: &str) -> String {
    if let Ok(parsed) = DatabaseUrl::parse(url) {
        return parsed.redacted();
    }
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Accepts `host` or `host:port`; rejects paths, schemes, user info and bare IP addresses.
fn validate_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty() {
        return Err("must not be empty".into());
    }
    if domain.contains(['/', '@', ' ', '?', '#']) {
        return Err("expected host[:port] without scheme or path".into());
    }
    let url = Url::parse(&format!("http://{domain}/"))
        .map_err(|e| format!("expected host[:port] ({e})"))?;
    match url.host() {
        Some(url::Host::Domain(_)) => Ok(()),
        Some(_) => {
            Err("a bare IP address cannot be used as a federation domain; use a host name".into())
        }
        None => Err("expected host[:port]".into()),
    }
}

/// A plausible address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn check_email(address: &str) -> Result<(), String> {
    let invalid = || Err("is not a valid email address".to_string());
    if address.len() > 254 || address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return invalid();
    }
    let Some((local, domain)) = address.split_once('@') else {
        return invalid();
    };
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return invalid();
    }
    Ok(())
}

/// An environment made of `pairs`, for the tests of the settings.
#[cfg(test)]
pub(crate) fn test_env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_env as env;

    #[test]
    fn defaults_apply_without_file_or_env() {
        let config = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(config.domain, "localhost:8080");
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(
            config.database,
            DatabaseUrl::Sqlite("data/trellis.db".into())
        );
        assert!(!config.allow_http);
        assert_eq!(config.instance.registrations, RegistrationMode::Closed);
        assert!(config.articles.members_may_write);
        assert_eq!(config.limits.login_max_failures, 10);
        assert_eq!(config.limits.login_window.as_secs(), 900);
        assert!(!config.limits.trust_forwarded_for);
        assert_eq!(config.limits.header_read_timeout.as_secs(), 10);
        assert_eq!(config.limits.max_connections, 1_024);
    }

    #[test]
    fn limits_come_from_file_or_environment() {
        let toml = "[limits]\nlogin_max_failures = 5\ntrust_forwarded_for = true\n";
        let config = Config::from_sources(Some(toml), &env(&[])).unwrap();
        assert_eq!(config.limits.login_max_failures, 5);
        assert!(config.limits.trust_forwarded_for);
        let config = Config::from_sources(
            Some(toml),
            &env(&[
                ("TRELLIS_LOGIN_MAX_FAILURES", "7"),
                ("TRELLIS_INBOX_QUEUE", "0"),
            ]),
        )
        .unwrap();
        assert_eq!(config.limits.login_max_failures, 7);
        assert_eq!(config.limits.inbox_queue, 0);
    }

    #[test]
    fn members_may_write_comes_from_file_or_environment() {
        let toml = "[articles]\nmembers_may_write = false\n";
        let config = Config::from_sources(Some(toml), &env(&[])).unwrap();
        assert!(!config.articles.members_may_write);
        let config =
            Config::from_sources(Some(toml), &env(&[("TRELLIS_MEMBERS_MAY_WRITE", "yes")]))
                .unwrap();
        assert!(config.articles.members_may_write);
    }

    #[test]
    fn the_instance_channel_defaults_to_articles_and_can_be_renamed_or_disabled() {
        let config = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(config.articles.channel_name.as_deref(), Some("articles"));
        let toml = "[articles]\nchannel = \"news\"\n";
        let config = Config::from_sources(Some(toml), &env(&[])).unwrap();
        assert_eq!(config.articles.channel_name.as_deref(), Some("news"));
        let config =
            Config::from_sources(Some(toml), &env(&[("TRELLIS_ARTICLES_CHANNEL", "")])).unwrap();
        assert_eq!(config.articles.channel_name, None);
    }

    #[test]
    fn environment_overrides_file() {
        let toml =
            "domain = \"file.example\"\nallow_http = true\n[instance]\nname = \"From file\"\n";
        let config = Config::from_sources(
            Some(toml),
            &env(&[
                ("TRELLIS_DOMAIN", "env.example"),
                ("TRELLIS_ALLOW_HTTP", "false"),
            ]),
        )
        .unwrap();
        assert_eq!(config.domain, "env.example");
        assert!(!config.allow_http);
        assert_eq!(config.instance.name, "From file");
    }

    #[test]
    fn bearer_tokens_are_long_and_never_shown() {
        for key in ["TRELLIS_SCIM_TOKEN", "TRELLIS_INTERNAL_API_TOKEN"] {
            let err = Config::from_sources(None, &env(&[(key, "short-secret")])).unwrap_err();
            let message = err.to_string();
            assert!(message.contains(key), "{message}");
            assert!(!message.contains("short-secret"), "{message}");
        }
        let token = "a-scim-token-of-enough-length";
        let config = Config::from_sources(None, &env(&[("TRELLIS_SCIM_TOKEN", token)])).unwrap();
        assert_eq!(config.scim_token.as_ref().map(Secret::expose), Some(token));
        assert!(!format!("{config:?}").contains(token));
        let off = Config::from_sources(None, &env(&[("TRELLIS_SCIM_TOKEN", "")])).unwrap();
        assert!(off.scim_token.is_none());
    }

    #[test]
    fn invalid_values_name_the_key_and_value() {
        let cases = [
            ("TRELLIS_DOMAIN", "https://x.example/path"),
            ("TRELLIS_DOMAIN", "10.0.0.1"),
            ("TRELLIS_LISTEN", "not-an-address"),
            ("TRELLIS_DATABASE_URL", "mysql://db"),
            ("TRELLIS_ALLOW_HTTP", "maybe"),
            ("TRELLIS_REGISTRATIONS", "sometimes"),
            ("TRELLIS_CONTACT_EMAIL", "nobody"),
            ("TRELLIS_MEMBERS_MAY_WRITE", "sometimes"),
            ("TRELLIS_ARTICLES_CHANNEL", "Group News"),
            ("TRELLIS_LOGIN_MAX_FAILURES", "0"),
            ("TRELLIS_TRUST_FORWARDED_FOR", "perhaps"),
            ("TRELLIS_MAX_CONNECTIONS", "many"),
            ("TRELLIS_DELIVERY_LEASE_SECS", "0"),
            ("TRELLIS_DELIVERY_POLL_MS", "5"),
            ("TRELLIS_TEST_KEY_POOL", "/nonexistent/trellis-keys"),
        ];
        for (key, value) in cases {
            let err = Config::from_sources(None, &env(&[(key, value)])).unwrap_err();
            let message = err.to_string();
            assert!(message.contains(key), "{message}");
            assert!(message.contains(value), "{message}");
        }
    }

    #[test]
    fn delivery_timings_default_and_come_from_file_or_environment() {
        let config = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(config.delivery.lease, std::time::Duration::from_secs(60));
        assert_eq!(config.delivery.poll, std::time::Duration::from_secs(1));
        assert!(config.test_key_pool.is_none());
        let file = "[delivery]\nlease_secs = 5\npoll_ms = 200\n";
        let config = Config::from_sources(Some(file), &env(&[])).unwrap();
        assert_eq!(config.delivery.lease, std::time::Duration::from_secs(5));
        assert_eq!(config.delivery.poll, std::time::Duration::from_millis(200));
        let config =
            Config::from_sources(Some(file), &env(&[("TRELLIS_DELIVERY_LEASE_SECS", "7")]))
                .unwrap();
        assert_eq!(config.delivery.lease, std::time::Duration::from_secs(7));
    }

    #[test]
    fn unknown_file_keys_are_rejected() {
        let err = Config::from_sources(Some("domian = \"x\""), &env(&[])).unwrap_err();
        assert!(err.to_string().contains("domian"), "{err}");
    }

    #[test]
    fn password_of_an_unparseable_url_is_hidden() {
        let err = Config::from_sources(
            None,
            &env(&[("TRELLIS_DATABASE_URL", "postgres://u:secret@h:x/db")]),
        )
        .unwrap_err();
        assert!(!err.to_string().contains("secret"), "{err}");
        assert!(err.to_string().contains("TRELLIS_DATABASE_URL"));
    }

    #[test]
    fn database_password_is_redacted() {
        let url = DatabaseUrl::parse("postgres://app:secret@db.internal/trellis").unwrap();
        assert!(!url.redacted().contains("secret"));
        assert!(!format!("{url:?}").contains("secret"));
    }

    #[test]
    fn emails() {
        for ok in ["a@b.example", "first.last+tag@corp.example.com"] {
            assert!(check_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "plain",
            "@b.example",
            "a@b",
            "a@@b.example",
            "a b@c.example",
            "a@.b",
            "a@b..c",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
