//! A link to another object: a bare id, or an embedded object or `Link` carrying one.

use serde::de::{Deserialize, Deserializer, Error};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;
use url::Url;

/// The id of an object that a property names. Read from `"https://…"`, `{"id": "https://…"}`
/// or `{"href": "https://…"}` (a `Link`); written as the bare id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reference(pub Url);

impl Reference {
    /// The id.
    pub fn url(&self) -> &Url {
        &self.0
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The id named by a JSON value of any of the accepted shapes. The compact `Public` some
    /// servers address with is read as the public collection.
    pub fn from_value(value: &Value) -> Option<Self> {
        let id = match value {
            Value::String(id) => id.as_str(),
            Value::Object(map) => map
                .get("id")
                .or_else(|| map.get("href"))
                .and_then(Value::as_str)?,
            _ => return None,
        };
        let id = if id == "Public" {
            crate::json::context::PUBLIC
        } else {
            id
        };
        Url::parse(id).ok().map(Self)
    }

    /// The id of a URL string, if it is one.
    pub fn parse(id: &str) -> Option<Self> {
        Url::parse(id).ok().map(Self)
    }
}

impl From<Url> for Reference {
    fn from(url: Url) -> Self {
        Self(url)
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_value(&value)
            .ok_or_else(|| D::Error::custom("expected an id, or an object or link with one"))
    }
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.as_str().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_ids_objects_and_links() {
        for value in [
            json!("https://a.example/1"),
            json!({"id": "https://a.example/1", "type": "Note"}),
            json!({"type": "Link", "href": "https://a.example/1"}),
        ] {
            let reference: Reference = serde_json::from_value(value).unwrap();
            assert_eq!(reference.as_str(), "https://a.example/1");
        }
        assert!(serde_json::from_value::<Reference>(json!({"type": "Note"})).is_err());
        assert!(serde_json::from_value::<Reference>(json!("not a url")).is_err());
    }
}
