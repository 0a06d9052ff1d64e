//! Communities (FEP-1b12 groups): Group actors that people on any instance join by following
//! and post to by mentioning. The group announces every post, reply, edit and delete it
//! carries to its members wherever they are, both as Lemmy expects it (`Announce` of the
//! activity, the object carrying `audience`) and as Mastodon shows it (`Announce` of the
//! object: a boost by the group). Like channels, a community is an `accounts` row without a
//! `users` row; its settings are in `communities`.

pub mod document;
mod fields;
pub mod manage;
pub mod moderators;
mod permissions;
pub mod posting;
pub mod relay;
pub mod requests;
pub mod threads;

pub use fields::CommunityInput;
pub use trellis_storage::models::community::{
    Community, CommunityVisibility, CommunityWithActor, Membership, Posting,
};

use crate::services::ServiceError;
use crate::state::AppState;
use trellis_storage::models::Account;
use trellis_storage::models::community::{Community as Row, CommunityModerator};

/// A community as its API shows it: settings, Group actor and moderators.
#[derive(Clone, Debug)]
pub struct CommunityView {
    /// The settings.
    pub community: Community,
    /// The Group actor (its `followers_count` is the member count across instances).
    pub actor: Account,
    /// Its moderators, local or remote.
    pub moderators: Vec<Account>,
}

/// The local community named `name`, or 404.
pub(crate) fn named(
    conn: &mut trellis_storage::DbConnection,
    name: &str,
) -> Result<Result<CommunityWithActor, ServiceError>, trellis_storage::DbError> {
    Ok(Row::find_by_name(conn, name)?
        .ok_or_else(|| ServiceError::NotFound(format!("no community named {name:?}"))))
}

/// The view of a community.
pub(crate) fn view(
    conn: &mut trellis_storage::DbConnection,
    found: CommunityWithActor,
) -> Result<CommunityView, trellis_storage::DbError> {
    let moderators = CommunityModerator::of(conn, found.actor.id)?;
    Ok(CommunityView {
        community: found.community,
        actor: found.actor,
        moderators,
    })
}

/// Whether the local account is a community's Group actor.
pub async fn is_community(state: &AppState, account_id: i64) -> Result<bool, ServiceError> {
    Ok(state
        .db()
        .read(move |conn| Ok(Row::find(conn, account_id)?.is_some()))
        .await?)
}

/// Runs a change that may be refused in one write transaction (through the outbox, so the
/// activities it queues leave once it commits). A refusal is decided before anything is
/// written.
pub(crate) async fn decide<T, F>(state: &AppState, change: F) -> Result<T, ServiceError>
where
    T: Send + 'static,
    F: FnOnce(
            &mut trellis_storage::DbConnection,
            &AppState,
        ) -> Result<Result<T, ServiceError>, trellis_storage::DbError>
        + Send
        + 'static,
{
    crate::services::outbox::publish(state, change).await?
}
