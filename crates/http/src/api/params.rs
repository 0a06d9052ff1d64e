//! Request parameters as Mastodon clients send them: JSON, url-encoded or multipart bodies,
//! query strings with Rails-style arrays (`id[]=1&id[]=2`) and nested keys
//! (`poll[options][]=a`), booleans as `"1"`/`"0"`, numbers as strings.
//!
//! Everything is first normalised into a `serde_json::Value`, then deserialised with the
//! lenient helpers in [`de`].

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::HttpError;

/// A parsed request body (JSON, url-encoded or multipart; an empty body is `{}`).
pub(crate) struct ApiForm<T>(pub T);

/// Parsed query parameters.
pub(crate) struct ApiQuery<T>(pub T);

fn invalid(message: impl std::fmt::Display) -> HttpError {
    HttpError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("Validation failed: {message}"),
    )
}

/// Deserialises normalised parameters; a mismatch is 422 naming the problem.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, HttpError> {
    serde_json::from_value(value).map_err(invalid)
}

/// Inserts `key=value` into `root`, following brackets: `a[b][]` becomes `{"a": {"b": [..]}}`.
pub(crate) fn insert_pair(root: &mut Map<String, Value>, key: &str, value: String) {
    let (head, rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    let mut path: Vec<&str> = vec![head];
    let mut rest = rest;
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(end) = stripped.find(']') else { break };
        path.push(&stripped[..end]);
        rest = &stripped[end + 1..];
    }
    insert_path(root, &path, Value::String(value));
}

fn insert_path(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    let key = path[0].to_string();
    match path.get(1) {
        None => match map.get_mut(&key) {
            // A repeated plain key collects into an array.
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None => {
                map.insert(key, value);
            }
        },
        // `a[][b]=1&a[][c]=2&a[][b]=3`: an array of objects, a new one whenever its last
        // object already has the key (as Rails reads them).
        Some(&"") if path.len() > 2 => {
            let entry = map.entry(key).or_insert_with(|| Value::Array(Vec::new()));
            if !entry.is_array() {
                *entry = Value::Array(Vec::new());
            }
            if let Value::Array(items) = entry {
                let fits = items
                    .last()
                    .and_then(Value::as_object)
                    .is_some_and(|last| !last.contains_key(path[2]) || path.len() > 3);
                if !fits {
                    items.push(Value::Object(Map::new()));
                }
                if let Some(Value::Object(last)) = items.last_mut() {
                    insert_path(last, &path[2..], value);
                }
            }
        }
        Some(&"") => {
            let entry = map.entry(key).or_insert_with(|| Value::Array(Vec::new()));
            match entry {
                Value::Array(items) => items.push(value),
                other => {
                    let first = other.take();
                    *other = Value::Array(vec![first, value]);
                }
            }
        }
        Some(_) => {
            let entry = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(inner) = entry {
                insert_path(inner, &path[1..], value);
            }
        }
    }
}

/// Normalises a url-encoded string into a JSON object.
pub(crate) fn parse_urlencoded(text: &str) -> Value {
    let mut root = Map::new();
    for (key, value) in url::form_urlencoded::parse(text.as_bytes()) {
        insert_pair(&mut root, &key, value.into_owned());
    }
    Value::Object(root)
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, HttpError> {
        let value = parse_urlencoded(parts.uri.query().unwrap_or(""));
        Ok(ApiQuery(from_value(value)?))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiForm<T> {
    type Rejection = HttpError;

    async fn from_request(request: Request, state: &S) -> Result<Self, HttpError> {
        let content_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let value = if content_type.starts_with("multipart/form-data") {
            multipart_value(request, state).await?
        } else {
            let bytes = axum::body::Bytes::from_request(request, state)
                .await
                .map_err(|e| HttpError::new(e.status(), e.body_text()))?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                Value::Object(Map::new())
            } else if content_type.contains("json") {
                serde_json::from_slice(&bytes)
                    .map_err(|e| HttpError::bad_request(format!("invalid JSON body: {e}")))?
            } else {
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| HttpError::bad_request("body is not UTF-8"))?;
                parse_urlencoded(text)
            }
        };
        Ok(ApiForm(from_value(value)?))
    }
}

