//! The `Digest` header (RFC 3230 style, `SHA-256=BASE64`) that ties a signed POST to its body.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::HeaderMap;
use sha2::{Digest, Sha256};

use super::error::SignatureError;
use super::header::LENIENT_BASE64;

/// The `Digest` header value for `body`: `SHA-256=` and the base64 of its SHA-256 hash.
pub fn digest_header_value(body: &[u8]) -> String {
    format!("SHA-256={}", STANDARD.encode(Sha256::digest(body)))
}

/// Checks the SHA-256 Digest against the body. A missing Digest, or one without SHA-256, is an error.
///
/// The header may list several algorithms (`SHA-512=...,SHA-256=...`), possibly over several
/// header lines; algorithm names are case-insensitive and only the SHA-256 entries are checked
/// (every one of them must match). Other algorithms are ignored, not trusted.
pub fn verify_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
    let expected = Sha256::digest(body);
    let mut checked_any = false;
    for value in headers.get_all("digest") {
        let value = value
            .to_str()
            .map_err(|_| SignatureError::Malformed("Digest header is not ASCII".into()))?;
        for entry in value.split(',') {
            let Some((algorithm, encoded)) = entry.split_once('=') else {
                continue;
            };
            if !algorithm.trim().eq_ignore_ascii_case("SHA-256") {
                continue;
            }
            checked_any = true;
            let claimed = LENIENT_BASE64
                .decode(encoded.trim())
                .map_err(|_| SignatureError::DigestMismatch)?;
            if claimed.as_slice() != expected.as_slice() {
                return Err(SignatureError::DigestMismatch);
            }
        }
    }
    if checked_any {
        Ok(())
    } else {
        Err(SignatureError::DigestMissing)
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn with_digest(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("digest", HeaderValue::from_str(value).expect("test value"));
        }
        headers
    }

    #[test]
    fn digest_of_known_body() {
        // Vector from activitypub_federation's own test suite.
        let body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.";
        assert_eq!(
            digest_header_value(body.as_bytes()),
            "SHA-256=lzFT+G7C2hdI5j8M+FuJg1tC+O6AGMVJhooTCKGfbKM="
        );
    }

    #[test]
    fn matching_digest_passes_in_any_case_and_among_other_algorithms() {
        let body = b"{\"type\":\"Follow\"}";
        let good = digest_header_value(body);
        let b64 = good.trim_start_matches("SHA-256=");
        verify_digest(&with_digest(&[&good]), body).expect("plain");
        verify_digest(&with_digest(&[&format!("sha-256={b64}")]), body).expect("lower case");
        verify_digest(
            &with_digest(&[&format!("SHA-512=AAAA, SHA-256={b64}")]),
            body,
        )
        .expect("among others");
        verify_digest(&with_digest(&["SHA-512=AAAA", &good]), body).expect("second line");
        verify_digest(
            &with_digest(&[&format!("SHA-256={}", b64.trim_end_matches('='))]),
            body,
        )
        .expect("unpadded");
    }

    #[test]
    fn tampered_body_fails() {
        let headers = with_digest(&[&digest_header_value(b"original")]);
        assert!(matches!(
            verify_digest(&headers, b"tampered"),
            Err(SignatureError::DigestMismatch)
        ));
    }

    #[test]
    fn missing_or_foreign_or_garbage_digest_fails() {
        assert!(matches!(
            verify_digest(&HeaderMap::new(), b""),
            Err(SignatureError::DigestMissing)
        ));
        assert!(matches!(
            verify_digest(&with_digest(&["SHA-512=AAAA"]), b""),
            Err(SignatureError::DigestMissing)
        ));
        assert!(matches!(
            verify_digest(&with_digest(&["garbage"]), b""),
            Err(SignatureError::DigestMissing)
        ));
        assert!(matches!(
            verify_digest(&with_digest(&["SHA-256=!!!"]), b""),
            Err(SignatureError::DigestMismatch)
        ));
        // One good and one bad SHA-256 entry: rejected.
        let good = digest_header_value(b"x");
        assert!(matches!(
            verify_digest(&with_digest(&[&good, "SHA-256=AAAA"]), b"x"),
            Err(SignatureError::DigestMismatch)
        ));
    }
}
