//! Serving https directly (`TRELLIS_TLS_CERT_FILE`, `TRELLIS_TLS_KEY_FILE`): clients that trust
//! the organisation's CA are served, others fail the handshake; ALPN is `http/1.1`; a stalled
//! handshake is cut off without holding up anyone else; WebSockets work over `wss`; an
//! unusable certificate or key stops start-up with the file named.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{INTERNAL_TOKEN, TestInstance};
use futures::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const WAIT: Duration = Duration::from_secs(15);

/// A rustls client that trusts the test CA and offers `alpn`.
fn connector(alpn: &[&[u8]]) -> TlsConnector {
    let pki = federation_tests::test_pki();
    let mut roots = RootCertStore::empty();
    for cert in tokio_rustls::rustls::pki_types::CertificateDer::pem_file_iter(&pki.ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    TlsConnector::from(Arc::new(config))
}

fn addr(t: &TestInstance) -> std::net::SocketAddr {
    t.running.as_ref().unwrap().addr
}

/// Whether the server closes `stream` within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test]
async fn clients_that_trust_the_ca_are_served_https_and_others_fail_the_handshake() {
    let t = TestInstance::start_tls(&[]).await;
    assert!(t.base.starts_with("https://localhost:"), "{}", t.base);

    let response = t.get("/health", "application/json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    // The instance names itself with https URLs (no TRELLIS_ALLOW_HTTP).
    let instance: Value = t
        .get("/api/v2/instance", "application/json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(instance["domain"], t.domain.as_str(), "{instance}");
    let nodeinfo: Value = t
        .get("/.well-known/nodeinfo", "application/json")
        .await
        .json()
        .await
        .unwrap();
    let href = nodeinfo["links"][0]["href"].as_str().unwrap();
    assert!(href.starts_with(&format!("{}/", t.base)), "{href}");

    // A client with only the system's roots does not trust the organisation's CA.
    let stranger = reqwest::Client::builder().build().unwrap();
    let error = stranger
        .get(format!("{}/health", t.base))
        .send()
        .await
        .expect_err("a client that does not trust the CA is not served");
    let mut chain = format!("{error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        chain.push_str(&format!(" / {cause}"));
        source = cause.source();
    }
    assert!(error.is_connect(), "{chain}");
    assert!(chain.to_lowercase().contains("certificate"), "{chain}");

    // Plain HTTP on the https port gets no HTTP answer.
    let mut plain = TcpStream::connect(addr(&t)).await.unwrap();
    plain
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(WAIT, plain.read_to_end(&mut answer)).await;
    assert!(
        !String::from_utf8_lossy(&answer).contains("200 OK"),
        "plain HTTP was served on the https port"
    );

    // The server still serves trusting clients after the failed handshakes.
    assert_eq!(t.get("/health", "application/json").await.status(), 200);
    t.stop().await;
}

#[tokio::test]
async fn alpn_is_http_1_1_and_a_handshake_offering_only_h2_is_refused() {
    let t = TestInstance::start_tls(&[]).await;
    let localhost = ServerName::try_from("localhost").unwrap();

    let tcp = TcpStream::connect(addr(&t)).await.unwrap();
    let mut tls = connector(&[b"h2", b"http/1.1"])
        .connect(localhost.clone(), tcp)
        .await
        .expect("handshake with the test CA");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    tls.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, tls.read_to_end(&mut answer))
        .await
        .expect("an answer in time")
        .ok();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // A client that speaks nothing but HTTP/2 gets no protocol it asked for.
    let tcp = TcpStream::connect(addr(&t)).await.unwrap();
    let refused = connector(&[b"h2"]).connect(localhost, tcp).await;
    assert!(refused.is_err(), "a handshake for h2 only succeeded");
    t.stop().await;
}

#[tokio::test]
async fn a_stalled_handshake_is_cut_off_and_holds_up_no_one_else() {
    let t = TestInstance::start_tls(&[
        ("TRELLIS_HEADER_READ_TIMEOUT_SECS", "1"),
        ("TRELLIS_MAX_CONNECTIONS", "8"),
    ])
    .await;
    // Connections that never send a ClientHello, or only half of one.
    let mut silent = TcpStream::connect(addr(&t)).await.unwrap();
    let mut half = TcpStream::connect(addr(&t)).await.unwrap();
    half.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .await
        .unwrap();
    let started = Instant::now();

    // Meanwhile a client that completes its handshake is served at once.
    let served = Instant::now();
    assert_eq!(t.get("/health", "application/json").await.status(), 200);
    assert!(
        served.elapsed() < Duration::from_millis(900),
        "a stalled handshake held up the accept loop: {:?}",
        served.elapsed()
    );

    // The stalled ones are closed after the header-read timeout.
    assert!(closed_within(&mut silent, Duration::from_secs(5)).await);
    assert!(closed_within(&mut half, Duration::from_secs(5)).await);
    assert!(started.elapsed() >= Duration::from_millis(800));
    t.stop().await;
}

#[tokio::test]
async fn a_websocket_streams_over_wss() {
    let t = TestInstance::start_tls(&[("TRELLIS_INTERNAL_API_TOKEN", INTERNAL_TOKEN)]).await;
    t.create_user("alice", |_| {}).await;
    let token = t.token("alice", "read").await;

    // The instance advertises wss for its streaming API.
    let instance: Value = t
        .get("/api/v1/instance", "application/json")
        .await
        .json()
        .await
        .unwrap();
    let streaming = instance["urls"]["streaming_api"].as_str().unwrap();
    assert_eq!(streaming, format!("wss://{}", t.domain), "{instance}");

    let tcp = TcpStream::connect(addr(&t)).await.unwrap();
    let tls = connector(&[b"http/1.1"])
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("handshake");
    let mut request = format!("wss://{}/api/v1/streaming?stream=user", t.domain)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Authorization", format!("Bearer {token}").parse().unwrap());
    let (mut socket, response) = tokio_tungstenite::client_async(request, tls)
        .await
        .expect("WebSocket handshake over TLS");
    assert_eq!(response.status(), 101);

    let post = t.post_as("alice", "streamed over wss", "public").await;
    let message = tokio::time::timeout(WAIT, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    return serde_json::from_str::<Value>(&text).unwrap();
                }
                Some(Ok(_)) => continue,
                other => panic!("socket ended: {other:?}"),
            }
        }
    })
    .await
    .expect("an update within the time limit");
    assert_eq!(message["event"], "update", "{message}");
    let status: Value = serde_json::from_str(message["payload"].as_str().unwrap()).unwrap();
    assert_eq!(status["id"], post["id"]);
    drop(socket);
    t.stop().await;
}

