//! Actor documents: Person, Service, Application, Group, Organization.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::kinds::ObjectKind;
use crate::many::Many;
use crate::object::Attachment;
use crate::reference::Reference;

/// An actor as served at its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// JSON-LD context (top-level documents only).
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// Actor id.
    pub id: Url,
    /// Person, Group...
    #[serde(rename = "type")]
    pub kind: ObjectKind,
    /// The username part of the handle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_username: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Biography (HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Personal inbox.
    pub inbox: Url,
    /// Outbox collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<Url>,
    /// Followers collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<Url>,
    /// Following collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<Url>,
    /// The posts pinned to the profile (Mastodon's `featured` collection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub featured: Option<Url>,
    /// Shared inbox and other endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    /// The key that verifies the actor's signatures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PublicKey>,
    /// Avatar (an Image, or a bare URL).
    #[serde(
        default,
        deserialize_with = "images",
        skip_serializing_if = "Many::is_empty"
    )]
    pub icon: Many<Attachment>,
    /// Header image (an Image, or a bare URL).
    #[serde(
        default,
        deserialize_with = "images",
        skip_serializing_if = "Many::is_empty"
    )]
    pub image: Many<Attachment>,
    /// Profile page.
    #[serde(default, skip_serializing_if = "Many::is_empty")]
    pub url: Many<Reference>,
    /// Listed in directories.
    #[serde(default)]
    pub discoverable: bool,
    /// Follow requests need approval.
    #[serde(default)]
    pub manually_approves_followers: bool,
    /// Profile fields ([`PropertyValue`]) and other attachments (written as an array).
    #[serde(
        default,
        skip_serializing_if = "Many::is_empty",
        serialize_with = "crate::many::as_array"
    )]
    pub attachment: Many<Value>,
    /// When the actor was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// Trellis extension `trellis:department`: the person's department or subsidiary (plain
    /// text; any other JSON is ignored on receipt).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub department: Value,
    /// schema.org `jobTitle` (plain text).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub job_title: Value,
    /// schema.org `workLocation`: plain text, or a `Place` whose `name` is read on receipt.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub work_location: Value,
}

impl Actor {
    /// The shared inbox, if the actor names one.
    pub fn shared_inbox(&self) -> Option<&Url> {
        self.endpoints.as_ref()?.shared_inbox.as_ref()
    }
}

/// Images given as `Image` objects or as bare URLs (read as an `Image` at that URL); items
/// that are neither are skipped.
fn images<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Many<Attachment>, D::Error> {
    let items = match Value::deserialize(deserializer)? {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        item => vec![item],
    };
    Ok(Many(
        items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(url) => {
                    serde_json::from_value(serde_json::json!({"type": "Image", "url": url})).ok()
                }
                other => serde_json::from_value(other).ok(),
            })
            .collect(),
    ))
}

/// `endpoints` of an actor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    /// The server's shared inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
}

/// An actor's public key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    /// The key id signatures name.
    pub id: String,
    /// The actor owning it.
    pub owner: Url,
    /// The key, PEM-encoded.
    pub public_key_pem: String,
}

/// A `name: value` profile field (schema.org PropertyValue), as an actor's `attachment`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct PropertyValue {
    /// Always `PropertyValue`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Label.
    pub name: String,
    /// Value as HTML.
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_icon_may_be_an_image_or_a_bare_url() {
        let actor: Actor = serde_json::from_value(json!({
            "id": "https://a.example/u/x",
            "type": "Person",
            "inbox": "https://a.example/u/x/inbox",
            "icon": "https://a.example/x.png",
            "image": [{"type": "Image", "url": "https://a.example/h.png"}, 7],
        }))
        .expect("actor");
        let location =
            |images: &Many<Attachment>| images.first().and_then(Attachment::location).cloned();
        assert_eq!(
            location(&actor.icon).map(String::from).as_deref(),
            Some("https://a.example/x.png")
        );
        assert_eq!(actor.image.len(), 1);
        assert_eq!(
            location(&actor.image).map(String::from).as_deref(),
            Some("https://a.example/h.png")
        );
    }
}
