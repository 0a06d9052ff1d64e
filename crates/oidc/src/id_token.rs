//! The checks of an ID token (OpenID Connect Core, section 3.1.3.7): the signature with one
//! of the provider's keys, `iss`, `aud` (and `azp` when there are several audiences), `exp`
//! with a small leeway, and the nonce of the sign-in.

use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::OidcError;

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 60;

/// Longest ID token accepted, in bytes.
const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// Signature algorithms accepted: asymmetric only (never `none`, never HMAC with the
/// client secret).
const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// The claims of a verified ID token.
#[derive(Clone, Debug)]
pub struct IdTokenClaims {
    /// `sub`: the provider's stable identifier of the person.
    pub subject: String,
    /// Every claim, as sent.
    pub claims: Map<String, Value>,
}

impl IdTokenClaims {
    /// A claim as one line of text (a string, or a number written out); `None` when missing
    /// or empty.
    pub fn text(&self, name: &str) -> Option<String> {
        match self.claims.get(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A claim as a list of strings (a single string counts as a list of one).
    pub fn strings(&self, name: &str) -> Vec<String> {
        match self.claims.get(name) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    }
}

/// The key of `keys` that signed `token` (by `kid`; without a `kid`, the only signing key),
/// or `None` when the set has no such key (the provider may have rotated its keys).
pub(crate) fn signing_key<'a>(token: &str, keys: &'a JwkSet) -> Option<&'a Jwk> {
    let header = decode_header(token).ok()?;
    let signing = |jwk: &&Jwk| jwk.common.public_key_use != Some(PublicKeyUse::Encryption);
    match header.kid {
        Some(kid) => keys
            .keys
            .iter()
            .filter(signing)
            .find(|k| k.common.key_id.as_deref() == Some(kid.as_str())),
        None => {
            let mut candidates = keys.keys.iter().filter(signing);
            let only = candidates.next()?;
            candidates.next().is_none().then_some(only)
        }
    }
}

