//! Shared fixtures for this module's tests: two RSA key pairs generated once per test binary
//! (key generation is slow in debug builds) and helpers to look at requests as a server would.

use std::sync::OnceLock;

use activitypub_federation::http_signatures::{Keypair, generate_actor_keypair};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};

use super::header::SignatureHeader;
use super::keys::SigningKey;
use super::signing_string::signing_string;

/// The ActivityPub content type used by the tests.
pub(super) const AP_JSON: &str = "application/activity+json";

/// The key id of [`alice_key`].
pub(super) const ALICE_KEY_ID: &str = "https://trellis.example/users/alice#main-key";

/// The signing key pair (PKCS#8 private, SPKI public).
pub(super) fn alice() -> &'static Keypair {
    static KEYS: OnceLock<Keypair> = OnceLock::new();
    KEYS.get_or_init(|| generate_actor_keypair().expect("generate key"))
}

/// An unrelated key pair.
pub(super) fn bob() -> &'static Keypair {
    static KEYS: OnceLock<Keypair> = OnceLock::new();
    KEYS.get_or_init(|| generate_actor_keypair().expect("generate key"))
}

/// Alice's key ready to sign, as [`ALICE_KEY_ID`].
pub(super) fn alice_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::from_pem(ALICE_KEY_ID, &alice().private_key).expect("key"))
}

/// Alice's public key, parsed.
pub(super) fn alice_public() -> RsaPublicKey {
    RsaPublicKey::from_public_key_pem(&alice().public_key).expect("public key")
}

/// The headers a server receives: what a signer returned plus what the client added itself.
pub(super) fn received(
    signed: Vec<(HeaderName, HeaderValue)>,
    sent_by_client: &[(&'static str, &str)],
) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in signed {
        headers.append(name, value);
    }
    for (name, value) in sent_by_client {
        headers.append(*name, HeaderValue::from_str(value).expect("header value"));
    }
    headers
}

/// Signs `names` over the request with alice's key, with any algorithm label and
/// `created` / `expires` parameters (which [`super::sign_headers`] never emits).
pub(super) fn sign_with_alice(
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    names: &[&str],
    algorithm: Option<&str>,
    created: Option<i64>,
    expires: Option<i64>,
) -> SignatureHeader {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let string = signing_string(&names, method, path_and_query, headers, created, expires)
        .expect("signing string");
    let signature = alice_key()
        .rsa()
        .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(&string))
        .expect("sign");
    SignatureHeader {
        key_id: ALICE_KEY_ID.to_owned(),
        algorithm: algorithm.map(String::from),
        headers: names,
        signature,
        created,
        expires,
    }
}
