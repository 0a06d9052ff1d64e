//! Finding actors and posts by handle or URL, fetching remote ones on demand.

use url::Url;

use crate::state::AppState;
use crate::state::FedData;
use trellis_storage::models::{Account, Post};

use super::ServiceError;

/// An actor by URL, `user@domain`, `@user@domain` or local `user`; remote ones are fetched.
pub async fn actor(data: &FedData, query: &str) -> Result<Account, ServiceError> {
    let query = query.trim();
    if query.starts_with("http://") || query.starts_with("https://") {
        let url =
            Url::parse(query).map_err(|_| ServiceError::invalid("actor", "is not a valid URL"))?;
        return data
            .remote()
            .actor_by_url(data, url)
            .await
            .map_err(|e| ServiceError::NotFound(format!("cannot resolve {query}: {e}")));
    }
    let handle = query.trim_start_matches('@');
    match handle.split_once('@') {
        Some((user, domain)) if domain != data.urls().domain() => data
            .remote()
            .account_by_handle(data, &format!("{user}@{domain}"))
            .await
            .map_err(|e| ServiceError::NotFound(format!("cannot resolve {query}: {e}"))),
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
    data.remote()
        .object_by_url(data, url)
        .await
        .map_err(|e| ServiceError::NotFound(format!("cannot resolve {uri}: {e}")))
}

/// A post by id URL (fetched if remote) that `viewer` may see; a hidden one is reported missing.
pub async fn visible_post(data: &FedData, uri: &str, viewer: i64) -> Result<Post, ServiceError> {
    let found = post(data, uri).await?;
    super::visibility::ensure_visible(data.db(), &found, Some(viewer)).await?;
    Ok(found)
}