/// Verifies `token` against the provider's `keys` for this client and sign-in.
pub fn verify(
    token: &str,
    keys: &JwkSet,
    issuer: &str,
    client_id: &str,
    nonce: &str,
) -> Result<IdTokenClaims, OidcError> {
    let invalid = |reason: &str| OidcError::InvalidToken(reason.to_string());
    if token.len() > MAX_TOKEN_BYTES {
        return Err(invalid("it is too large"));
    }
    let header = decode_header(token).map_err(|_| invalid("it is not a signed JWT"))?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(OidcError::InvalidToken(format!(
            "its algorithm {:?} is not accepted",
            header.alg
        )));
    }
    let jwk =
        signing_key(token, keys).ok_or_else(|| invalid("it is signed with an unknown key"))?;
    if let Some(alg) = &jwk.common.key_algorithm
        && format!("{alg:?}") != format!("{:?}", header.alg)
    {
        return Err(invalid("its algorithm does not match the key's"));
    }
    let key = DecodingKey::from_jwk(jwk).map_err(|_| invalid("the provider's key is unusable"))?;
    let mut validation = Validation::new(header.alg);
    validation.leeway = LEEWAY_SECS;
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    let data = decode::<Map<String, Value>>(token, &key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        OidcError::InvalidToken(
            match e.kind() {
                ErrorKind::InvalidSignature => "the signature is wrong",
                ErrorKind::ExpiredSignature => "it has expired",
                ErrorKind::ImmatureSignature => "it is not valid yet",
                ErrorKind::InvalidIssuer => "it was issued by another issuer",
                ErrorKind::InvalidAudience => "it was issued to another client",
                ErrorKind::MissingRequiredClaim(_) => "a required claim is missing",
                _ => "it cannot be verified",
            }
            .to_string(),
        )
    })?;
    let claims = data.claims;
    let several_audiences = matches!(claims.get("aud"), Some(Value::Array(a)) if a.len() > 1);
    match claims.get("azp").and_then(Value::as_str) {
        Some(azp) if azp != client_id => {
            return Err(invalid("it was issued to another party (azp)"));
        }
        None if several_audiences => return Err(invalid("it has several audiences but no azp")),
        _ => {}
    }
    let sent_nonce = claims.get("nonce").and_then(Value::as_str).unwrap_or("");
    // Compared as digests, so the time taken says nothing about the expected nonce.
    if Sha256::digest(sent_nonce.as_bytes()) != Sha256::digest(nonce.as_bytes()) || nonce.is_empty()
    {
        return Err(invalid("its nonce does not match the sign-in"));
    }
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.len() <= 255)
        .ok_or_else(|| invalid("its subject is missing or too long"))?
        .to_string();
    Ok(IdTokenClaims { subject, claims })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header, encode, get_current_timestamp};
    use serde_json::json;

    const ISSUER: &str = "https://idp.example";
    const CLIENT: &str = "trellis";
    const NONCE: &str = "n-0S6_WzA2Mj";

    fn key(n: u8) -> EncodingKey {
        let path = format!(
            "{}/../../federation-tests/keys/test-0{n}.key.pem",
            env!("CARGO_MANIFEST_DIR")
        );
        EncodingKey::from_rsa_pem(&std::fs::read(path).expect("test key")).expect("RSA key")
    }

    fn key_set(n: u8, kid: &str) -> JwkSet {
        let mut jwk = Jwk::from_encoding_key(&key(n), Algorithm::RS256).expect("jwk");
        jwk.common.key_id = Some(kid.to_string());
        JwkSet { keys: vec![jwk] }
    }

    fn sign(n: u8, kid: &str, claims: Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_string());
        encode(&header, &claims, &key(n)).expect("signed")
    }

    fn claims() -> Value {
        let now = get_current_timestamp();
        json!({
            "iss": ISSUER, "aud": CLIENT, "sub": "248289761001", "nonce": NONCE,
            "iat": now, "exp": now + 300, "email": "jane@example.com",
        })
    }

    fn with(change: impl FnOnce(&mut Map<String, Value>)) -> Value {
        let mut value = claims();
        change(value.as_object_mut().unwrap());
        value
    }

    fn reason(token: &str) -> String {
        match verify(token, &key_set(0, "k1"), ISSUER, CLIENT, NONCE) {
            Err(OidcError::InvalidToken(reason)) => reason,
            other => panic!("accepted: {other:?}"),
        }
    }

    #[test]
    fn a_good_token_gives_its_claims() {
        let verified = verify(
            &sign(0, "k1", claims()),
            &key_set(0, "k1"),
            ISSUER,
            CLIENT,
            NONCE,
        )
        .expect("valid");
        assert_eq!(verified.subject, "248289761001");
        assert_eq!(verified.text("email").as_deref(), Some("jane@example.com"));
    }

    #[test]
    fn a_forged_signature_is_refused() {
        // Signed with another key under the known kid.
        assert_eq!(reason(&sign(1, "k1", claims())), "the signature is wrong");
        // A payload swapped under a genuine signature.
        let genuine = sign(0, "k1", claims());
        let forged_payload = sign(
            0,
            "k1",
            with(|c| {
                c.insert("sub".into(), json!("someone-else"));
            }),
        );
        let parts: Vec<&str> = genuine.split('.').collect();
        let other: Vec<&str> = forged_payload.split('.').collect();
        let spliced = format!("{}.{}.{}", parts[0], other[1], parts[2]);
        assert_eq!(reason(&spliced), "the signature is wrong");
    }

    #[test]
    fn unsigned_and_hmac_tokens_are_refused() {
        let hmac = encode(
            &Header::new(Algorithm::HS256),
            &claims(),
            &EncodingKey::from_secret(b"client-secret"),
        )
        .unwrap();
        assert!(reason(&hmac).contains("algorithm"));
        let header = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            br#"{"alg":"none","typ":"JWT"}"#,
        );
        let payload = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            claims().to_string(),
        );
        assert!(!reason(&format!("{header}.{payload}.")).is_empty());
    }

    #[test]
    fn an_expired_token_is_refused_after_the_leeway() {
        let now = get_current_timestamp();
        let expired = with(|c| {
            c.insert("exp".into(), json!(now - LEEWAY_SECS - 30));
        });
        assert_eq!(reason(&sign(0, "k1", expired)), "it has expired");
        let within_leeway = with(|c| {
            c.insert("exp".into(), json!(now - 5));
        });
        assert!(
            verify(
                &sign(0, "k1", within_leeway),
                &key_set(0, "k1"),
                ISSUER,
                CLIENT,
                NONCE
            )
            .is_ok()
        );
    }

    #[test]
    fn another_audience_or_issuer_is_refused() {
        let other_audience = with(|c| {
            c.insert("aud".into(), json!("someone-else"));
        });
        assert_eq!(
            reason(&sign(0, "k1", other_audience)),
            "it was issued to another client"
        );
        let other_issuer = with(|c| {
            c.insert("iss".into(), json!("https://evil.example"));
        });
        assert_eq!(
            reason(&sign(0, "k1", other_issuer)),
            "it was issued by another issuer"
        );
    }

    #[test]
    fn several_audiences_need_our_azp() {
        let no_azp = with(|c| {
            c.insert("aud".into(), json!([CLIENT, "api"]));
        });
        assert!(reason(&sign(0, "k1", no_azp)).contains("azp"));
        let wrong_azp = with(|c| {
            c.insert("aud".into(), json!([CLIENT, "api"]));
            c.insert("azp".into(), json!("api"));
        });
        assert!(reason(&sign(0, "k1", wrong_azp)).contains("azp"));
        let right = with(|c| {
            c.insert("aud".into(), json!([CLIENT, "api"]));
            c.insert("azp".into(), json!(CLIENT));
        });
        assert!(
            verify(
                &sign(0, "k1", right),
                &key_set(0, "k1"),
                ISSUER,
                CLIENT,
                NONCE
            )
            .is_ok()
        );
    }

    #[test]
    fn the_nonce_must_be_the_sign_ins() {
        let replayed = with(|c| {
            c.insert("nonce".into(), json!("another-sign-in"));
        });
        assert!(reason(&sign(0, "k1", replayed)).contains("nonce"));
        let missing = with(|c| {
            c.remove("nonce");
        });
        assert!(reason(&sign(0, "k1", missing)).contains("nonce"));
    }

    #[test]
    fn an_unknown_kid_is_reported_as_such() {
        let token = sign(1, "k2", claims());
        assert!(signing_key(&token, &key_set(0, "k1")).is_none());
        assert!(reason(&token).contains("unknown key"));
        assert!(verify(&token, &key_set(1, "k2"), ISSUER, CLIENT, NONCE).is_ok());
    }
}
