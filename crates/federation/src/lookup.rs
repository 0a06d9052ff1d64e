//! The domain's [`RemoteLookup`], implemented with activitypub_federation: WebFinger for
//! handles, and `ObjectId::dereference` (fetch, verify, store) for actor and post URLs.

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use url::Url;

use trellis_domain::remote::{LookupError, RemoteLookup};
use trellis_domain::state::{AppState, FedData};
use trellis_storage::models::{Account, Post};

use crate::objects::note::NoteObject;
use crate::objects::person::ActorObject;

/// Fetches and stores remote actors and posts for the domain.
#[derive(Clone, Copy, Debug, Default)]
pub struct FederatedLookup;

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
        let found: ActorObject = webfinger_resolve_actor::<AppState, ActorObject>(handle, data)
            .await
            .map_err(|e| LookupError(e.to_string()))?;
        Ok(found.account)
    }

    async fn object_by_url(&self, data: &FedData, url: Url) -> Result<Post, LookupError> {
        let found = ObjectId::<NoteObject>::from(url)
            .dereference(data)
            .await
            .map_err(|e| LookupError(e.to_string()))?;
        Ok(found.post)
    }
}
