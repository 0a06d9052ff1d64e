//! The actor document (Person, Application, Group, Service).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

/// An ActivityPub actor as served at its id.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorDocument {
    /// JSON-LD context.
    #[serde(rename = "@context", default)]
    pub context: Value,
    /// Actor id.
    pub id: Url,
    /// Person, Application, Group or Service.
    #[serde(rename = "type")]
    pub kind: String,
    /// Username part of the handle.
    pub preferred_username: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Biography as HTML.
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
    /// Shared inbox and other endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    /// Key used to verify the actor's signatures.
    pub public_key: PublicKey,
    /// Avatar: an Image object, a URL, or an array of them.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub icon: Value,
    /// Header image.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub image: Value,
    /// Profile page: a URL, a Link or an array.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub url: Value,
    /// Listed in directories.
    #[serde(default)]
    pub discoverable: bool,
    /// Follow requests need approval.
    #[serde(default)]
    pub manually_approves_followers: bool,
    /// Profile fields as PropertyValue items (a single item or an array).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub attachment: Value,
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

/// `endpoints` of an actor.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    /// The server's shared inbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_inbox: Option<Url>,
}

/// A `name: value` profile field (schema.org PropertyValue).
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

/// An actor's public key for HTTP signatures, as federated in its `publicKey` property.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PublicKey {
    /// The key id (`ACTOR#main-key` for Trellis's actors).
    pub id: String,
    /// The actor that owns the key.
    pub owner: Url,
    /// The key in PEM format.
    pub public_key_pem: String,
}
