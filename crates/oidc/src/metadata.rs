//! The provider's metadata from `ISSUER/.well-known/openid-configuration`.

use serde::Deserialize;
use url::Url;

use crate::OidcError;

/// What the relying party needs from the provider's metadata.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct ProviderMetadata {
    /// Must equal the configured issuer.
    pub issuer: String,
    /// Where people are sent to sign in.
    pub authorization_endpoint: Url,
    /// Where codes are exchanged for tokens.
    pub token_endpoint: Url,
    /// The provider's signing keys.
    pub jwks_uri: Url,
}

/// The discovery document's URL for `issuer`.
pub(crate) fn discovery_url(issuer: &Url) -> Result<Url, OidcError> {
    let text = format!(
        "{}/.well-known/openid-configuration",
        issuer.as_str().trim_end_matches('/')
    );
    Url::parse(&text).map_err(|e| OidcError::Provider(format!("discovery URL: {e}")))
}

/// Whether two issuer identifiers are the same (a trailing slash aside).
pub(crate) fn same_issuer(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

impl ProviderMetadata {
    /// Checks that the document describes the configured issuer.
    pub(crate) fn check(self, issuer: &Url) -> Result<Self, OidcError> {
        if !same_issuer(&self.issuer, issuer.as_str()) {
            return Err(OidcError::Provider(format!(
                "its metadata names the issuer {:?}, not {:?}",
                self.issuer,
                issuer.as_str()
            )));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_sits_under_the_issuer_path() {
        let issuer = Url::parse("https://login.example.com/tenant/v2.0").unwrap();
        assert_eq!(
            discovery_url(&issuer).unwrap().as_str(),
            "https://login.example.com/tenant/v2.0/.well-known/openid-configuration"
        );
        let root = Url::parse("https://idp.example/").unwrap();
        assert_eq!(
            discovery_url(&root).unwrap().as_str(),
            "https://idp.example/.well-known/openid-configuration"
        );
    }

    #[test]
    fn metadata_of_another_issuer_is_refused() {
        let metadata: ProviderMetadata = serde_json::from_value(serde_json::json!({
            "issuer": "https://evil.example",
            "authorization_endpoint": "https://evil.example/auth",
            "token_endpoint": "https://evil.example/token",
            "jwks_uri": "https://evil.example/jwks",
        }))
        .unwrap();
        let issuer = Url::parse("https://idp.example").unwrap();
        assert!(metadata.check(&issuer).is_err());
    }
}
