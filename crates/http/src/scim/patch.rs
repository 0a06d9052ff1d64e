//! PATCH (RFC 7644 §3.5.2): `add`, `replace` and `remove` applied to the stored User resource,
//! with or without a path. Paths are `attr`, `attr.sub`, `attr[sub eq "v"]`,
//! `attr[sub eq "v"].sub`, and any of these behind a schema URN (the enterprise extension's
//! `urn:…:User:department`, or the extension URN alone).

use serde_json::{Map, Value};

use super::error::ScimError;
use super::filter::value_filter;
use super::schema::{CORE_USER, ENTERPRISE_USER, get, key_in, starts_with_urn, strip_schema};

/// The most operations one PATCH may carry.
const MAX_OPERATIONS: usize = 100;

/// Where an operation applies.
#[derive(Debug, PartialEq)]
struct PatchPath {
    /// Keys from the top of the resource to the attribute.
    keys: Vec<String>,
    /// For a multi-valued attribute: the values it applies to (`sub eq value`).
    filter: Option<(String, Value)>,
    /// For a filtered attribute: the sub-attribute of the selected values.
    sub: Option<String>,
}

fn parse_path(path: &str) -> Result<PatchPath, ScimError> {
    let path = path.trim();
    if starts_with_urn(path, ENTERPRISE_USER) {
        let rest = &path[ENTERPRISE_USER.len()..];
        let mut parsed = match rest.strip_prefix(':') {
            Some(rest) => attribute_path(rest)?,
            None if rest.is_empty() => PatchPath {
                keys: Vec::new(),
                filter: None,
                sub: None,
            },
            None => return Err(ScimError::invalid_path(format!("unknown path {path:?}"))),
        };
        parsed.keys.insert(0, ENTERPRISE_USER.to_string());
        return Ok(parsed);
    }
    let path = strip_schema(path, CORE_USER);
    if starts_with_urn(path, "urn:") {
        return Err(ScimError::invalid_path(format!(
            "unknown schema in {path:?}"
        )));
    }
    attribute_path(path)
}

fn attribute_path(path: &str) -> Result<PatchPath, ScimError> {
    let invalid = || ScimError::invalid_path(format!("invalid path {path:?}"));
    if let Some((attribute, rest)) = path.split_once('[') {
        let (filter, after) = rest.split_once(']').ok_or_else(invalid)?;
        let sub = match after {
            "" => None,
            _ => Some(after.strip_prefix('.').ok_or_else(invalid)?.to_string()),
        };
        if attribute.is_empty() || attribute.contains('.') {
            return Err(invalid());
        }
        return Ok(PatchPath {
            keys: vec![attribute.to_string()],
            filter: Some(value_filter(filter)?),
            sub,
        });
    }
    let keys: Vec<String> = path.split('.').map(str::to_string).collect();
    if keys.iter().any(String::is_empty) || keys.len() > 2 {
        return Err(invalid());
    }
    Ok(PatchPath {
        keys,
        filter: None,
        sub: None,
    })
}

/// The object at `keys` under `object`, made (as empty objects) where missing.
fn object_at<'a>(
    object: &'a mut Map<String, Value>,
    keys: &[String],
) -> Result<&'a mut Map<String, Value>, ScimError> {
    let Some((first, rest)) = keys.split_first() else {
        return Ok(object);
    };
    let key = key_in(object, first);
    let entry = object
        .entry(key)
        .or_insert_with(|| Value::Object(Map::new()));
    if entry.is_null() {
        *entry = Value::Object(Map::new());
    }
    match entry {
        Value::Object(inner) => object_at(inner, rest),
        _ => Err(ScimError::invalid_path(format!("{first} is not complex"))),
    }
}

/// Merges `new` into `existing`, key by key (without case).
fn merge(existing: &mut Map<String, Value>, new: Map<String, Value>) {
    for (name, value) in new {
        let key = key_in(existing, &name);
        if value.is_null() {
            existing.remove(&key);
        } else {
            existing.insert(key, value);
        }
    }
}

fn matches(element: &Value, (attribute, expected): &(String, Value)) -> bool {
    let Value::Object(element) = element else {
        return false;
    };
    match (get(element, attribute), expected) {
        (Some(Value::String(a)), Value::String(b)) => a.eq_ignore_ascii_case(b),
        (Some(a), b) => a == b,
        (None, _) => false,
    }
}

