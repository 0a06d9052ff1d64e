//! Cross-checks against `activitypub_federation` 0.7.0-beta.14 (the library Lemmy signs with):
//! requests the crate signs must pass [`verify_request`] and [`verify_digest`].
//!
//! What the crate sends (see `http_signatures::sign_request` in the crate, which drives
//! `http-signature-normalization` 0.7):
//! - keyId `"{actor id}#main-key"`, `algorithm="hs2019"`;
//! - it signs `(request-target)` plus *every header already on the request*, lower-cased and in
//!   alphabetical order, plus `digest` (SHA-256, added even to GETs, over the empty body);
//! - default mode also signs `(created) (expires)` (expires = created + 1 hour, both sent quoted:
//!   `created="..."`) and adds neither Host nor Date by itself;
//! - `http_signature_compat(true)` (what Lemmy configures) drops `(created)/(expires)` and adds
//!   `date` and `host` to the signed set.

use std::time::SystemTime;

use activitypub_federation::config::{Data, FederationConfig};
use activitypub_federation::error::Error as FederationError;
use activitypub_federation::traits::{Actor, Object};
use http::{HeaderMap, HeaderValue, Method};
use url::Url;

use super::sign::host_header;
use super::test_support::{AP_JSON, alice};
use super::{OwnHost, SignatureError, parse_signature_header, verify_digest, verify_request};

const ACTOR_ID: &str = "https://lemmy.example/u/alice";
const INBOX: &str = "http://localhost:8080/u/bob/inbox";
const NOTE: &str = "http://localhost:8080/post/1?x=y";

/// The least an actor must implement to be the crate's `signed_fetch_actor`.
#[derive(Debug)]
struct SigningActor {
    id: Url,
}

#[async_trait::async_trait]
impl Object for SigningActor {
    type DataType = ();
    type Kind = ();
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(_id: Url, _data: &Data<()>) -> Result<Option<Self>, FederationError> {
        Ok(None)
    }

    async fn into_json(self, _data: &Data<()>) -> Result<(), FederationError> {
        Ok(())
    }

    async fn verify(_json: &(), _domain: &Url, _data: &Data<()>) -> Result<(), FederationError> {
        Ok(())
    }

    async fn from_json(_json: (), _data: &Data<()>) -> Result<Self, FederationError> {
        Err(FederationError::NotFound)
    }
}

impl Actor for SigningActor {
    fn public_key_pem(&self) -> &str {
        &alice().public_key
    }

    fn private_key_pem(&self) -> Option<String> {
        Some(alice().private_key.clone())
    }

    fn inbox(&self) -> Url {
        self.id.clone()
    }
}

/// Converts `value` into the type `sink` takes, letting the compiler infer that type. This yields
/// the crate's `reqwest_middleware::ClientWithMiddleware` without depending on reqwest-middleware.
fn converted_for<A, R>(_sink: impl FnOnce(A) -> R, value: impl Into<A>) -> A {
    value.into()
}

