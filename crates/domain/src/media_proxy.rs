//! URLs of the media proxy: readers load other servers' files (attachments, avatars, headers,
//! article covers) through the instance, at `/media/proxy/SIGNATURE/ENCODED-URL`. The
//! signature is an HMAC-SHA256 of the remote URL with a key derived from the instance actor's
//! private key, so only URLs the instance itself handed out are fetched: it is not an open
//! proxy. The encoded URL is the remote URL in unpadded base64url.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::urls::Urls;

/// The path every proxied URL starts with.
pub const PROXY_PATH: &str = "/media/proxy/";
/// What the key is derived for, so it differs from every other use of the secret.
const KEY_PURPOSE: &[u8] = b"trellis media proxy v1\0";

/// The key that signs proxied URLs.
#[derive(Clone)]
pub struct MediaProxyKey([u8; 32]);

impl std::fmt::Debug for MediaProxyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MediaProxyKey(***)")
    }
}

impl MediaProxyKey {
    /// The key derived from the instance's secret (the instance actor's private key).
    pub fn derive(secret: &str) -> Self {
        let mut hash = Sha256::new();
        hash.update(KEY_PURPOSE);
        hash.update(secret.as_bytes());
        Self(hash.finalize().into())
    }

    fn mac(&self, url: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(url.as_bytes());
        mac
    }

    /// The signature of `url`, in unpadded base64url.
    pub fn sign(&self, url: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(url).finalize().into_bytes())
    }

    /// The remote URL of a proxy path's two segments, when the signature is this key's
    /// (compared in constant time).
    pub fn open(&self, signature: &str, encoded_url: &str) -> Option<String> {
        let url = String::from_utf8(URL_SAFE_NO_PAD.decode(encoded_url).ok()?).ok()?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        self.mac(&url).verify_slice(&signature).ok()?;
        Some(url)
    }
}

/// The URL readers load `url` from: the media proxy for another server's `http(s)` URL, `url`
/// itself for this instance's own files (and before the instance actor exists, which a serving
/// instance makes sure of at start-up).
/// `AppState::proxied_url` is the usual way to call it.
pub fn proxied_url(urls: &Urls, key: Option<&MediaProxyKey>, url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    if !matches!(parsed.scheme(), "http" | "https") || urls.is_local(&parsed) {
        return url.to_string();
    }
    let Some(key) = key else {
        return url.to_string();
    };
    urls.at(&format!(
        "{PROXY_PATH}{}/{}",
        key.sign(url),
        URL_SAFE_NO_PAD.encode(url)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_signed_urls_open() {
        let key = MediaProxyKey::derive("-----BEGIN PRIVATE KEY----- one");
        let other = MediaProxyKey::derive("-----BEGIN PRIVATE KEY----- two");
        let url = "https://social.example/media/cat.png";
        let encoded = URL_SAFE_NO_PAD.encode(url);
        let signature = key.sign(url);
        assert_eq!(key.open(&signature, &encoded).as_deref(), Some(url));
        assert_eq!(other.open(&signature, &encoded), None);
        let elsewhere = URL_SAFE_NO_PAD.encode("https://169.254.169.254/latest");
        assert_eq!(key.open(&signature, &elsewhere), None);
        assert_eq!(key.open("", &encoded), None);
        assert_eq!(key.open(&signature, "%%%"), None);
        assert!(!format!("{key:?}").contains(&signature));
    }
}
