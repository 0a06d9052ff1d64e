//! Serving https directly (`TRELLIS_TLS_CERT_FILE`, `TRELLIS_TLS_KEY_FILE`): the certificate
//! chain and private key are read once, at start-up, into a rustls server configuration.
//!
//! - The crypto provider is aws-lc-rs, the one reqwest's rustls already uses for outgoing https,
//!   named explicitly so the process never depends on a default provider being installed.
//! - TLS 1.2 and 1.3, no client certificates, ALPN `http/1.1` only (the server speaks
//!   HTTP/1.1 with upgrades; see [`crate::server`]).
//! - A file that cannot be read, holds no certificate or key, or a key that does not belong to
//!   the certificate is a [`TlsError`] that names the file. The certificate is not reloaded
//!   while the instance runs: restart it after renewing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

use trellis_config::federation::TlsSettings;

/// Why https cannot be served with the configured files.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate file cannot be read or holds no usable certificate.
    #[error("the TLS certificate file {path}: {reason}")]
    Certificate {
        /// `TRELLIS_TLS_CERT_FILE`.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The key file cannot be read or holds no usable private key.
    #[error("the TLS key file {path}: {reason}")]
    Key {
        /// `TRELLIS_TLS_KEY_FILE`.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Both files were read, but they do not make a usable pair.
    #[error("the TLS key file {key} does not fit the certificate file {certificate}: {reason}")]
    Pair {
        /// `TRELLIS_TLS_CERT_FILE`.
        certificate: PathBuf,
        /// `TRELLIS_TLS_KEY_FILE`.
        key: PathBuf,
        /// Why.
        reason: String,
    },
}

/// The ALPN protocol the server offers.
const HTTP_1_1: &[u8] = b"http/1.1";

/// Reads the certificate chain and key of `settings` into an acceptor for incoming
/// connections.
pub fn acceptor(settings: &TlsSettings) -> Result<TlsAcceptor, TlsError> {
    let chain = certificates(&settings.cert_file)?;
    let key = private_key(&settings.key_file)?;
    let pair_error = |reason: String| TlsError::Pair {
        certificate: settings.cert_file.clone(),
        key: settings.key_file.clone(),
        reason,
    };
    let mut config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| pair_error(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| pair_error(e.to_string()))?;
    config.alpn_protocols = vec![HTTP_1_1.to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Every certificate of a PEM file, leaf first.
fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let error = |reason: String| TlsError::Certificate {
        path: path.to_path_buf(),
        reason,
    };
    let chain = CertificateDer::pem_file_iter(path)
        .map_err(|e| error(pem_reason(e)))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| error(pem_reason(e)))?;
    if chain.is_empty() {
        return Err(error("it holds no PEM CERTIFICATE".into()));
    }
    Ok(chain)
}

/// The first private key (PKCS#8, PKCS#1 or SEC1) of a PEM file.
fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| TlsError::Key {
        path: path.to_path_buf(),
        reason: pem_reason(e),
    })
}

fn pem_reason(error: tokio_rustls::rustls::pki_types::pem::Error) -> String {
    use tokio_rustls::rustls::pki_types::pem::Error;
    match error {
        Error::Io(e) => format!("cannot read it: {e}"),
        Error::NoItemsFound => "it holds no PEM block of the expected kind".into(),
        other => format!("it is not valid PEM: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path, cert: &str, key: &str) -> TlsSettings {
        let cert_file = dir.join("cert.pem");
        let key_file = dir.join("key.pem");
        std::fs::write(&cert_file, cert).unwrap();
        std::fs::write(&key_file, key).unwrap();
        TlsSettings {
            cert_file,
            key_file,
        }
    }

    fn temp_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "trellis-tls-test-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_missing_certificate_file_is_named() {
        let missing = TlsSettings {
            cert_file: PathBuf::from("/nonexistent/trellis/cert.pem"),
            key_file: PathBuf::from("/nonexistent/trellis/key.pem"),
        };
        let error = acceptor(&missing).err().expect("refused").to_string();
        assert!(error.contains("/nonexistent/trellis/cert.pem"), "{error}");
        assert!(error.contains("cannot read it"), "{error}");
    }

    #[test]
    fn a_certificate_that_is_not_pem_is_named() {
        let dir = temp_dir();
        let bad = settings(
            &dir,
            "-----BEGIN CERTIFICATE-----\n!!! not base64 !!!\n-----END CERTIFICATE-----\n",
            "",
        );
        let error = acceptor(&bad).err().expect("refused");
        assert!(matches!(error, TlsError::Certificate { .. }), "{error}");
        assert!(error.to_string().contains("cert.pem"), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_key_file_without_a_key_is_named() {
        let dir = temp_dir();
        // A syntactically valid PEM certificate block (its contents are not checked before
        // the key is read).
        let bad = settings(
            &dir,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        );
        let error = acceptor(&bad).err().expect("refused");
        assert!(matches!(error, TlsError::Key { .. }), "{error}");
        assert!(error.to_string().contains("key.pem"), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
