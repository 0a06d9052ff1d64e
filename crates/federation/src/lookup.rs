//! The domain's [`RemoteLookup`], implemented with activitypub_federation: WebFinger for
//! handles, and `ObjectId::dereference` (fetch, verify, store) for actor and post URLs.

use std::sync::OnceLock;

use activitypub_federation::fetch::object_id::ObjectId;
use reqwest_middleware::ClientWithMiddleware;
use serde::Deserialize;
use url::Url;

use trellis_domain::remote::{LookupError, RemoteLookup};
use trellis_domain::state::FedData;
use trellis_storage::models::{Account, Post};

use crate::context::http_client;
use crate::objects::note::NoteObject;
use crate::objects::person::ActorObject;

/// Largest WebFinger document read.
const MAX_WEBFINGER_BYTES: usize = 64 * 1024;

/// Fetches and stores remote actors and posts for the domain.
#[derive(Debug, Default)]
pub struct FederatedLookup {
    /// The guarded federation client, built on first use from the instance's state.
    client: OnceLock<ClientWithMiddleware>,
}

/// The parts of a WebFinger document Trellis reads.
#[derive(Deserialize)]
struct Webfinger {
    #[serde(default)]
    links: Vec<WebfingerLink>,
}

#[derive(Deserialize)]
struct WebfingerLink {
    rel: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    href: Option<Url>,
}

impl FederatedLookup {
    fn client(&self, data: &FedData) -> Result<&ClientWithMiddleware, LookupError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = http_client(data.app_data()).map_err(|e| LookupError(e.to_string()))?;
        Ok(self.client.get_or_init(|| client))
    }

    /// The actor URL `acct:handle` names, by WebFinger over the instance's scheme (`https`
    /// unless `allow_http`), through the guarded client.
    async fn webfinger(&self, data: &FedData, handle: &str) -> Result<Url, LookupError> {
        let (_, domain) = handle
            .split_once('@')
            .ok_or_else(|| LookupError(format!("{handle} is not user@domain")))?;
        let mut url = Url::parse(&format!(
            "{}://{domain}/.well-known/webfinger",
            data.config().scheme()
        ))
        .map_err(|e| LookupError(format!("{handle}: {e}")))?;
        url.query_pairs_mut()
            .append_pair("resource", &format!("acct:{handle}"));
        let response = self
            .client(data)?
            .get(url)
            .header(reqwest::header::ACCEPT, "application/jrd+json")
            .send()
            .await
            .map_err(|e| LookupError(format!("WebFinger for {handle}: {e}")))?;
        if !response.status().is_success() {
            return Err(LookupError(format!(
                "WebFinger for {handle}: HTTP {}",
                response.status()
            )));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| LookupError(format!("WebFinger for {handle}: {e}")))?;
        if body.len() > MAX_WEBFINGER_BYTES {
            return Err(LookupError(format!("WebFinger for {handle}: too large")));
        }
        let document: Webfinger = serde_json::from_slice(&body)
            .map_err(|_| LookupError(format!("WebFinger for {handle}: not a JRD document")))?;
        document
            .links
            .into_iter()
            .filter(|link| link.rel.as_deref() == Some("self"))
            .filter(|link| {
                link.kind
                    .as_deref()
                    .is_some_and(|kind| kind.starts_with("application/"))
            })
            .find_map(|link| link.href)
            .ok_or_else(|| LookupError(format!("WebFinger for {handle}: no ActivityPub link")))
    }
}

#[async_trait::async_trait]
impl RemoteLookup for FederatedLookup {
    async fn actor_by_url(&self, data: &FedData, url: Url) -> Result<Account, LookupError> {
        let found = ObjectId::<ActorObject>::from(url)
            .dereference(data)
            .await
            .map_err(|e| LookupError(e.to_string()))?;
        Ok(found.account)
    }

    async fn account_by_handle(
        &self,
        data: &FedData,
        handle: &str,
    ) -> Result<Account, LookupError> {
        let url = self.webfinger(data, handle).await?;
        self.actor_by_url(data, url).await
    }

    async fn object_by_url(&self, data: &FedData, url: Url) -> Result<Post, LookupError> {
        let found = ObjectId::<NoteObject>::from(url)
            .dereference(data)
            .await
            .map_err(|e| LookupError(e.to_string()))?;
        Ok(found.post)
    }
}
