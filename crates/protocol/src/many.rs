//! A property that real servers send as one value, an array, `null`, or not at all.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;

/// Zero or more values of a property. Reading keeps the items that parse as `T` and skips
/// the others (a server's extension items must not make the whole document unreadable).
/// Writing gives a single value for one item and an array otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Many<T>(pub Vec<T>);

impl<T> Default for Many<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Many<T> {
    /// The items, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// True when the property named nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of items kept.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The first item.
    pub fn first(&self) -> Option<&T> {
        self.0.first()
    }

    /// Keeps the first `limit` items (caps on lists a remote server controls).
    pub fn truncated(mut self, limit: usize) -> Self {
        self.0.truncate(limit);
        self
    }
}

impl<T> From<Vec<T>> for Many<T> {
    fn from(items: Vec<T>) -> Self {
        Self(items)
    }
}

impl<T> IntoIterator for Many<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Many<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = match Value::deserialize(deserializer)? {
            Value::Null => Vec::new(),
            Value::Array(values) => values,
            single => vec![single],
        };
        Ok(Self(
            items
                .into_iter()
                .filter_map(|item| serde_json::from_value(item).ok())
                .collect(),
        ))
    }
}

impl<T: Serialize> Serialize for Many<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [single] => single.serialize(serializer),
            items => items.serialize(serializer),
        }
    }
}

/// Writes a property as an array whatever its length, for the properties Trellis always sends
/// as arrays (`to`, `cc`, `tag`, `attachment`), as Mastodon does.
pub fn as_array<T: Serialize, S: Serializer>(
    many: &Many<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    many.0.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_one_many_null_and_skips_what_does_not_parse() {
        let one: Many<u32> = serde_json::from_value(json!(3)).unwrap();
        assert_eq!(one.0, vec![3]);
        let many: Many<u32> = serde_json::from_value(json!([1, "x", 2])).unwrap();
        assert_eq!(many.0, vec![1, 2]);
        let none: Many<u32> = serde_json::from_value(json!(null)).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn writes_one_item_bare_and_several_as_an_array() {
        assert_eq!(serde_json::to_value(Many(vec![1])).unwrap(), json!(1));
        assert_eq!(
            serde_json::to_value(Many(vec![1, 2])).unwrap(),
            json!([1, 2])
        );
        assert_eq!(
            serde_json::to_value(Many::<u8>::default()).unwrap(),
            json!([])
        );
        let mut array = serde_json::Serializer::new(Vec::new());
        as_array(&Many(vec![1]), &mut array).unwrap();
        assert_eq!(array.into_inner(), b"[1]");
    }
}