fn set(
    doc: &mut Map<String, Value>,
    path: PatchPath,
    value: Value,
    add: bool,
) -> Result<(), ScimError> {
    let Some((last, parents)) = path.keys.split_last() else {
        return Err(ScimError::invalid_path("empty path"));
    };
    let parent = object_at(doc, parents)?;
    let key = key_in(parent, last);
    let Some(filter) = path.filter else {
        match (add, parent.get_mut(&key), value) {
            (_, _, Value::Null) => {
                parent.remove(&key);
            }
            (true, Some(Value::Array(existing)), Value::Array(new)) => {
                for item in new {
                    if !existing.contains(&item) {
                        existing.push(item);
                    }
                }
            }
            (_, Some(Value::Object(existing)), Value::Object(new)) => {
                merge(existing, new);
            }
            (_, _, value) => {
                parent.insert(key, value);
            }
        }
        return Ok(());
    };
    let values = parent
        .entry(key)
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(values) = values else {
        return Err(ScimError::invalid_path(format!(
            "{last} is not multi-valued"
        )));
    };
    let mut matched = false;
    for element in values.iter_mut().filter(|e| matches(e, &filter)) {
        matched = true;
        let Value::Object(element) = element else {
            continue;
        };
        match (&path.sub, &value) {
            (Some(sub), value) => {
                let key = key_in(element, sub);
                element.insert(key, value.clone());
            }
            (None, Value::Object(new)) => merge(element, new.clone()),
            (None, _) => return Err(ScimError::invalid_value("the value must be an object")),
        }
    }
    if !matched {
        let mut element = Map::new();
        element.insert(filter.0.clone(), filter.1.clone());
        match (path.sub, value) {
            (Some(sub), value) => {
                element.insert(key_in(&element, &sub), value);
            }
            (None, Value::Object(new)) => merge(&mut element, new),
            (None, _) => return Err(ScimError::invalid_value("the value must be an object")),
        }
        values.push(Value::Object(element));
    }
    Ok(())
}

fn remove(doc: &mut Map<String, Value>, path: PatchPath) -> Result<(), ScimError> {
    let Some((last, parents)) = path.keys.split_last() else {
        return Err(ScimError::invalid_path("empty path"));
    };
    let mut parent = doc;
    for name in parents {
        let key = key_in(parent, name);
        match parent.get_mut(&key) {
            Some(Value::Object(inner)) => parent = inner,
            _ => return Ok(()),
        }
    }
    let key = key_in(parent, last);
    let Some(filter) = path.filter else {
        parent.remove(&key);
        return Ok(());
    };
    if let Some(Value::Array(values)) = parent.get_mut(&key) {
        match &path.sub {
            Some(sub) => {
                for element in values.iter_mut().filter(|e| matches(e, &filter)) {
                    if let Value::Object(element) = element {
                        let sub = key_in(element, sub);
                        element.remove(&sub);
                    }
                }
            }
            None => values.retain(|e| !matches(e, &filter)),
        }
        if values.is_empty() {
            parent.remove(&key);
        }
    }
    Ok(())
}

/// Applies the operations of a PatchOp `body` to `doc`.
pub(crate) fn apply(doc: &mut Map<String, Value>, body: &Value) -> Result<(), ScimError> {
    let operations = body
        .as_object()
        .and_then(|b| get(b, "Operations"))
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::invalid_syntax("a PatchOp needs an Operations array"))?;
    if operations.len() > MAX_OPERATIONS {
        return Err(ScimError::invalid_value(format!(
            "at most {MAX_OPERATIONS} operations at once"
        )));
    }
    for operation in operations {
        let operation = operation
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("an operation must be an object"))?;
        let op = get(operation, "op")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let path = get(operation, "path").and_then(Value::as_str);
        let value = get(operation, "value").cloned();
        match (op.as_str(), path, value) {
            ("add" | "replace", Some(path), Some(value)) => {
                set(doc, parse_path(path)?, value, op == "add")?
            }
            ("add" | "replace", None, Some(Value::Object(values))) => {
                for (name, value) in values {
                    set(doc, parse_path(&name)?, value, op == "add")?;
                }
            }
            ("add" | "replace", _, _) => {
                return Err(ScimError::invalid_value(format!(
                    "{op} needs a value (an object when there is no path)"
                )));
            }
            ("remove", Some(path), _) => remove(doc, parse_path(path)?)?,
            ("remove", None, _) => return Err(ScimError::no_target("remove needs a path")),
            _ => {
                return Err(ScimError::invalid_value(format!(
                    "unknown operation {op:?}"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patched(doc: Value, operations: Value) -> Value {
        let mut doc = doc.as_object().unwrap().clone();
        apply(&mut doc, &json!({ "Operations": operations })).unwrap();
        Value::Object(doc)
    }

    #[test]
    fn operations_apply_with_and_without_paths() {
        let doc = json!({
            "userName": "a",
            "name": {"givenName": "A"},
            "emails": [{"type": "work", "value": "a@x.org", "primary": true}],
        });
        let out = patched(
            doc,
            json!([
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "b@x.org"},
                {"op": "replace", "value": {"active": false, "name.familyName": "B"}},
                {"op": "add", "path": format!("{ENTERPRISE_USER}:department"), "value": "Ops"},
                {"op": "remove", "path": "name.givenName"},
            ]),
        );
        assert_eq!(out["emails"][0]["value"], "b@x.org");
        assert_eq!(out["active"], false);
        assert_eq!(out["name"], json!({"familyName": "B"}));
        assert_eq!(out[ENTERPRISE_USER]["department"], "Ops");
    }

    #[test]
    fn bad_operations_are_refused() {
        let mut doc = Map::new();
        for operations in [
            json!([{"op": "remove"}]),
            json!([{"op": "move", "path": "userName"}]),
            json!([{"op": "add", "path": "urn:example:x"}]),
            json!([{"op": "add", "path": "a[b]", "value": 1}]),
        ] {
            assert!(apply(&mut doc, &json!({ "Operations": operations })).is_err());
        }
    }
}
