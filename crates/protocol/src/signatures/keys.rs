//! PEM parsing of RSA keys: PKCS#8 / PKCS#1 private keys, SPKI / PKCS#1 public keys.

use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};

use super::error::SignatureError;

/// Smallest RSA modulus accepted from peers. Fediverse software uses 2048 or 4096 bits; anything
/// below 1024 bits is forgeable. (The `rsa` crate itself rejects moduli above 4096 bits.)
const MIN_PUBLIC_KEY_BITS: usize = 1024;

/// An actor's private key ready to sign (parsed once from PKCS#8 or PKCS#1 PEM).
#[derive(Clone)]
pub struct SigningKey {
    key_id: String,
    key: RsaPrivateKey,
}

impl SigningKey {
    /// Parses `private_key_pem` ("BEGIN PRIVATE KEY" or "BEGIN RSA PRIVATE KEY") for signing as
    /// `key_id` (usually `"{actor id}#main-key"`).
    ///
    /// The key id must be printable ASCII without `"` or `\`, since it is quoted in the header.
    pub fn from_pem(key_id: &str, private_key_pem: &str) -> Result<Self, SignatureError> {
        if key_id.is_empty()
            || !key_id
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        {
            return Err(SignatureError::Malformed(format!(
                "key id {key_id:?} cannot be quoted in a Signature header"
            )));
        }
        let pem = private_key_pem.trim();
        let key = if pem.contains("BEGIN RSA PRIVATE KEY") {
            RsaPrivateKey::from_pkcs1_pem(pem).map_err(|e| e.to_string())
        } else {
            RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| e.to_string())
        }
        .map_err(|e| SignatureError::BadKey(format!("private key: {e}")))?;
        Ok(Self {
            key_id: key_id.to_owned(),
            key,
        })
    }

    /// The key id placed in `keyId="..."` of every signature made with this key.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The RSA key itself, for the signers in this module.
    pub(super) fn rsa(&self) -> &RsaPrivateKey {
        &self.key
    }
}

impl std::fmt::Debug for SigningKey {
    /// Shows the key id only; the private key never reaches logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// Parses a peer's public key: "BEGIN PUBLIC KEY" (SPKI, what actors publish) or
/// "BEGIN RSA PUBLIC KEY" (PKCS#1, seen from some older software).
pub(super) fn parse_public_key(pem: &str) -> Result<RsaPublicKey, SignatureError> {
    let pem = pem.trim();
    let key = if pem.contains("BEGIN RSA PUBLIC KEY") {
        RsaPublicKey::from_pkcs1_pem(pem).map_err(|e| e.to_string())
    } else {
        RsaPublicKey::from_public_key_pem(pem).map_err(|e| e.to_string())
    }
    .map_err(|e| SignatureError::BadKey(format!("public key: {e}")))?;
    let bits = key.n().bits();
    if bits < MIN_PUBLIC_KEY_BITS {
        return Err(SignatureError::BadKey(format!(
            "public key has {bits} bits, at least {MIN_PUBLIC_KEY_BITS} required"
        )));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
    use rsa::pkcs8::LineEnding;

    use super::super::test_support::{alice, alice_public};
    use super::*;

    #[test]
    fn pkcs8_and_pkcs1_private_keys_parse_to_the_same_key() {
        let pkcs8 = SigningKey::from_pem("https://a.example/u/a#main-key", &alice().private_key)
            .expect("pkcs8");
        let pkcs1_pem = pkcs8
            .rsa()
            .to_pkcs1_pem(LineEnding::LF)
            .expect("encode pkcs1");
        assert!(pkcs1_pem.contains("BEGIN RSA PRIVATE KEY"));
        let pkcs1 =
            SigningKey::from_pem("https://a.example/u/a#main-key", &pkcs1_pem).expect("pkcs1");
        assert_eq!(pkcs1.rsa(), pkcs8.rsa());
        assert_eq!(pkcs1.key_id(), "https://a.example/u/a#main-key");
    }

    #[test]
    fn spki_and_pkcs1_public_keys_parse_to_the_same_key() {
        let spki = parse_public_key(&alice().public_key).expect("spki");
        let pkcs1_pem = alice_public()
            .to_pkcs1_pem(LineEnding::LF)
            .expect("encode pkcs1");
        assert!(pkcs1_pem.contains("BEGIN RSA PUBLIC KEY"));
        assert_eq!(parse_public_key(&pkcs1_pem).expect("pkcs1"), spki);
    }

    #[test]
    fn garbage_keys_and_unquotable_key_ids_are_rejected() {
        assert!(matches!(
            parse_public_key("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----"),
            Err(SignatureError::BadKey(_))
        ));
        assert!(matches!(
            parse_public_key(""),
            Err(SignatureError::BadKey(_))
        ));
        assert!(matches!(
            SigningKey::from_pem("k", "not a pem"),
            Err(SignatureError::BadKey(_))
        ));
        for bad_id in ["", "a\"b", "a b", "a\\b", "a\nb"] {
            assert!(matches!(
                SigningKey::from_pem(bad_id, &alice().private_key),
                Err(SignatureError::Malformed(_))
            ));
        }
    }

    #[test]
    fn debug_output_hides_the_private_key() {
        let key = SigningKey::from_pem("https://a.example/u/a#main-key", &alice().private_key)
            .expect("key");
        let shown = format!("{key:?}");
        assert!(shown.contains("main-key"));
        assert!(!shown.contains("BEGIN"));
        assert!(shown.len() < 100);
    }
}
