//! Signing of outgoing requests (deliveries and signed fetches), Mastodon style.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{ACCEPT, CONTENT_TYPE, DATE, HOST};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use rsa::Pkcs1v15Sign;
use sha2::{Digest, Sha256};

use super::digest::digest_header_value;
use super::error::SignatureError;
use super::header::SignatureHeader;
use super::keys::SigningKey;
use super::signing_string::signing_string;

/// What [`sign_post`] signs: exactly Mastodon's set for deliveries.
pub const POST_SIGNED_HEADERS: [&str; 5] =
    ["(request-target)", "host", "date", "digest", "content-type"];

/// What [`sign_get`] signs: Mastodon's set for authorized fetch.
pub const GET_SIGNED_HEADERS: [&str; 4] = ["(request-target)", "host", "date", "accept"];

/// The `algorithm` parameter we send. Every peer understands it; `hs2019` confuses some.
const ALGORITHM: &str = "rsa-sha256";

/// The `Digest` header name (not among `http::header`'s constants).
const DIGEST: HeaderName = HeaderName::from_static("digest");

/// The `Signature` header name.
const SIGNATURE: HeaderName = HeaderName::from_static("signature");

/// Headers for an outgoing POST of `body` to `url`: Host, Date, Digest (SHA-256) and Signature
/// over "(request-target) host date digest content-type" (this set is what Mastodon signs).
///
/// The caller must send `Content-Type: {content_type}` itself, byte for byte, exactly once, and
/// must send `body` unchanged. Content-Type is not returned so that it cannot end up duplicated
/// (two values would be joined as `"a, b"` by the receiver and break the signature).
pub fn sign_post(
    key: &SigningKey,
    url: &url::Url,
    body: &[u8],
    content_type: &str,
    now: SystemTime,
) -> Result<Vec<(HeaderName, HeaderValue)>, SignatureError> {
    let mut out = host_and_date(url, now)?;
    out.push((DIGEST, header_value(&digest_header_value(body))?));
    let caller_sent = (CONTENT_TYPE, header_value(content_type)?);
    finish(
        key,
        &Method::POST,
        url,
        out,
        caller_sent,
        &POST_SIGNED_HEADERS,
    )
}

/// Headers for an outgoing signed GET: Host, Date and Signature over "(request-target) host date accept".
///
/// The caller must send `Accept: {accept}` itself, byte for byte, exactly once.
pub fn sign_get(
    key: &SigningKey,
    url: &url::Url,
    accept: &str,
    now: SystemTime,
) -> Result<Vec<(HeaderName, HeaderValue)>, SignatureError> {
    let out = host_and_date(url, now)?;
    let caller_sent = (ACCEPT, header_value(accept)?);
    finish(
        key,
        &Method::GET,
        url,
        out,
        caller_sent,
        &GET_SIGNED_HEADERS,
    )
}

/// The `Signature` header value over an arbitrary list of `signed` names (lower-case header names
/// or pseudo-headers `(request-target)`), taking values from `headers`. Algorithm `rsa-sha256`,
/// no `created`/`expires`. Building block of [`sign_post`] / [`sign_get`]; use those for
/// ordinary requests.
pub fn sign_headers(
    key: &SigningKey,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    signed: &[&str],
) -> Result<HeaderValue, SignatureError> {
    let names: Vec<String> = signed.iter().map(|n| n.to_ascii_lowercase()).collect();
    let string = signing_string(&names, method, path_and_query, headers, None, None)?;
    let signature = key
        .rsa()
        .sign_with_rng(
            &mut rand::thread_rng(),
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(&string),
        )
        .map_err(|e| SignatureError::Signing(e.to_string()))?;
    let header = SignatureHeader {
        key_id: key.key_id().to_owned(),
        algorithm: Some(ALGORITHM.to_owned()),
        headers: names,
        signature,
        created: None,
        expires: None,
    };
    header_value(&header.to_header_value())
}

/// The request target of `url` as it goes on the wire: path plus `?query` when there is one.
pub fn path_and_query(url: &url::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{}", url.path(), query),
        None => url.path().to_owned(),
    }
}

