//! JSON-LD contexts sent with documents.

use serde_json::{Value, json};

/// ActivityStreams namespace.
pub const ACTIVITYSTREAMS: &str = "https://www.w3.org/ns/activitystreams";
/// Security vocabulary (publicKey); strict JSON-LD readers such as Fedify need it.
pub const SECURITY_V1: &str = "https://w3id.org/security/v1";
/// Namespace of the Trellis extension terms (articles' `category`, `official`, `mustRead`;
/// actors' `department`).
pub const TRELLIS_NS: &str = "https://trellis.social/ns#";
/// The public addressing collection.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The context of actor documents: ActivityStreams, security and the extension terms used.
pub fn actor_context() -> Value {
    json!([
        ACTIVITYSTREAMS,
        SECURITY_V1,
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "schema": "http://schema.org#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "jobTitle": "schema:jobTitle",
            "workLocation": "schema:workLocation",
            "trellis": TRELLIS_NS,
            "department": "trellis:department"
        }
    ])
}
