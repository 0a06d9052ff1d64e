//! Activities: one file each, with what Trellis does when it receives one and how it builds
//! the one it sends.

pub(crate) mod accept;
pub(crate) mod announce;
pub(crate) mod boost;
pub(crate) mod create;
pub(crate) mod delete;
pub(crate) mod dislike;
pub(crate) mod featured;
pub(crate) mod flag;
pub(crate) mod follow;
pub(crate) mod like;
pub(crate) mod read;
pub(crate) mod relayed;
pub(crate) mod undo;
pub(crate) mod update;

use trellis_protocol::Inbound;

use super::error::FederationError;
use super::objects::person::ActorObject;
use trellis_domain::state::FedData;

/// What became of an inbound activity.
#[derive(Debug, PartialEq, Eq)]
pub enum Handled {
    /// It changed something.
    Applied,
    /// It was valid but had nothing to act on (unknown type or object).
    Ignored(&'static str),
}

/// Applies a verified activity from `actor`.
pub(crate) async fn dispatch(
    data: &FedData,
    activity: &Inbound,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    match activity {
        Inbound::Follow(follow) => follow::receive(data, follow, actor).await,
        Inbound::Accept(accept) => accept::receive(data, accept, actor, true).await,
        Inbound::Reject(reject) => accept::receive(data, reject, actor, false).await,
        Inbound::Undo(undo) => undo::receive(data, undo, actor).await,
        Inbound::Create(create) => create::receive(data, create, actor).await,
        Inbound::Update(update) => update::receive(data, update, actor).await,
        Inbound::Delete(delete) => delete::receive(data, delete, actor).await,
        Inbound::Like(like) => like::receive(data, like, actor).await,
        Inbound::Announce(announce) => announce::receive(data, announce, actor).await,
        Inbound::Read(read) => read::receive(data, read, actor).await,
        Inbound::Flag(flag) => flag::receive(data, flag, actor).await,
        Inbound::Add(add) => featured::receive(data, add, actor, true).await,
        Inbound::Remove(remove) => featured::receive(data, remove, actor, false).await,
        Inbound::Dislike(dislike) => dislike::receive(data, dislike, actor).await,
        Inbound::EmojiReact(_)
        | Inbound::Block(_)
        | Inbound::Move(_)
        | Inbound::Lock(_)
        | Inbound::Unsupported(_) => Ok(Handled::Ignored("activity type not supported")),
    }
}