/// The `Host` header for `url`: host, plus `:port` unless it is the scheme's default.
pub(crate) fn host_header(url: &url::Url) -> Result<String, SignatureError> {
    let host = url
        .host_str()
        .ok_or_else(|| SignatureError::Signing(format!("{url} has no host")))?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

fn host_and_date(
    url: &url::Url,
    now: SystemTime,
) -> Result<Vec<(HeaderName, HeaderValue)>, SignatureError> {
    Ok(vec![
        (HOST, header_value(&host_header(url)?)?),
        (DATE, header_value(&http_date(now)?)?),
    ])
}

/// `now` as an IMF-fixdate. Rejects times `httpdate` would panic on (before 1970, after 9999).
fn http_date(now: SystemTime) -> Result<String, SignatureError> {
    const LAST_SECOND_OF_9999: Duration = Duration::from_secs(253_402_300_799);
    match now.duration_since(UNIX_EPOCH) {
        Ok(since_epoch) if since_epoch <= LAST_SECOND_OF_9999 => Ok(httpdate::fmt_http_date(now)),
        _ => Err(SignatureError::Signing(
            "clock is outside 1970..=9999".into(),
        )),
    }
}

fn header_value(text: &str) -> Result<HeaderValue, SignatureError> {
    HeaderValue::from_str(text)
        .map_err(|_| SignatureError::Signing(format!("{text:?} is not a valid header value")))
}

/// Signs `out` plus the header the caller sends itself, and appends the Signature header.
fn finish(
    key: &SigningKey,
    method: &Method,
    url: &url::Url,
    mut out: Vec<(HeaderName, HeaderValue)>,
    caller_sent: (HeaderName, HeaderValue),
    signed: &[&str],
) -> Result<Vec<(HeaderName, HeaderValue)>, SignatureError> {
    let mut headers = HeaderMap::new();
    for (name, value) in out.iter().chain(std::iter::once(&caller_sent)) {
        headers.append(name.clone(), value.clone());
    }
    let signature = sign_headers(key, method, &path_and_query(url), &headers, signed)?;
    out.push((SIGNATURE, signature));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::alice_key;
    use super::*;

    #[test]
    fn post_headers_have_mastodon_shape() {
        let url = url::Url::parse("https://remote.example/users/bob/inbox?x=1").expect("url");
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let out =
            sign_post(alice_key(), &url, b"{}", "application/activity+json", now).expect("sign");
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["host", "date", "digest", "signature"]);
        assert_eq!(out[0].1, "remote.example");
        assert_eq!(out[1].1, "Tue, 14 Nov 2023 22:13:20 GMT");
        assert_eq!(
            out[2].1,
            "SHA-256=RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="
        );
        let signature = out[3].1.to_str().expect("ascii");
        assert!(signature.starts_with(
            "keyId=\"https://trellis.example/users/alice#main-key\",algorithm=\"rsa-sha256\",\
             headers=\"(request-target) host date digest content-type\",signature=\""
        ));
    }

    #[test]
    fn host_keeps_non_default_ports_only() {
        let host = |u: &str| host_header(&url::Url::parse(u).expect("url")).expect("host");
        assert_eq!(host("https://a.example:443/x"), "a.example");
        assert_eq!(host("http://a.example:80/x"), "a.example");
        assert_eq!(host("http://localhost:8080/x"), "localhost:8080");
        assert_eq!(host("https://[::1]:8443/x"), "[::1]:8443");
    }

    #[test]
    fn unsignable_inputs_are_errors() {
        let url = url::Url::parse("https://a.example/inbox").expect("url");
        let now = SystemTime::now();
        assert!(matches!(
            sign_post(alice_key(), &url, b"", "bad\nvalue", now),
            Err(SignatureError::Signing(_))
        ));
        assert!(matches!(
            sign_get(alice_key(), &url, "x", UNIX_EPOCH - Duration::from_secs(1)),
            Err(SignatureError::Signing(_))
        ));
        let no_host = url::Url::parse("mailto:a@b.example").expect("url");
        assert!(matches!(
            sign_get(alice_key(), &no_host, "x", now),
            Err(SignatureError::Signing(_))
        ));
    }
}