async fn multipart_value<S: Send + Sync>(request: Request, state: &S) -> Result<Value, HttpError> {
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| HttpError::bad_request(e.body_text()))?;
    let mut root = Map::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| HttpError::bad_request(e.body_text()))?
    {
        let Some(name) = field.name().map(str::to_string) else {
            continue;
        };
        if field.file_name().is_some() {
            // Files are handled by the media endpoints, not as parameters.
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|e| HttpError::bad_request(e.body_text()))?;
        insert_pair(&mut root, &name, text);
    }
    Ok(Value::Object(root))
}

/// Lenient field deserialisers for `#[serde(deserialize_with = ...)]`.
pub(crate) mod de {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    fn truthy(value: &Value) -> Result<bool, String> {
        match value {
            Value::Bool(b) => Ok(*b),
            Value::Number(n) => Ok(n.as_i64() != Some(0)),
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "1" | "true" | "on" | "yes" | "t" => Ok(true),
                "0" | "false" | "off" | "no" | "f" | "" => Ok(false),
                other => Err(format!("{other:?} is not a boolean")),
            },
            Value::Null => Ok(false),
            other => Err(format!("{other} is not a boolean")),
        }
    }

    /// A boolean from `true`, `"true"`, `"1"`, `1`, ...
    pub(crate) fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        truthy(&Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }

    /// An optional boolean (absent or null is `None`).
    pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            other => truthy(&other).map(Some).map_err(serde::de::Error::custom),
        }
    }

    /// An optional integer from a number or a numeric string (empty string is `None`).
    pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            Value::Number(n) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("{n} is not an integer"))),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::String(s) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| serde::de::Error::custom(format!("{s:?} is not an integer"))),
            other => Err(serde::de::Error::custom(format!(
                "{other} is not an integer"
            ))),
        }
    }

    /// An optional string from a string or a number (ids arrive as both).
    pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        match Value::deserialize(d)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            Value::Number(n) => Ok(Some(n.to_string())),
            other => Err(serde::de::Error::custom(format!("{other} is not a string"))),
        }
    }

    /// A list from an array, a single value, or nothing; numbers become strings.
    pub(crate) fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        let one = |v: Value| match v {
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            other => Err(serde::de::Error::custom(format!("{other} is not a string"))),
        };
        match Value::deserialize(d)? {
            Value::Null => Ok(Vec::new()),
            Value::Array(items) => items.into_iter().map(one).collect(),
            Value::Object(map) => map.into_values().map(one).collect(),
            other => Ok(vec![one(other)?]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    struct Sample {
        #[serde(default, deserialize_with = "de::strings")]
        id: Vec<String>,
        #[serde(default, deserialize_with = "de::bool")]
        local: bool,
        #[serde(default, deserialize_with = "de::opt_i64")]
        limit: Option<i64>,
    }

    #[test]
    fn rails_arrays_and_nested_keys_are_normalised() {
        let value = parse_urlencoded("id[]=1&id[]=2&poll[options][]=a&poll[options][]=b&x=1&x=2");
        assert_eq!(value["id"], json!(["1", "2"]));
        assert_eq!(value["poll"]["options"], json!(["a", "b"]));
        assert_eq!(value["x"], json!(["1", "2"]));
    }

    #[test]
    fn rails_arrays_of_objects_start_a_new_object_on_a_repeated_key() {
        let value = parse_urlencoded(
            "k[][keyword]=a&k[][whole_word]=1&k[][keyword]=b&k[][keyword]=c&k[][whole_word]=0",
        );
        assert_eq!(
            value["k"],
            json!([{"keyword": "a", "whole_word": "1"}, {"keyword": "b"}, {"keyword": "c", "whole_word": "0"}])
        );
    }

    #[test]
    fn lenient_fields_accept_what_clients_send() {
        let sample: Sample = from_value(parse_urlencoded("id=5&local=1&limit=40")).unwrap();
        assert_eq!(sample.id, vec!["5"]);
        assert!(sample.local);
        assert_eq!(sample.limit, Some(40));
        let sample: Sample = from_value(json!({"id": [1, 2], "local": "false"})).unwrap();
        assert_eq!(sample.id, vec!["1", "2"]);
        assert!(!sample.local);
    }

    #[test]
    fn bad_values_are_422() {
        let err = from_value::<Sample>(parse_urlencoded("limit=many")).unwrap_err();
        assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err.message.contains("many"), "{}", err.message);
    }
}
