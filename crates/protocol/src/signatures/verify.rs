//! Verification of incoming signed requests (inbox POSTs and authorized-fetch GETs).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{DATE, HOST};
use http::{HeaderMap, Method};
use rsa::Pkcs1v15Sign;
use sha2::{Digest, Sha256};
use url::Url;

use super::error::SignatureError;
use super::header::SignatureHeader;
use super::keys::parse_public_key;
use super::signing_string::signing_string;

/// How far into the future a signed `Date` or `created` may be: tolerated clock skew.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// How old a signed `Date` or `created` may be. Mastodon allows 12 hours; we allow one hour,
/// which covers queued deliveries (peers re-sign every retry) while narrowing replay. The same
/// [`MAX_CLOCK_SKEW`] also extends a passed `expires`.
pub const MAX_SIGNATURE_AGE: Duration = Duration::from_secs(60 * 60);

/// This server's authority, which the signed `host` of a request must name: a request signed
/// for another server (another host name, or another port on the same host) is not ours to
/// accept, even when its signature is genuine.
#[derive(Clone, Debug)]
pub struct OwnHost {
    /// `scheme://host[:port]/` of this server.
    base: Url,
}

impl OwnHost {
    /// The authority of `base` (its scheme, host and port; the path is ignored).
    pub fn new(base: &Url) -> Self {
        let mut base = base.clone();
        base.set_path("/");
        base.set_query(None);
        base.set_fragment(None);
        Self { base }
    }

    /// True when `value` (a `Host` header) names this server: the same host name, in any
    /// case, and the same port, where a missing port is the scheme's default.
    pub fn matches(&self, value: &str) -> bool {
        let value = value.trim();
        if value.is_empty() || value.contains(['/', '\\', '@', '?', '#', ' ', '%']) {
            return false;
        }
        let Ok(url) = Url::parse(&format!("{}://{value}/", self.base.scheme())) else {
            return false;
        };
        url.host_str().is_some()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }
}

/// Everything about a signature that can be checked without its key: the algorithm, the signed
/// headers, the `Date` / `created` / `expires` window and the signed `host`. Run it before
/// fetching the key a request names; [`verify_request`] runs it again.
///
/// Rules:
/// - `algorithm` absent, `rsa-sha256` or `hs2019` (any case); anything else is
///   [`SignatureError::UnsupportedAlgorithm`];
/// - the signed headers must include `(request-target)`, `host`, and `date` or `(created)`; for
///   POST also `digest` ([`SignatureError::HeaderNotSigned`]). The caller still has to check the
///   body with [`super::verify_digest`];
/// - a signed `Date` and any `created` must lie within [`MAX_SIGNATURE_AGE`] before and
///   [`MAX_CLOCK_SKEW`] after `now`; `expires` must not be more than [`MAX_CLOCK_SKEW`] before
///   `now` ([`SignatureError::Expired`]);
/// - the request has exactly one `Host` header and it names `own_host`
///   ([`SignatureError::WrongHost`]). Behind HTTP/2 or a proxy the caller must put the request
///   authority into `Host` first.
pub fn check_request(
    sig: &SignatureHeader,
    method: &Method,
    headers: &HeaderMap,
    own_host: &OwnHost,
    now: SystemTime,
) -> Result<(), SignatureError> {
    check_algorithm(sig.algorithm.as_deref())?;
    check_coverage(sig, method)?;
    check_times(sig, headers, now)?;
    check_host(headers, own_host)
}

/// Verifies a parsed signature over the request. `path_and_query` is the request target as
/// received.
///
/// Everything [`check_request`] checks, and then:
/// - every signed header must be present in `headers` ([`SignatureError::MissingSignedHeader`]);
/// - `public_key_pem` is SPKI ("BEGIN PUBLIC KEY") or PKCS#1 ("BEGIN RSA PUBLIC KEY"), and the
///   signature verifies with it as RSA PKCS#1 v1.5 with SHA-256.
///
/// This proves the holder of `public_key_pem` signed the request for this server. That the key
/// belongs to the activity's actor (or, for a GET, who owns it: `federation::key_owner`) is for
/// the caller to establish.
pub fn verify_request(
    sig: &SignatureHeader,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    own_host: &OwnHost,
    public_key_pem: &str,
    now: SystemTime,
) -> Result<(), SignatureError> {
    check_request(sig, method, headers, own_host, now)?;
    let string = signing_string(
        &sig.headers,
        method,
        path_and_query,
        headers,
        sig.created,
        sig.expires,
    )?;
    let key = parse_public_key(public_key_pem)?;
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(&string),
        &sig.signature,
    )
    .map_err(|_| SignatureError::Invalid)
}

