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

/// `text` cut to at most `max` bytes, at a character boundary.
pub fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// An owned string cut to at most `max` bytes, at a character boundary.
pub fn truncated(text: &str, max: usize) -> String {
    truncate(text, max).to_string()
}

/// `text` if it is an absolute `http` or `https` URL with a host, at most
/// [`MAX_URL_BYTES`](super::limits::MAX_URL_BYTES) long. Every URL Trellis keeps from a remote
/// document goes through here, so `javascript:`, `data:` and other schemes never reach a page
/// or a client.
pub fn web_url(text: &str) -> Option<String> {
    if text.len() > super::limits::MAX_URL_BYTES {
        return None;
    }
    let url = Url::parse(text).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then(|| url.to_string())
}

/// The first id a value names that is a web URL (see [`web_url`]).
pub fn first_web_url(value: &Value) -> Option<String> {
    ids(value).iter().find_map(|id| web_url(id))
}

/// The image URL of an `icon` or `image` value: a URL, an Image whose `url` is a URL or a
/// Link, or an array of them (the first usable one).
pub fn image_url(value: &Value) -> Option<String> {
    items(value).into_iter().find_map(|item| match item {
        Value::String(s) => web_url(s),
        other => other.get("url").and_then(first_web_url),
    })
}

/// True when both URLs have the same scheme, host and port (the default port counts).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
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

    #[test]
    fn only_web_urls_are_kept() {
        assert_eq!(
            web_url("https://a.example/x").as_deref(),
            Some("https://a.example/x")
        );
        for bad in [
            "javascript:alert(document.cookie)//",
            "JavaScript:alert(1)",
            "data:text/html,<script>x</script>",
            "vbscript:x",
            "/relative",
            "mailto:a@b.example",
            "https://",
        ] {
            assert_eq!(web_url(bad), None, "{bad}");
        }
        let long = format!("https://a.example/{}", "a".repeat(3000));
        assert_eq!(web_url(&long), None);
        assert_eq!(
            first_web_url(&json!(["javascript:x", {"href": "https://a.example/y"}])).as_deref(),
            Some("https://a.example/y")
        );
        assert_eq!(
            image_url(&json!({"type": "Image", "url": "javascript:x"})),
            None
        );
        assert_eq!(
            image_url(&json!({"type": "Image", "url": {"type": "Link", "href": "https://a.example/i.png"}}))
                .as_deref(),
            Some("https://a.example/i.png")
        );
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(
            &u("https://a.example/users/x"),
            &u("https://a.example:443/inbox")
        ));
        assert!(!same_origin(
            &u("http://localhost:1/u"),
            &u("http://localhost:2/inbox")
        ));
        assert!(!same_origin(
            &u("https://a.example/u"),
            &u("http://a.example/inbox")
        ));
        assert!(!same_origin(
            &u("http://localhost:1/u"),
            &u("http://127.0.0.1:1/inbox")
        ));
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("héllo", 3), "hé");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