#[tokio::test]
async fn a_key_that_does_not_fit_the_certificate_stops_start_up_before_the_database() {
    let pki = federation_tests::test_pki();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("never.db");
    let env: std::collections::HashMap<String, String> = [
        ("TRELLIS_DOMAIN", format!("localhost:{port}")),
        (
            "TRELLIS_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        ),
        ("TRELLIS_TEST_KEY_POOL", federation_tests::KEY_POOL.into()),
        (
            "TRELLIS_TLS_CERT_FILE",
            pki.cert_chain.display().to_string(),
        ),
        ("TRELLIS_TLS_KEY_FILE", pki.ca_key.display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = trellis::config::Config::from_sources(None, &env).expect("valid config");
    let error = trellis::app::start_on(listener, config)
        .await
        .err()
        .expect("start-up fails")
        .to_string();
    assert!(error.contains("cannot serve https"), "{error}");
    assert!(error.contains(&pki.ca_key.display().to_string()), "{error}");
    assert!(
        error.contains(&pki.cert_chain.display().to_string()),
        "{error}"
    );
    assert!(!database.exists(), "the database was created");
}

#[test]
fn serve_with_an_unreadable_certificate_exits_non_zero_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("broken-chain.pem");
    // The PEM label is there, so the configuration check passes; the contents are not a
    // certificate.
    std::fs::write(
        &cert,
        "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let database = dir.path().join("never.db");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_trellis"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "TRELLIS_DATABASE_URL",
            format!("sqlite://{}", database.display()),
        )
        .env("TRELLIS_DOMAIN", "localhost:1")
        .env("TRELLIS_LISTEN", "127.0.0.1:0")
        .env("TRELLIS_TEST_KEY_POOL", federation_tests::KEY_POOL)
        .env("TRELLIS_TLS_CERT_FILE", &cert)
        .env("TRELLIS_TLS_KEY_FILE", &federation_tests::test_pki().key)
        .env("RUST_LOG", "warn")
        .output()
        .expect("trellis runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken-chain.pem"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!database.exists(), "the database was created");
}
