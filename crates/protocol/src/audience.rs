//! Addressing: `to`, `cc` and `audience`, and the ways servers write "public".

use serde::{Deserialize, Serialize};

use crate::many::Many;
use crate::reference::Reference;

/// The public collection, as Trellis writes it.
pub use crate::json::context::PUBLIC;

/// Who an activity or object is addressed to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// Primary recipients (written as an array).
    #[serde(
        default,
        skip_serializing_if = "Many::is_empty",
        serialize_with = "crate::many::as_array"
    )]
    pub to: Many<Reference>,
    /// Secondary recipients (written as an array).
    #[serde(
        default,
        skip_serializing_if = "Many::is_empty",
        serialize_with = "crate::many::as_array"
    )]
    pub cc: Many<Reference>,
}

impl Audience {
    /// Addressed to `to` and `cc`.
    pub fn new(to: Vec<Reference>, cc: Vec<Reference>) -> Self {
        Self {
            to: Many(to),
            cc: Many(cc),
        }
    }

    /// The ids in `to`, as strings.
    pub fn to_ids(&self) -> Vec<String> {
        self.to.iter().map(|r| r.as_str().to_string()).collect()
    }

    /// The ids in `cc`, as strings.
    pub fn cc_ids(&self) -> Vec<String> {
        self.cc.iter().map(|r| r.as_str().to_string()).collect()
    }

    /// Every recipient, `to` first.
    pub(crate) fn recipients(&self) -> impl Iterator<Item = &Reference> {
        self.to.iter().chain(self.cc.iter())
    }

    /// True when `to` names the public collection (public), as opposed to `cc` only
    /// (unlisted) or neither.
    pub fn public_in_to(&self) -> bool {
        self.to.iter().any(is_public)
    }

    /// True when any recipient is the public collection.
    pub fn is_public(&self) -> bool {
        self.recipients().any(is_public)
    }

    /// True when `id` is among the recipients.
    pub fn names(&self, id: &str) -> bool {
        self.recipients().any(|r| r.as_str() == id)
    }
}

/// True for the public collection in each of the forms servers use (`as:Public`, `Public`
/// and the full IRI; a [`Reference`] reads the bare `Public` as the full IRI).
pub fn is_public(reference: &Reference) -> bool {
    matches!(reference.as_str(), PUBLIC | "as:Public")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tells_public_unlisted_and_private_apart() {
        let public: Audience = serde_json::from_value(json!({"to": PUBLIC})).unwrap();
        assert!(public.public_in_to());
        let unlisted: Audience =
            serde_json::from_value(json!({"to": ["https://a.example/f"], "cc": "as:Public"}))
                .unwrap();
        assert!(!unlisted.public_in_to() && unlisted.is_public());
        let private: Audience =
            serde_json::from_value(json!({"to": "https://a.example/followers"})).unwrap();
        assert!(!private.is_public());
        assert!(private.names("https://a.example/followers"));
    }
}
