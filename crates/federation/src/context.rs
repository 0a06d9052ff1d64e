//! The activitypub_federation configuration of an instance, and the HTTP client it uses.

use std::time::Duration;

use activitypub_federation::config::FederationConfig;
use reqwest::redirect::Policy;
use reqwest_middleware::ClientWithMiddleware;

use trellis_domain::state::AppState;
use trellis_storage::models::Account;

use super::error::FederationError;
use super::objects::person::ActorObject;
use super::outbound::{AddressGuard, GuardedResolver};

/// Request data handed to everything that may talk to other servers.
pub use trellis_domain::state::FedData;

/// Most outgoing HTTP requests one inbound request may cause (thread fetches, actors).
const HTTP_FETCH_LIMIT: u32 = 50;
/// Timeout of outgoing requests.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client for federation, used by fetches and deliveries alike: no redirects
/// followed, timeouts, the federation policy (blocks, and peers only in `allowlist` mode),
/// and (unless `allow_http` is set) only `https` to public addresses or peers, IP literals
/// included ([`super::outbound`]). Certificates of `TRELLIS_CA_FILE` are trusted besides the
/// system's roots. A client that cannot be built is an error, never a default client without
/// these guards.
pub fn http_client(state: &AppState) -> Result<ClientWithMiddleware, FederationError> {
    guarded_client(state, REQUEST_TIMEOUT)
}

/// A client with the federation client's guards whose requests, body included, may take
/// `timeout` (the media proxy downloads files larger than documents).
pub(crate) fn guarded_client(
    state: &AppState,
    timeout: Duration,
) -> Result<ClientWithMiddleware, FederationError> {
    let config = state.config();
    let builder = client_builder(config)?.timeout(timeout);
    let builder = if config.allow_http {
        builder
    } else {
        builder.dns_resolver(std::sync::Arc::new(GuardedResolver {
            state: state.clone(),
        }))
    };
    let client = builder
        .build()
        .map_err(|e| FederationError::Fetch(format!("the HTTP client: {e}")))?;
    Ok(reqwest_middleware::ClientBuilder::new(client)
        .with(AddressGuard {
            state: state.clone(),
        })
        .build())
}

/// The settings every outgoing client of the instance shares: no redirects followed,
/// timeouts, the instance's user agent, and the certificates of `TRELLIS_CA_FILE` trusted
/// besides the system's roots. The federation client adds its guards; the OpenID Connect
/// client, which only talks to the configured identity provider, uses it as it is.
pub fn client_builder(
    config: &trellis_config::Config,
) -> Result<reqwest::ClientBuilder, FederationError> {
    let builder = reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .connect_timeout(REQUEST_TIMEOUT)
        .user_agent(format!(
            "Trellis/{} (+{}://{}/)",
            env!("CARGO_PKG_VERSION"),
            config.scheme(),
            config.domain
        ));
    Ok(match &config.federation.ca_file {
        Some(path) => builder.tls_certs_merge(extra_roots(path)?),
        None => builder,
    })
}

/// The certificates of a PEM file.
fn extra_roots(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, FederationError> {
    let pem = std::fs::read(path).map_err(|e| {
        FederationError::Fetch(format!("cannot read the CA file {}: {e}", path.display()))
    })?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        FederationError::Fetch(format!("the CA file {} is not PEM: {e}", path.display()))
    })?;
    if certificates.is_empty() {
        return Err(FederationError::Fetch(format!(
            "the CA file {} holds no certificate",
            path.display()
        )));
    }
    Ok(certificates)
}

/// Builds the federation configuration; fetches are signed by the instance actor and go
/// through `client` (from [`http_client`]).
///
/// The crate's debug mode is on: its own URL checks refuse every explicit port and internal
/// address (with no way to name the organisation's peers but an environment variable that lifts
/// them for every host), so [`super::outbound`]'s guard, which knows the peers, checks every
/// request instead. The crate's WebFinger (whose scheme follows the debug mode) is not used
/// ([`super::lookup`]).
pub async fn federation_config(
    state: AppState,
    instance_actor: Account,
    client: reqwest_middleware::ClientWithMiddleware,
) -> Result<FederationConfig<AppState>, FederationError> {
    let allow_http = state.config().allow_http;
    let domain = state.config().domain.clone();
    let signer = ActorObject::new(instance_actor)?;
    FederationConfig::builder()
        .domain(domain)
        .app_data(state)
        .client(client)
        .debug(true)
        .allow_http_urls(allow_http)
        .http_fetch_limit(HTTP_FETCH_LIMIT)
        .request_timeout(REQUEST_TIMEOUT)
        .http_signature_compat(true)
        .signed_fetch_actor(&signer)
        .build()
        .await
        .map_err(|e| FederationError::Fetch(format!("federation configuration: {e}")))
}
