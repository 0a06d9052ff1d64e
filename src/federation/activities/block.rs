//! `Block`: sent to a remote actor that a local person blocks (Mastodon sends it too, so the
//! other server can hide the blocker's content from them). Inbound `Block`s are ignored.

use serde_json::{Value, json};

use super::with_context;

/// The outgoing `Block` of `target` by `actor`.
pub fn build(id: &str, actor: &str, target: &str) -> Value {
    with_context(json!({ "id": id, "type": "Block", "actor": actor, "object": target }))
}
