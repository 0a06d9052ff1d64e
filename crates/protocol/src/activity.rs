//! The envelope every activity shares; the kind of its `object` is the type parameter.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::audience::Audience;
use crate::kinds::ActivityKind;
use crate::reference::Reference;

/// An activity whose object is an `O`: a [`Reference`] for Follow, Like or Delete, an
/// embedded activity for Accept and Undo, an [`crate::Object`] for Create.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity<O> {
    /// JSON-LD context (top-level documents only).
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// The activity's id.
    pub id: Url,
    /// The activity's type.
    #[serde(rename = "type")]
    pub kind: ActivityKind,
    /// Who did it.
    pub actor: Reference,
    /// What it was done to.
    pub object: O,
    /// Recipients.
    #[serde(flatten)]
    pub addressed: Audience,
    /// The group it happened in (FEP-1b12 `audience`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Reference>,
    /// The collection of an Add or Remove, the new account of a Move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Reference>,
    /// When it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// A report's comment, or an emoji reaction's emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

impl<O> Activity<O> {
    /// An activity addressed to nobody yet, without a context.
    pub fn new(id: Url, kind: ActivityKind, actor: Url, object: O) -> Self {
        Self {
            context: None,
            id,
            kind,
            actor: Reference(actor),
            object,
            addressed: Audience::default(),
            audience: None,
            target: None,
            published: None,
            content: None,
        }
    }
}