/// Has the crate sign a request (via `Data::sign_request`, the public path to its signer) and
/// returns it as our server would see it: method, request target and headers, with `Host`
/// filled in from the URL as the HTTP client does when sending.
async fn crate_signed(
    compat: bool,
    method: Method,
    url: &str,
    extra_headers: &[(&'static str, String)],
    body: &[u8],
) -> (Method, String, HeaderMap) {
    let data = FederationConfig::builder()
        .domain("localhost:8080")
        .app_data(())
        .debug(true)
        .http_signature_compat(compat)
        .signed_fetch_actor(&SigningActor {
            id: Url::parse(ACTOR_ID).expect("actor id"),
        })
        .build()
        .await
        .expect("federation config")
        .to_request_data();
    let client = converted_for(
        |client| {
            FederationConfig::<()>::builder().client(client);
        },
        reqwest::Client::new(),
    );
    let mut builder = client.request(method, url);
    for (name, value) in extra_headers {
        builder = builder.header(*name, value.as_str());
    }
    let request = data
        .sign_request(builder, body.to_vec().into())
        .await
        .expect("crate signs");

    let mut headers = request.headers().clone();
    if !headers.contains_key("host") {
        let host = host_header(request.url()).expect("host");
        headers.insert("host", HeaderValue::from_str(&host).expect("host value"));
    }
    let target = super::path_and_query(request.url());
    (request.method().clone(), target, headers)
}

/// What `activity_sending::generate_request_headers` (pub(crate)) puts on every delivery.
fn delivery_headers(url: &str) -> Vec<(&'static str, String)> {
    let url = Url::parse(url).expect("url");
    vec![
        ("content-type", AP_JSON.to_owned()),
        ("host", host_header(&url).expect("host")),
        ("date", httpdate::fmt_http_date(SystemTime::now())),
    ]
}

fn verify(method: &Method, target: &str, headers: &HeaderMap) -> Result<(), SignatureError> {
    let sig = parse_signature_header(headers)?;
    assert_eq!(sig.key_id, format!("{ACTOR_ID}#main-key"));
    assert_eq!(sig.algorithm.as_deref(), Some("hs2019"));
    verify_request(
        &sig,
        method,
        target,
        headers,
        &OwnHost::new(&Url::parse(INBOX).expect("url")),
        &alice().public_key,
        SystemTime::now(),
    )
}

fn signed_list(headers: &HeaderMap) -> Vec<String> {
    parse_signature_header(headers).expect("parse").headers
}

#[tokio::test]
async fn crate_compat_mode_delivery_verifies() {
    let body = br#"{"type":"Create"}"#;
    let (method, target, headers) =
        crate_signed(true, Method::POST, INBOX, &delivery_headers(INBOX), body).await;
    assert_eq!(
        signed_list(&headers),
        ["(request-target)", "content-type", "date", "digest", "host"]
    );
    verify(&method, &target, &headers).expect("signature");
    verify_digest(&headers, body).expect("digest");
    assert!(matches!(
        verify_digest(&headers, b"{}"),
        Err(SignatureError::DigestMismatch)
    ));
}

#[tokio::test]
async fn crate_default_mode_delivery_with_created_and_expires_verifies() {
    let body = br#"{"type":"Announce"}"#;
    let (method, target, headers) =
        crate_signed(false, Method::POST, INBOX, &delivery_headers(INBOX), body).await;
    assert_eq!(
        signed_list(&headers),
        [
            "(request-target)",
            "(created)",
            "(expires)",
            "content-type",
            "date",
            "digest",
            "host"
        ]
    );
    let sig = parse_signature_header(&headers).expect("parse");
    let (created, expires) = (sig.created.expect("created"), sig.expires.expect("expires"));
    assert_eq!(expires - created, 3600);
    verify(&method, &target, &headers).expect("signature");
    verify_digest(&headers, body).expect("digest");
}

#[tokio::test]
async fn crate_compat_mode_signed_fetch_verifies() {
    let accept = vec![("accept", AP_JSON.to_owned())];
    let (method, target, headers) = crate_signed(true, Method::GET, NOTE, &accept, b"").await;
    assert_eq!(target, "/post/1?x=y");
    assert_eq!(
        signed_list(&headers),
        ["(request-target)", "accept", "date", "digest", "host"]
    );
    verify(&method, &target, &headers).expect("signature");
}

/// In default mode the crate's signed fetch covers no Host (nor Date), so we reject it. Lemmy
/// runs in compat mode, which is accepted above.
#[tokio::test]
async fn crate_default_mode_signed_fetch_lacks_host_and_is_rejected() {
    let accept = vec![("accept", AP_JSON.to_owned())];
    let (method, target, headers) = crate_signed(false, Method::GET, NOTE, &accept, b"").await;
    assert_eq!(
        signed_list(&headers),
        [
            "(request-target)",
            "(created)",
            "(expires)",
            "accept",
            "digest"
        ]
    );
    assert!(matches!(
        verify(&method, &target, &headers),
        Err(SignatureError::HeaderNotSigned(h)) if h == "host"
    ));
}
