//! Who an instance federates with, and how it reaches them: the federation mode, the
//! organisation's peer instances, the extra certificate authorities trusted for outgoing
//! https, and the certificate the instance serves https with.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::{ConfigError, invalid};

/// Whom the instance federates with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FederationMode {
    /// Any server that is not blocked.
    Open,
    /// Only the configured and allowed peers: nothing is sent to, fetched from or accepted
    /// from anyone else.
    Allowlist,
}

impl FederationMode {
    /// The name used in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Allowlist => "allowlist",
        }
    }
}

/// Federation settings.
#[derive(Clone, Debug)]
pub struct FederationSettings {
    /// `open` or `allowlist`.
    pub mode: FederationMode,
    /// The organisation's other instances, as `host[:port]` authorities (lower-case). More may
    /// be allowed at run time; these are always allowed.
    pub peers: Vec<String>,
    /// PEM certificates trusted for outgoing https besides the system's roots.
    pub ca_file: Option<PathBuf>,
    /// How often the directories of peers are fetched again.
    pub directory_refresh: std::time::Duration,
}

impl FederationSettings {
    /// Whether only peers are federated with.
    pub fn is_closed(&self) -> bool {
        self.mode == FederationMode::Allowlist
    }
}

/// Serving https directly: a certificate chain and its private key, both PEM.
#[derive(Clone, Debug)]
pub struct TlsSettings {
    /// The certificate chain, leaf first.
    pub cert_file: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key_file: PathBuf,
}

/// The `[federation]` table of the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileFederation {
    mode: Option<String>,
    peers: Option<Vec<String>>,
    ca_file: Option<PathBuf>,
    directory_refresh_secs: Option<u64>,
}

/// The `[tls]` table of the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileTls {
    cert_file: Option<PathBuf>,
    key_file: Option<PathBuf>,
}

/// Reads and checks the federation settings.
pub(crate) fn federation_settings(
    file: FileFederation,
    env: &HashMap<String, String>,
) -> Result<FederationSettings, ConfigError> {
    let mode = match env.get("TRELLIS_FEDERATION_MODE").cloned().or(file.mode) {
        None => FederationMode::Open,
        Some(text) => match text.trim() {
            "open" => FederationMode::Open,
            "allowlist" => FederationMode::Allowlist,
            _ => {
                return Err(invalid(
                    "TRELLIS_FEDERATION_MODE",
                    &text,
                    "expected open or allowlist".into(),
                ));
            }
        },
    };
    let peers_text: Vec<String> = match env.get("TRELLIS_FEDERATION_PEERS") {
        Some(text) => text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
        None => file.peers.unwrap_or_default(),
    };
    let mut peers = Vec::with_capacity(peers_text.len());
    for peer in peers_text {
        let authority = parse_authority(&peer)
            .map_err(|reason| invalid("TRELLIS_FEDERATION_PEERS", &peer, reason))?;
        if !peers.contains(&authority) {
            peers.push(authority);
        }
    }
    let ca_file = match env.get("TRELLIS_CA_FILE") {
        Some(text) if text.is_empty() => None,
        Some(text) => Some(PathBuf::from(text)),
        None => file.ca_file,
    };
    if let Some(path) = &ca_file {
        check_pem_file(path, "CERTIFICATE")
            .map_err(|reason| invalid("TRELLIS_CA_FILE", &path.display().to_string(), reason))?;
    }
    let refresh_text = env.get("TRELLIS_DIRECTORY_REFRESH_SECS");
    let directory_refresh = match refresh_text {
        Some(text) => text.parse::<u64>().ok(),
        None => Some(file.directory_refresh_secs.unwrap_or(3600)),
    }
    .filter(|secs| (1..=604_800).contains(secs))
    .ok_or_else(|| {
        invalid(
            "TRELLIS_DIRECTORY_REFRESH_SECS",
            refresh_text.map(String::as_str).unwrap_or("(file)"),
            "expected seconds between 1 and 604800".into(),
        )
    })?;
    Ok(FederationSettings {
        mode,
        peers,
        ca_file,
        directory_refresh: std::time::Duration::from_secs(directory_refresh),
    })
}

