//! The activitypub_federation configuration of an instance, and the HTTP client it uses.

use std::time::Duration;

use activitypub_federation::config::FederationConfig;
use reqwest::redirect::Policy;
use reqwest_middleware::ClientWithMiddleware;

use trellis_config::Config;
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
/// followed, timeouts, and (unless `allow_http` is set) only `https` to public addresses, IP
/// literals included ([`super::outbound`]). A client that cannot be built is an error, never
/// a default client without these guards.
pub fn http_client(config: &Config) -> Result<ClientWithMiddleware, FederationError> {
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
    let builder = if config.allow_http {
        builder
    } else {
        builder.dns_resolver(std::sync::Arc::new(GuardedResolver))
    };
    let client = builder
        .build()
        .map_err(|e| FederationError::Fetch(format!("the HTTP client: {e}")))?;
    Ok(reqwest_middleware::ClientBuilder::new(client)
        .with(AddressGuard {
            allow_http: config.allow_http,
        })
        .build())
}

/// Builds the federation configuration; fetches are signed by the instance actor and go
/// through `client` (from [`http_client`]).
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
        .debug(allow_http)
        .allow_http_urls(allow_http)
        .http_fetch_limit(HTTP_FETCH_LIMIT)
        .request_timeout(REQUEST_TIMEOUT)
        .http_signature_compat(true)
        .signed_fetch_actor(&signer)
        .build()
        .await
        .map_err(|e| FederationError::Fetch(format!("federation configuration: {e}")))
}
