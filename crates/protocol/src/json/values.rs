//! Liberal readers for JSON-LD values (a property may be a string, an object with an `id`
//! or `href`, or an array of either), and the one way times are written.

use serde_json::Value;
use url::Url;

/// A stored UTC time as an ActivityStreams `published` value (RFC 3339, milliseconds, `Z`).
pub fn timestamp(at: chrono::NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Every id a value names, in order.
pub fn ids(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(ids).collect(),
        Value::Object(map) => map
            .get("id")
            .or_else(|| map.get("href"))
            .and_then(Value::as_str)
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The first id a value names.
pub fn first_id(value: &Value) -> Option<String> {
    ids(value).into_iter().next()
}

/// The first id a value names, parsed as a URL.
pub fn first_url(value: &Value) -> Option<Url> {
    first_id(value).and_then(|s| Url::parse(&s).ok())
}

/// Items of a value that may be a single item or an array.
pub fn items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The `type` of an object, if it has one (the first, when it is an array).
pub fn type_of(value: &Value) -> Option<&str> {
    match value.get("type")? {
        Value::String(s) => Some(s),
        Value::Array(types) => types.first().and_then(Value::as_str),
        _ => None,
    }
}

/// A string property, if present and a string.
pub fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_shape() {
        assert_eq!(
            ids(&json!("https://a.example/x")),
            vec!["https://a.example/x"]
        );
        assert_eq!(
            ids(
                &json!([{"id": "https://a.example/1"}, "https://a.example/2", {"href": "https://a.example/3"}])
            ),
            vec![
                "https://a.example/1",
                "https://a.example/2",
                "https://a.example/3"
            ]
        );
        assert!(ids(&json!(null)).is_empty());
        assert_eq!(type_of(&json!({"type": ["Note", "Other"]})), Some("Note"));
        assert_eq!(items(&json!({"a": 1})).len(), 1);
    }
}