/// Reads and checks the TLS settings: both files or neither.
pub(crate) fn tls_settings(
    file: FileTls,
    env: &HashMap<String, String>,
) -> Result<Option<TlsSettings>, ConfigError> {
    let pick = |key: &str, from_file: Option<PathBuf>| match env.get(key) {
        Some(text) if text.is_empty() => None,
        Some(text) => Some(PathBuf::from(text)),
        None => from_file,
    };
    let cert = pick("TRELLIS_TLS_CERT_FILE", file.cert_file);
    let key = pick("TRELLIS_TLS_KEY_FILE", file.key_file);
    match (cert, key) {
        (None, None) => Ok(None),
        (Some(cert_file), Some(key_file)) => {
            check_pem_file(&cert_file, "CERTIFICATE").map_err(|reason| {
                invalid(
                    "TRELLIS_TLS_CERT_FILE",
                    &cert_file.display().to_string(),
                    reason,
                )
            })?;
            check_pem_file(&key_file, "PRIVATE KEY").map_err(|reason| {
                invalid(
                    "TRELLIS_TLS_KEY_FILE",
                    &key_file.display().to_string(),
                    reason,
                )
            })?;
            Ok(Some(TlsSettings {
                cert_file,
                key_file,
            }))
        }
        (Some(cert), None) => Err(invalid(
            "TRELLIS_TLS_KEY_FILE",
            "",
            format!(
                "a certificate is set ({}) but no key; set both or neither",
                cert.display()
            ),
        )),
        (None, Some(key)) => Err(invalid(
            "TRELLIS_TLS_CERT_FILE",
            "",
            format!(
                "a key is set ({}) but no certificate; set both or neither",
                key.display()
            ),
        )),
    }
}

/// A peer as `host[:port]`, lower-case, without scheme or path.
pub fn parse_authority(text: &str) -> Result<String, String> {
    let text = text.trim().to_ascii_lowercase();
    let url = url::Url::parse(&format!("https://{text}/"))
        .map_err(|e| format!("expected host[:port] ({e})"))?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or("expected host[:port]")?;
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    if authority != text {
        return Err("expected host[:port] only (no scheme, user, path or default port)".into());
    }
    Ok(authority)
}

/// Checks that a file can be read and holds a PEM block whose label contains `label`.
fn check_pem_file(path: &std::path::Path, label: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let found = text
        .lines()
        .any(|line| line.starts_with("-----BEGIN ") && line.contains(label));
    if found {
        Ok(())
    } else {
        Err(format!("no PEM {label} block in it"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_env as env;

    #[test]
    fn peers_are_authorities() {
        let settings = federation_settings(
            FileFederation::default(),
            &env(&[
                ("TRELLIS_FEDERATION_MODE", "allowlist"),
                (
                    "TRELLIS_FEDERATION_PEERS",
                    "Beta.Corp.example, gamma.corp.example:8443,,beta.corp.example",
                ),
            ]),
        )
        .expect("valid");
        assert!(settings.is_closed());
        assert_eq!(
            settings.peers,
            vec!["beta.corp.example", "gamma.corp.example:8443"]
        );
    }

    #[test]
    fn bad_values_name_their_key() {
        for (key, value) in [
            ("TRELLIS_FEDERATION_MODE", "closed"),
            ("TRELLIS_FEDERATION_PEERS", "https://beta.example/"),
            ("TRELLIS_FEDERATION_PEERS", "beta.example/x"),
            ("TRELLIS_CA_FILE", "/nonexistent/ca.pem"),
            ("TRELLIS_DIRECTORY_REFRESH_SECS", "0"),
        ] {
            let error = federation_settings(FileFederation::default(), &env(&[(key, value)]))
                .expect_err(value)
                .to_string();
            assert!(error.contains(key), "{error}");
        }
    }

    #[test]
    fn tls_needs_both_files() {
        let error = tls_settings(
            FileTls::default(),
            &env(&[("TRELLIS_TLS_CERT_FILE", "/nonexistent/cert.pem")]),
        )
        .expect_err("half set")
        .to_string();
        assert!(error.contains("TRELLIS_TLS_KEY_FILE"), "{error}");
        assert!(
            tls_settings(FileTls::default(), &env(&[]))
                .expect("unset")
                .is_none()
        );
    }
}
