//! Finding actors and posts by handle or URL, fetching remote ones on demand.

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use url::Url;

use crate::db::models::{Account, Post};
use crate::federation::context::FedData;
use crate::federation::objects::note::NoteObject;
use crate::federation::objects::person::ActorObject;
use crate::state::AppState;

use super::ServiceError;

/// An actor by URL, `user@domain`, `@user@domain` or local `user`; remote ones are fetched.
pub async fn actor(data: &FedData, query: &str) -> Result<Account, ServiceError> {
    let query = query.trim();
    if query.starts_with("http://") || query.starts_with("https://") {
        let url =
            Url::parse(query).map_err(|_| ServiceError::invalid("actor", "is not a valid URL"))?;
        let found = ObjectId::<ActorObject>::from(url)
            .dereference(data)
            .await
            .map_err(|e| ServiceError::NotFound(format!("cannot resolve {query}: {e}")))?;
        return Ok(found.account);
    }
    let handle = query.trim_start_matches('@');
    match handle.split_once('@') {
        Some((user, domain)) if domain != data.urls().domain() => {
            let found: ActorObject = webfinger_resolve_actor(&format!("{user}@{domain}"), data)
                .await
                .map_err(|e| ServiceError::NotFound(format!("cannot resolve {query}: {e}")))?;
            Ok(found.account)
        }
        Some((user, _)) => local_actor(data, user).await,
        None => local_actor(data, handle).await,
    }
}

async fn local_actor(state: &AppState, username: &str) -> Result<Account, ServiceError> {
    super::accounts::public_profile(state, username).await
}

/// A post by id URL; remote ones are fetched with their thread parents.
pub async fn post(data: &FedData, uri: &str) -> Result<Post, ServiceError> {
    let url = Url::parse(uri).map_err(|_| ServiceError::invalid("object", "is not a valid URL"))?;
    let found = ObjectId::<NoteObject>::from(url)
        .dereference(data)
        .await
        .map_err(|e| ServiceError::NotFound(format!("cannot resolve {uri}: {e}")))?;
    Ok(found.post)
}

/// A post by id URL (fetched if remote) that `viewer` may see; a hidden one is reported missing.
pub async fn visible_post(data: &FedData, uri: &str, viewer: i64) -> Result<Post, ServiceError> {
    let found = post(data, uri).await?;
    super::visibility::ensure_visible(data, &found, Some(viewer)).await?;
    Ok(found)
}