fn check_host(headers: &HeaderMap, own_host: &OwnHost) -> Result<(), SignatureError> {
    let mut values = headers.get_all(HOST).iter();
    let value = values
        .next()
        .ok_or_else(|| SignatureError::MissingSignedHeader("host".into()))?;
    if values.next().is_some() {
        return Err(SignatureError::Malformed(
            "more than one Host header".into(),
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| SignatureError::Malformed("Host is not text".into()))?;
    if own_host.matches(value) {
        Ok(())
    } else {
        Err(SignatureError::WrongHost(value.chars().take(100).collect()))
    }
}

fn check_algorithm(algorithm: Option<&str>) -> Result<(), SignatureError> {
    match algorithm {
        None => Ok(()),
        Some(a) if a.eq_ignore_ascii_case("rsa-sha256") || a.eq_ignore_ascii_case("hs2019") => {
            Ok(())
        }
        Some(other) => Err(SignatureError::UnsupportedAlgorithm(other.to_owned())),
    }
}

fn check_coverage(sig: &SignatureHeader, method: &Method) -> Result<(), SignatureError> {
    let signed = |name: &str| sig.headers.iter().any(|h| h == name);
    let not_signed = |name: &str| Err(SignatureError::HeaderNotSigned(name.to_owned()));
    if !signed("(request-target)") {
        return not_signed("(request-target)");
    }
    if !signed("host") {
        return not_signed("host");
    }
    if !signed("date") && !signed("(created)") {
        return not_signed("date");
    }
    if *method == Method::POST && !signed("digest") {
        return not_signed("digest");
    }
    Ok(())
}

fn check_times(
    sig: &SignatureHeader,
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<(), SignatureError> {
    if sig.headers.iter().any(|h| h == "date") {
        let value = headers
            .get(DATE)
            .ok_or_else(|| SignatureError::MissingSignedHeader("date".into()))?;
        let date = value
            .to_str()
            .ok()
            .and_then(|text| httpdate::parse_http_date(text.trim()).ok())
            .ok_or_else(|| SignatureError::Malformed("Date is not an HTTP date".into()))?;
        check_window("Date", date, now)?;
    }
    if let Some(created) = sig.created {
        check_window("created", unix_time(created)?, now)?;
    }
    if let Some(expires) = sig.expires {
        // No overflow: a time too large to extend is far in the future anyway.
        let expired = unix_time(expires)?
            .checked_add(MAX_CLOCK_SKEW)
            .is_some_and(|latest| latest < now);
        if expired {
            return Err(SignatureError::Expired("expires is in the past".into()));
        }
    }
    Ok(())
}

/// Accepts `time` from [`MAX_SIGNATURE_AGE`] before `now` to [`MAX_CLOCK_SKEW`] after it.
fn check_window(what: &str, time: SystemTime, now: SystemTime) -> Result<(), SignatureError> {
    match time.duration_since(now) {
        Ok(ahead) if ahead > MAX_CLOCK_SKEW => Err(SignatureError::Expired(format!(
            "{what} is {}s in the future",
            ahead.as_secs()
        ))),
        Ok(_) => Ok(()),
        Err(behind) if behind.duration() > MAX_SIGNATURE_AGE => Err(SignatureError::Expired(
            format!("{what} is {}s old", behind.duration().as_secs()),
        )),
        Err(_) => Ok(()),
    }
}

/// Unix seconds as a time; values before 1970 are far outside any window, so they count as expired.
fn unix_time(seconds: i64) -> Result<SystemTime, SignatureError> {
    let seconds = u64::try_from(seconds)
        .map_err(|_| SignatureError::Expired("timestamp before 1970".into()))?;
    UNIX_EPOCH
        .checked_add(Duration::from_secs(seconds))
        .ok_or_else(|| SignatureError::Malformed("timestamp out of range".into()))
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::LineEnding;

    use super::super::digest::verify_digest;
    use super::super::header::parse_signature_header;
    use super::super::sign::{sign_get, sign_headers, sign_post};
    use super::super::test_support::{
        AP_JSON, alice, alice_key, alice_public, bob, received, sign_with_alice,
    };
    use super::*;

    const INBOX: &str = "https://remote.example/users/bob/inbox";

    fn inbox() -> url::Url {
        url::Url::parse(INBOX).expect("url")
    }

    /// The receiving server of these tests.
    fn remote_host() -> OwnHost {
        OwnHost::new(&inbox())
    }

    /// A POST signed by alice at `signed_at`, as the receiving server sees it.
    fn signed_post(body: &[u8], signed_at: SystemTime) -> HeaderMap {
        let out = sign_post(alice_key(), &inbox(), body, AP_JSON, signed_at).expect("sign");
        received(out, &[("content-type", AP_JSON)])
    }

    fn verify_post(
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), SignatureError> {
        let sig = parse_signature_header(headers)?;
        verify_request(
            &sig,
            &Method::POST,
            "/users/bob/inbox",
            headers,
            &remote_host(),
            &alice().public_key,
            now,
        )?;
        verify_digest(headers, body)
    }

    #[test]
    fn sign_post_round_trip_verifies() {
        let now = SystemTime::now();
        let body = br#"{"type":"Create"}"#;
        verify_post(&signed_post(body, now), body, now).expect("verifies");
    }

    #[test]
    fn sign_get_round_trip_verifies() {
        let now = SystemTime::now();
        let url = url::Url::parse("https://remote.example/notes/1?page=true").expect("url");
        let out = sign_get(alice_key(), &url, AP_JSON, now).expect("sign");
        let headers = received(out, &[("accept", AP_JSON)]);
        let sig = parse_signature_header(&headers).expect("parse");
        assert_eq!(sig.headers, ["(request-target)", "host", "date", "accept"]);
        verify_request(
            &sig,
            &Method::GET,
            "/notes/1?page=true",
            &headers,
            &remote_host(),
            &alice().public_key,
            now,
        )
        .expect("verifies");
        // The query is part of the signed request target.
        assert!(matches!(
            verify_request(
                &sig,
                &Method::GET,
                "/notes/1",
                &headers,
                &remote_host(),
                &alice().public_key,
                now
            ),
            Err(SignatureError::Invalid)
        ));
        // So is the method.
        assert!(matches!(
            verify_request(
                &sig,
                &Method::HEAD,
                "/notes/1?page=true",
                &headers,
                &remote_host(),
                &alice().public_key,
                now
            ),
            Err(SignatureError::Invalid)
        ));
    }

    #[test]
    fn tampered_body_fails_digest() {
        let now = SystemTime::now();
        let headers = signed_post(b"{\"a\":1}", now);
        assert!(matches!(
            verify_post(&headers, b"{\"a\":2}", now),
            Err(SignatureError::DigestMismatch)
        ));
    }

    #[test]
    fn changed_signed_header_fails_signature() {
        let now = SystemTime::now();
        let mut headers = signed_post(b"{}", now);
        headers.insert("host", HeaderValue::from_static("evil.example"));
        let sig = parse_signature_header(&headers).expect("parse");
        // Received by evil.example itself, the changed host breaks the signature.
        assert!(matches!(
            verify_request(
                &sig,
                &Method::POST,
                "/users/bob/inbox",
                &headers,
                &OwnHost::new(&url::Url::parse("https://evil.example/").expect("url")),
                &alice().public_key,
                now
            ),
            Err(SignatureError::Invalid)
        ));
        let mut headers = signed_post(b"{}", now);
        headers.insert("content-type", HeaderValue::from_static("text/plain"));
        assert!(matches!(
            verify_post(&headers, b"{}", now),
            Err(SignatureError::Invalid)
        ));
    }

    #[test]
    fn requests_signed_for_another_server_fail() {
        let now = SystemTime::now();
        for other in [
            "https://elsewhere.example/users/bob/inbox",
            "https://remote.example:8443/users/bob/inbox",
            "https://remote.example:80/users/bob/inbox",
        ] {
            let url = url::Url::parse(other).expect("url");
            let out = sign_post(alice_key(), &url, b"{}", AP_JSON, now).expect("sign");
            let headers = received(out, &[("content-type", AP_JSON)]);
            assert!(
                matches!(
                    verify_post(&headers, b"{}", now),
                    Err(SignatureError::WrongHost(_))
                ),
                "{other}"
            );
        }
        // Two Host headers are refused rather than joined.
        let mut headers = signed_post(b"{}", now);
        headers.append("host", HeaderValue::from_static("remote.example"));
        assert!(verify_post(&headers, b"{}", now).is_err());
    }

    #[test]
    fn own_host_matches_its_authority_only() {
        let https = OwnHost::new(&url::Url::parse("https://Trellis.Example/").expect("url"));
        for ok in [
            "trellis.example",
            "TRELLIS.example",
            "trellis.example:443",
            " trellis.example ",
        ] {
            assert!(https.matches(ok), "{ok}");
        }
        for wrong in [
            "",
            "trellis.example:80",
            "trellis.example:8443",
            "trellis.example.evil",
            "evil.example",
            "trellis.example/",
            "user@trellis.example",
            "trellis.example#x",
            "trellis%2eexample",
        ] {
            assert!(!https.matches(wrong), "{wrong:?}");
        }
        let port = OwnHost::new(&url::Url::parse("http://localhost:8080/x").expect("url"));
        assert!(port.matches("localhost:8080"));
        assert!(!port.matches("localhost"));
        assert!(!port.matches("localhost:8081"));
    }

    #[test]
    fn signature_from_another_key_fails() {
        let now = SystemTime::now();
        let headers = signed_post(b"{}", now);
        let sig = parse_signature_header(&headers).expect("parse");
        assert!(matches!(
            verify_request(
                &sig,
                &Method::POST,
                "/users/bob/inbox",
                &headers,
                &remote_host(),
                &bob().public_key,
                now
            ),
            Err(SignatureError::Invalid)
        ));
    }

    #[test]
    fn corrupted_signature_bytes_fail() {
        let now = SystemTime::now();
        let headers = signed_post(b"{}", now);
        let mut sig = parse_signature_header(&headers).expect("parse");
        sig.signature[10] ^= 1;
        let verify = |sig: &SignatureHeader| {
            verify_request(
                sig,
                &Method::POST,
                "/users/bob/inbox",
                &headers,
                &remote_host(),
                &alice().public_key,
                now,
            )
        };
        assert!(matches!(verify(&sig), Err(SignatureError::Invalid)));
        sig.signature.truncate(3);
        assert!(matches!(verify(&sig), Err(SignatureError::Invalid)));
    }

    #[test]
    fn date_two_hours_old_fails() {
        let now = SystemTime::now();
        let headers = signed_post(b"{}", now - Duration::from_secs(2 * 60 * 60));
        assert!(matches!(
            verify_post(&headers, b"{}", now),
            Err(SignatureError::Expired(_))
        ));
    }

    #[test]
    fn date_window_is_one_hour_back_five_minutes_ahead() {
        let now = SystemTime::now();
        let at = |offset: i64| {
            let secs = Duration::from_secs(offset.unsigned_abs());
            if offset >= 0 { now + secs } else { now - secs }
        };
        for ok in [-59 * 60, -60, 0, 60, 4 * 60] {
            verify_post(&signed_post(b"{}", at(ok)), b"{}", now)
                .unwrap_or_else(|e| panic!("offset {ok}: {e}"));
        }
        for late in [-61 * 60, 6 * 60, 24 * 60 * 60] {
            assert!(
                matches!(
                    verify_post(&signed_post(b"{}", at(late)), b"{}", now),
                    Err(SignatureError::Expired(_))
                ),
                "offset {late} accepted"
            );
        }
    }

    #[test]
    fn post_without_signed_digest_fails() {
        let now = SystemTime::now();
        let mut headers = signed_post(b"{}", now);
        let value = sign_headers(
            alice_key(),
            &Method::POST,
            "/users/bob/inbox",
            &headers,
            &["(request-target)", "host", "date", "content-type"],
        )
        .expect("sign");
        headers.insert("signature", value);
        assert!(matches!(
            verify_post(&headers, b"{}", now),
            Err(SignatureError::HeaderNotSigned(h)) if h == "digest"
        ));
    }

    #[test]
    fn request_target_host_and_date_must_be_signed() {
        let now = SystemTime::now();
        let headers = signed_post(b"{}", now);
        for (signed, missing) in [
            (&["host", "date", "digest"][..], "(request-target)"),
            (&["(request-target)", "date", "digest"][..], "host"),
            (&["(request-target)", "host", "digest"][..], "date"),
        ] {
            let mut headers = headers.clone();
            let value = sign_headers(
                alice_key(),
                &Method::POST,
                "/users/bob/inbox",
                &headers,
                signed,
            )
            .expect("sign");
            headers.insert("signature", value);
            assert!(
                matches!(
                    verify_post(&headers, b"{}", now),
                    Err(SignatureError::HeaderNotSigned(h)) if h == missing
                ),
                "{missing} not required"
            );
        }
    }

    #[test]
    fn signed_header_absent_from_request_fails() {
        let now = SystemTime::now();
        let url = url::Url::parse("https://remote.example/notes/1").expect("url");
        let out = sign_get(alice_key(), &url, AP_JSON, now).expect("sign");
        let headers = received(out, &[]); // Accept was signed but not sent.
        let sig = parse_signature_header(&headers).expect("parse");
        assert!(matches!(
            verify_request(&sig, &Method::GET, "/notes/1", &headers, &remote_host(), &alice().public_key, now),
            Err(SignatureError::MissingSignedHeader(h)) if h == "accept"
        ));
    }

    #[test]
    fn authorization_signature_form_verifies() {
        let now = SystemTime::now();
        let mut headers = signed_post(b"{}", now);
        let value = headers.remove("signature").expect("signed");
        let value = format!("Signature {}", value.to_str().expect("ascii"));
        headers.insert(
            "authorization",
            HeaderValue::from_str(&value).expect("header"),
        );
        verify_post(&headers, b"{}", now).expect("verifies");
    }

    #[test]
    fn hs2019_and_absent_algorithm_verify() {
        let now = SystemTime::now();
        let headers = signed_post(b"{}", now);
        let mut sig = parse_signature_header(&headers).expect("parse");
        for algorithm in [Some("hs2019"), Some("HS2019"), Some("RSA-SHA256"), None] {
            sig.algorithm = algorithm.map(String::from);
            let mut headers = headers.clone();
            headers.insert(
                "signature",
                HeaderValue::from_str(&sig.to_header_value()).expect("header"),
            );
            verify_post(&headers, b"{}", now)
                .unwrap_or_else(|e| panic!("{algorithm:?} rejected: {e}"));
        }
    }

    #[test]
    fn unknown_algorithm_rejected() {
        let now = SystemTime::now();
        let headers = signed_post(b"{}", now);
        let mut sig = parse_signature_header(&headers).expect("parse");
        for algorithm in ["rsa-sha512", "hmac-sha256", "ed25519", ""] {
            sig.algorithm = Some(algorithm.to_owned());
            assert!(matches!(
                verify_request(
                    &sig,
                    &Method::POST,
                    "/users/bob/inbox",
                    &headers, &remote_host(),
                    &alice().public_key,
                    now
                ),
                Err(SignatureError::UnsupportedAlgorithm(a)) if a == algorithm
            ));
        }
    }

    #[test]
    fn pkcs1_public_key_pem_verifies() {
        let now = SystemTime::now();
        let headers = signed_post(b"{}", now);
        let sig = parse_signature_header(&headers).expect("parse");
        let pkcs1 = alice_public().to_pkcs1_pem(LineEnding::LF).expect("encode");
        assert!(pkcs1.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
        verify_request(
            &sig,
            &Method::POST,
            "/users/bob/inbox",
            &headers,
            &remote_host(),
            &pkcs1,
            now,
        )
        .expect("verifies");
    }

    #[test]
    fn unusable_public_key_is_bad_key() {
        let now = SystemTime::now();
        let headers = signed_post(b"{}", now);
        let sig = parse_signature_header(&headers).expect("parse");
        assert!(matches!(
            verify_request(
                &sig,
                &Method::POST,
                "/users/bob/inbox",
                &headers,
                &remote_host(),
                "nonsense",
                now
            ),
            Err(SignatureError::BadKey(_))
        ));
    }

    #[test]
    fn created_and_expires_pseudo_headers_verify_without_date() {
        let now = SystemTime::now();
        let created = now
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs() as i64;
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("remote.example"));
        let names = ["(request-target)", "(created)", "(expires)", "host"];
        let verify = |created: i64, expires: i64| {
            let sig = sign_with_alice(
                &Method::GET,
                "/notes/1",
                &headers,
                &names,
                Some("hs2019"),
                Some(created),
                Some(expires),
            );
            verify_request(
                &sig,
                &Method::GET,
                "/notes/1",
                &headers,
                &remote_host(),
                &alice().public_key,
                now,
            )
        };
        verify(created, created + 3600).expect("fresh");
        assert!(matches!(
            verify(created - 7200, created - 3600),
            Err(SignatureError::Expired(_))
        ));
        assert!(matches!(
            verify(created - 1800, created - 600),
            Err(SignatureError::Expired(_))
        ));
        assert!(matches!(
            verify(created + 900, created + 3600),
            Err(SignatureError::Expired(_))
        ));
        assert!(matches!(
            verify(-5, created + 3600),
            Err(SignatureError::Expired(_))
        ));
        // A far-future `expires` is harmless (`created` is still checked), and times near or past
        // the end of what `SystemTime` represents do not panic.
        verify(created, i64::MAX).expect("far future expires");
        for far in [i64::MAX / 1_000_000_000, i64::MAX - 10, i64::MAX] {
            let _ = verify(created, far);
            let _ = verify(far, far);
        }
    }

    /// A Signature header shaped exactly like Mastodon's deliveries.
    #[test]
    fn mastodon_shaped_sample_verifies() {
        let now = SystemTime::now();
        let key = super::super::SigningKey::from_pem(
            "https://mastodon.example/users/alice#main-key",
            &alice().private_key,
        )
        .expect("key");
        let body = br#"{"@context":"https://www.w3.org/ns/activitystreams","type":"Follow"}"#;
        let out = sign_post(&key, &inbox(), body, AP_JSON, now).expect("sign");
        let headers = received(out, &[("content-type", AP_JSON)]);
        let value = headers
            .get("signature")
            .and_then(|v| v.to_str().ok())
            .expect("signature");
        let prefix = "keyId=\"https://mastodon.example/users/alice#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest content-type\",signature=\"";
        assert!(value.starts_with(prefix), "{value}");
        assert!(value.ends_with('"'));
        verify_post(&headers, body, now).expect("verifies");
    }

    /// Fedify's draft-cavage fallback signs `(request-target) host date digest`, no content-type.
    #[test]
    fn fedify_shaped_sample_verifies() {
        let now = SystemTime::now();
        let key = super::super::SigningKey::from_pem(
            "https://fedify.example/users/alice#main-key",
            &alice().private_key,
        )
        .expect("key");
        let body = br#"{"type":"Like"}"#;
        let mut headers = signed_post(body, now);
        headers.remove("signature");
        let value = sign_headers(
            &key,
            &Method::POST,
            "/users/bob/inbox",
            &headers,
            &["(request-target)", "host", "date", "digest"],
        )
        .expect("sign");
        assert!(
            value
                .to_str()
                .expect("ascii")
                .starts_with("keyId=\"https://fedify.example/users/alice#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"")
        );
        headers.insert("signature", value);
        verify_post(&headers, body, now).expect("verifies");
    }
}
