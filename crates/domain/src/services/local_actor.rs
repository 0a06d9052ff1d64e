//! The row of a new local actor (a person or a channel): its URLs, key and empty profile.

use activitypub_federation::http_signatures::Keypair;
use trellis_storage::models::NewAccount;

use crate::state::AppState;
use crate::urls::Urls;

/// A new local actor row at `/users/USERNAME` (inbox, outbox, followers, following, the
/// shared inbox, key `#main-key`), public, not locked, with an empty profile.
pub(crate) fn new_local_actor(
    state: &AppState,
    actor_type: &str,
    username: &str,
    display_name: String,
    keypair: Keypair,
) -> NewAccount {
    let urls = state.urls();
    let uri = urls.user(username);
    let now = chrono::Utc::now().naive_utc();
    NewAccount {
        id: state.ids().next_id(),
        actor_type: actor_type.into(),
        username: username.into(),
        domain: None,
        url: Some(uri.clone()),
        display_name,
        bio: String::new(),
        inbox_url: urls.user_inbox(username),
        shared_inbox_url: Some(urls.shared_inbox()),
        outbox_url: Some(urls.user_outbox(username)),
        followers_url: Some(urls.user_followers(username)),
        following_url: Some(urls.user_following(username)),
        public_key_id: Urls::key_id(&uri),
        uri,
        public_key_pem: keypair.public_key,
        private_key_pem: Some(keypair.private_key),
        avatar_url: None,
        header_url: None,
        locked: false,
        discoverable: true,
        department: None,
        job_title: None,
        location: None,
        expertise: "[]".into(),
        fields: "[]".into(),
        created_at: now,
        updated_at: now,
        fetched_at: None,
    }
}
