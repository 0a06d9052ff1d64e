//! A test certificate authority, as an organisation's own CA would be: made once per test
//! process, with one leaf certificate for `localhost` and `127.0.0.1` that every https test
//! instance serves. Instances trust it through `TRELLIS_CA_FILE`, test clients through
//! [`TestPki::client`], Python through `REQUESTS_CA_BUNDLE` and Node through
//! `NODE_EXTRA_CA_CERTS` ([`TestPki::ca_env`]).
//!
//! The files live in `TMPDIR/trellis-test-pki-PID` for the life of the process. A static is
//! never dropped, so each new process removes the folders of processes that are gone.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// Prefix of the per-process folders.
const FOLDER_PREFIX: &str = "trellis-test-pki-";

/// The test CA and the certificate test instances serve.
#[derive(Debug)]
pub struct TestPki {
    /// The CA certificate (PEM): what clients and instances trust.
    pub ca: PathBuf,
    /// The CA's private key (PEM): a well-formed key that does not fit the leaf.
    pub ca_key: PathBuf,
    /// The leaf certificate followed by the CA certificate (PEM).
    pub cert_chain: PathBuf,
    /// The leaf's private key (PKCS#8 PEM).
    pub key: PathBuf,
    ca_pem: String,
}

/// The process's test CA, made on first use.
pub fn test_pki() -> &'static TestPki {
    static PKI: OnceLock<TestPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("{FOLDER_PREFIX}{}", std::process::id()));
        remove_folders_of_ended_processes(&dir);
        std::fs::create_dir_all(&dir).expect("the test PKI folder");
        TestPki::create(&dir)
    })
}

impl TestPki {
    fn create(dir: &Path) -> Self {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "Trellis test CA");
        ca_params
            .distinguished_name
            .push(DnType::OrganizationName, "Trellis tests");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate().expect("a CA key");
        let ca_cert = ca_params.self_signed(&ca_key).expect("the CA certificate");
        let ca_key_pem = ca_key.serialize_pem();
        let issuer = Issuer::new(ca_params, ca_key);

        let mut leaf_params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
                .expect("leaf parameters");
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf_params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_key = KeyPair::generate().expect("a leaf key");
        let leaf_cert = leaf_params
            .signed_by(&leaf_key, &issuer)
            .expect("the leaf certificate");

        let ca_pem = ca_cert.pem();
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            path
        };
        Self {
            ca: write("ca.pem", &ca_pem),
            ca_key: write("ca.key.pem", &ca_key_pem),
            cert_chain: write("chain.pem", &format!("{}{ca_pem}", leaf_cert.pem())),
            key: write("key.pem", &leaf_key.serialize_pem()),
            ca_pem,
        }
    }

    /// The CA as a certificate reqwest can trust.
    pub fn ca_certificate(&self) -> reqwest::Certificate {
        reqwest::Certificate::from_pem(self.ca_pem.as_bytes()).expect("the test CA is PEM")
    }

    /// A client that trusts the test CA and nothing else, follows no redirects and gives up
    /// after 30 s.
    pub fn client(&self) -> reqwest::Client {
        self.client_builder().build().expect("client")
    }

    /// [`TestPki::client`]'s builder, for more settings.
    pub fn client_builder(&self) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .tls_certs_only([self.ca_certificate()])
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
    }

    /// The settings that make an instance serve https with the test certificate and trust the
    /// test CA for outgoing https.
    pub fn instance_settings(&self) -> Vec<(String, String)> {
        let path = |p: &Path| p.display().to_string();
        vec![
            ("TRELLIS_TLS_CERT_FILE".into(), path(&self.cert_chain)),
            ("TRELLIS_TLS_KEY_FILE".into(), path(&self.key)),
            ("TRELLIS_CA_FILE".into(), path(&self.ca)),
        ]
    }

    /// Environment variables that make Python's requests and Node trust the test CA.
    pub fn ca_env(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("REQUESTS_CA_BUNDLE", self.ca.clone()),
            ("SSL_CERT_FILE", self.ca.clone()),
            ("NODE_EXTRA_CA_CERTS", self.ca.clone()),
        ]
    }
}

/// Removes `trellis-test-pki-PID` folders beside `own` whose process has ended (on systems
/// with `/proc`; elsewhere they stay).
fn remove_folders_of_ended_processes(own: &Path) {
    let (Some(parent), true) = (own.parent(), Path::new("/proc/self").exists()) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(FOLDER_PREFIX))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
