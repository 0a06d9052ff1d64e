//! Activities: one file each, with what Trellis does when it receives one and how it builds
//! the one it sends.

pub(crate) mod accept;
pub(crate) mod announce;
pub(crate) mod create;
pub(crate) mod delete;
pub(crate) mod follow;
pub(crate) mod like;
pub(crate) mod read;
pub(crate) mod undo;
pub(crate) mod update;

use serde_json::Value;

use super::context::FedData;
use super::error::FederationError;
use super::objects::person::ActorObject;
use trellis_protocol::json::values::{first_id, type_of};

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
    activity: &Value,
    actor: &ActorObject,
) -> Result<Handled, FederationError> {
    match type_of(activity).unwrap_or("") {
        "Follow" => follow::receive(data, activity, actor).await,
        "Accept" => accept::receive(data, activity, actor, true).await,
        "Reject" => accept::receive(data, activity, actor, false).await,
        "Undo" => undo::receive(data, activity, actor).await,
        "Create" => create::receive(data, activity, actor).await,
        "Update" => update::receive(data, activity, actor).await,
        "Delete" => delete::receive(data, activity, actor).await,
        "Like" => like::receive(data, activity, actor).await,
        "Announce" => announce::receive(data, activity, actor).await,
        "Read" => read::receive(data, activity, actor).await,
        _ => Ok(Handled::Ignored("activity type not supported")),
    }
}

/// The id of an activity's `object` (a URL or an embedded object).
pub(crate) fn object_id(activity: &Value) -> Result<String, FederationError> {
    first_id(activity.get("object").unwrap_or(&Value::Null))
        .ok_or_else(|| FederationError::Invalid("the activity has no object".into()))
}

/// The activity's own `id`, required for everything Trellis stores.
pub(crate) fn activity_id(activity: &Value) -> Result<String, FederationError> {
    activity
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| FederationError::Invalid("the activity has no id".into()))
}
