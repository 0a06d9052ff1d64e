//! The instance's own Application actor (FEP-2677), which signs fetches on its behalf.

use crate::state::AppState;
use crate::urls::Urls;
use trellis_storage::models::{Account, NewAccount};

use super::{ServiceError, keys};

/// Stored username of the instance actor; reserved for people.
pub const USERNAME: &str = "instance";
/// ActivityStreams type of the instance actor.
pub const ACTOR_TYPE: &str = "Application";

/// Returns the instance actor, creating it with a key pair on first start; its private key
/// is the secret the media proxy's key is derived from.
pub async fn ensure(state: &AppState) -> Result<Account, ServiceError> {
    let actor = find_or_create(state).await?;
    if let Some(secret) = &actor.private_key_pem {
        state.set_media_proxy_secret(secret);
    }
    Ok(actor)
}

async fn find_or_create(state: &AppState) -> Result<Account, ServiceError> {
    if let Some(actor) = find(state).await? {
        return Ok(actor);
    }
    let keypair = keys::generate(state).await?;
    let urls = state.urls();
    let uri = urls.instance_actor();
    let now = chrono::Utc::now().naive_utc();
    let new = NewAccount {
        id: state.ids().next_id(),
        actor_type: ACTOR_TYPE.into(),
        username: USERNAME.into(),
        domain: None,
        url: Some(urls.at("/")),
        display_name: state.config().instance.name.clone(),
        bio: String::new(),
        inbox_url: urls.at("/actor/inbox"),
        shared_inbox_url: Some(urls.shared_inbox()),
        outbox_url: None,
        followers_url: None,
        following_url: None,
        public_key_id: Urls::key_id(&uri),
        uri,
        public_key_pem: keypair.public_key,
        private_key_pem: Some(keypair.private_key),
        avatar_url: None,
        header_url: None,
        locked: true,
        discoverable: false,
        department: None,
        job_title: None,
        location: None,
        expertise: "[]".into(),
        fields: "[]".into(),
        created_at: now,
        updated_at: now,
        fetched_at: None,
    };
    match state
        .db()
        .write(move |conn| Account::insert(conn, &new))
        .await
    {
        Ok(actor) => Ok(actor),
        // Another process created it first: use theirs.
        Err(e) if e.is_unique_violation() => find(state)
            .await?
            .ok_or_else(|| ServiceError::Internal("instance actor vanished".into())),
        Err(e) => Err(e.into()),
    }
}

/// The instance actor, if it exists yet.
pub async fn find(state: &AppState) -> Result<Option<Account>, ServiceError> {
    Ok(state
        .db()
        .read(|conn| Account::find_local(conn, ACTOR_TYPE, USERNAME))
        .await?)
}
