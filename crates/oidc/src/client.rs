//! The relying party's conversation with the provider: discovery (cached), the authorization
//! URL, the token request and the verification of the ID token it returns.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use trellis_config::OidcSettings;

use crate::id_token::{self, IdTokenClaims, signing_key};
use crate::keys::KeyCache;
use crate::metadata::{ProviderMetadata, discovery_url};
use crate::{OidcError, pkce};

/// How long the provider's metadata is kept before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// Largest answer read from the provider, in bytes.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// What a sign-in sends the person to the provider with.
#[derive(Clone, Debug)]
pub struct AuthorizationRequest<'a> {
    /// The random `state`, echoed back to the callback.
    pub state: &'a str,
    /// The random nonce the ID token must carry.
    pub nonce: &'a str,
    /// The PKCE code verifier (only its S256 challenge is sent).
    pub code_verifier: &'a str,
    /// This instance's callback URL.
    pub redirect_uri: &'a str,
}

/// The relying party for one configured provider. Cheap to share behind an `Arc`; caches its
/// metadata and keys.
pub struct OidcClient {
    settings: OidcSettings,
    http: reqwest::Client,
    metadata: Mutex<Option<(Instant, ProviderMetadata)>>,
    keys: Mutex<KeyCache>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: Option<String>,
    error_description: Option<String>,
}

impl OidcClient {
    /// A client for `settings` that talks to the provider through `http` (which trusts the
    /// configured certificate authorities).
    pub fn new(settings: OidcSettings, http: reqwest::Client) -> Self {
        Self {
            settings,
            http,
            metadata: Mutex::new(None),
            keys: Mutex::new(KeyCache::default()),
        }
    }

    /// The provider's settings.
    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// The provider's metadata, from the cache or fetched.
    async fn metadata(&self) -> Result<ProviderMetadata, OidcError> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, metadata)) = cached.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(metadata.clone());
        }
        let url = discovery_url(&self.settings.issuer)?;
        let metadata: ProviderMetadata = self.get_json(url).await?;
        let metadata = metadata.check(&self.settings.issuer)?;
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    /// Where to send the person to sign in.
    pub async fn authorization_url(
        &self,
        request: &AuthorizationRequest<'_>,
    ) -> Result<Url, OidcError> {
        let mut url = self.metadata().await?.authorization_endpoint;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("redirect_uri", request.redirect_uri)
            .append_pair("scope", "openid profile email")
            .append_pair("state", request.state)
            .append_pair("nonce", request.nonce)
            .append_pair("code_challenge", &pkce::challenge(request.code_verifier))
            .append_pair("code_challenge_method", "S256");
        Ok(url)
    }

    /// Exchanges the callback's `code` for an ID token and verifies it.
    pub async fn finish(
        &self,
        code: &str,
        code_verifier: &str,
        redirect_uri: &str,
        nonce: &str,
    ) -> Result<IdTokenClaims, OidcError> {
        let metadata = self.metadata().await?;
        let response = self
            .http
            .post(metadata.token_endpoint.clone())
            .basic_auth(
                form_encode(&self.settings.client_id),
                Some(form_encode(self.settings.client_secret.expose())),
            )
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", code_verifier),
            ])
            .send()
            .await
            .map_err(|e| OidcError::Provider(format!("the token request failed: {}", chain(&e))))?;
        let status = response.status();
        let body = read_bounded(response).await?;
        if !status.is_success() {
            let answer: Option<ErrorAnswer> = serde_json::from_slice(&body).ok();
            let reason = answer
                .map(|a| {
                    format!(
                        "{} {}",
                        a.error.unwrap_or_default(),
                        a.error_description.unwrap_or_default()
                    )
                })
                .unwrap_or_else(|| format!("status {status}"));
            return Err(OidcError::Refused(reason.trim().to_string()));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body)
            .map_err(|_| OidcError::Provider("the token answer is not JSON".into()))?;
        let token = answer
            .id_token
            .ok_or_else(|| OidcError::Provider("the token answer has no id_token".into()))?;
        let keys = self.keys_for(&token, &metadata).await?;
        id_token::verify(
            &token,
            &keys,
            &metadata.issuer,
            &self.settings.client_id,
            nonce,
        )
    }

    /// The key set to check `token` with: the cached one, or a fresh one when the cached set
    /// lacks the token's key and the last fetch is not too recent.
    async fn keys_for(
        &self,
        token: &str,
        metadata: &ProviderMetadata,
    ) -> Result<JwkSet, OidcError> {
        let mut cache = self.keys.lock().await;
        if let Some(keys) = &cache.keys
            && signing_key(token, keys).is_some()
        {
            return Ok(keys.clone());
        }
        let now = Instant::now();
        if !cache.may_refetch(now) {
            return Ok(cache.keys.clone().unwrap_or(JwkSet { keys: Vec::new() }));
        }
        let keys: JwkSet = self.get_json(metadata.jwks_uri.clone()).await?;
        cache.keys = Some(keys.clone());
        cache.fetched_at = Some(now);
        Ok(keys)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: Url) -> Result<T, OidcError> {
        let response = self
            .http
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| OidcError::Provider(format!("{url}: {}", chain(&e))))?;
        if !response.status().is_success() {
            return Err(OidcError::Provider(format!(
                "{url} answered {}",
                response.status()
            )));
        }
        let body = read_bounded(response).await?;
        serde_json::from_slice(&body)
            .map_err(|e| OidcError::Provider(format!("{url} is not the expected JSON: {e}")))
    }
}

/// The answer's body, refused past [`MAX_ANSWER_BYTES`].
async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, OidcError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| OidcError::Provider(format!("reading its answer: {e}")))?
    {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(OidcError::Provider("its answer is too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An error with its causes, for the log.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Client credentials in HTTP Basic are form-url-encoded first (RFC 6749, section 2.3.1).
fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
