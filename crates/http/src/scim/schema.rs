//! The schema URNs Trellis serves and how attribute names are matched: without case, with or
//! without the schema URN in front.

use serde_json::{Map, Value};

/// The core User schema.
pub(crate) const CORE_USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

/// The enterprise User extension (only `department` is used).
pub(crate) const ENTERPRISE_USER: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// The attribute names Trellis knows, as SCIM spells them.
const KNOWN_NAMES: &[&str] = &[
    "schemas",
    "id",
    "externalId",
    "meta",
    "userName",
    "name",
    "formatted",
    "familyName",
    "givenName",
    "displayName",
    "emails",
    "value",
    "type",
    "primary",
    "display",
    "active",
    "department",
    CORE_USER,
    ENTERPRISE_USER,
];

/// `path` without the leading `urn:` and `:` when it starts with it (in any case).
pub(crate) fn strip_schema<'a>(path: &'a str, urn: &str) -> &'a str {
    match path.get(..urn.len()) {
        Some(head) if head.eq_ignore_ascii_case(urn) => {
            path[urn.len()..].strip_prefix(':').unwrap_or(path)
        }
        _ => path,
    }
}

/// Whether `path` is `urn` or starts with it (in any case).
pub(crate) fn starts_with_urn(path: &str, urn: &str) -> bool {
    path.get(..urn.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(urn))
}

/// The key of `object` that is `name` without case, else `name` as SCIM spells it.
pub(crate) fn key_in(object: &Map<String, Value>, name: &str) -> String {
    object
        .keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .or_else(|| {
            KNOWN_NAMES
                .iter()
                .find(|k| k.eq_ignore_ascii_case(name))
                .map(|k| k.to_string())
        })
        .unwrap_or_else(|| name.to_string())
}

/// The value of `object` under `name`, without case.
pub(crate) fn get<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}
