//! A SCIM User resource read into what Trellis keeps ([`ScimPerson`]), a provisioned person
//! written back as a resource with `id` and `meta`, and the `attributes` and
//! `excludedAttributes` projections.

use serde_json::{Map, Value, json};

use super::error::ScimError;
use super::schema::{CORE_USER, ENTERPRISE_USER, get, key_in, starts_with_urn, strip_schema};
use trellis_domain::services::scim::{ScimPerson, ScimRecord};

/// The longest userName or externalId, in characters.
const MAX_NAME_CHARS: usize = 256;

fn text<'a>(doc: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, ScimError> {
    match get(doc, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ScimError::invalid_value(format!("{name} must be a string"))),
    }
}

fn bounded(name: &str, value: Option<&str>) -> Result<Option<String>, ScimError> {
    match value {
        Some(v) if v.chars().count() > MAX_NAME_CHARS || v.chars().any(char::is_control) => {
            Err(ScimError::invalid_value(format!(
                "{name} must be one line of at most {MAX_NAME_CHARS} characters"
            )))
        }
        other => Ok(other.map(str::to_string)),
    }
}

/// `active` as given: a boolean, or the strings `"True"` and `"False"` some providers send.
fn active(doc: &Map<String, Value>) -> Result<Option<bool>, ScimError> {
    match get(doc, "active") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(ScimError::invalid_value("active must be a boolean")),
    }
}

fn display_name(doc: &Map<String, Value>) -> Result<Option<String>, ScimError> {
    if let Some(name) = text(doc, "displayName")?.filter(|n| !n.trim().is_empty()) {
        return Ok(Some(name.to_string()));
    }
    let Some(Value::Object(name)) = get(doc, "name") else {
        return Ok(None);
    };
    if let Some(formatted) = text(name, "formatted")?.filter(|n| !n.trim().is_empty()) {
        return Ok(Some(formatted.to_string()));
    }
    let parts: Vec<&str> = [text(name, "givenName")?, text(name, "familyName")?]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect();
    Ok(Some(parts.join(" ")).filter(|n| !n.is_empty()))
}

fn primary_email(doc: &Map<String, Value>) -> Result<Option<String>, ScimError> {
    let emails = match get(doc, "emails") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(emails)) => emails,
        Some(_) => return Err(ScimError::invalid_value("emails must be an array")),
    };
    let objects: Vec<&Map<String, Value>> = emails.iter().filter_map(Value::as_object).collect();
    let chosen = objects
        .iter()
        .find(|e| get(e, "primary") == Some(&Value::Bool(true)))
        .or_else(|| objects.first());
    Ok(match chosen {
        Some(email) => text(email, "value")?.map(str::to_string),
        None => None,
    })
}

fn department(doc: &Map<String, Value>) -> Result<Option<String>, ScimError> {
    match get(doc, ENTERPRISE_USER) {
        Some(Value::Object(extension)) => Ok(text(extension, "department")?.map(str::to_string)),
        _ => Ok(None),
    }
}

/// Reads a User resource (a POST or PUT body, or a patched resource).
pub(crate) fn person(mut doc: Map<String, Value>) -> Result<ScimPerson, ScimError> {
    doc.retain(|k, _| !k.eq_ignore_ascii_case("id") && !k.eq_ignore_ascii_case("meta"));
    let user_name = bounded("userName", text(&doc, "userName")?)?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ScimError::invalid_value("userName is required"))?;
    let external_id = bounded("externalId", text(&doc, "externalId")?)?;
    let active = active(&doc)?;
    if let Some(active) = active {
        let key = key_in(&doc, "active");
        doc.insert(key, Value::Bool(active));
    }
    let mut schemas = vec![json!(CORE_USER)];
    if get(&doc, ENTERPRISE_USER).is_some() {
        schemas.push(json!(ENTERPRISE_USER));
    }
    let key = key_in(&doc, "schemas");
    doc.insert(key, Value::Array(schemas));
    Ok(ScimPerson {
        display_name: display_name(&doc)?,
        email: primary_email(&doc)?,
        department: department(&doc)?,
        user_name,
        external_id,
        active,
        resource: Value::Object(doc),
    })
}

/// The weak ETag of a provisioned person's current version.
pub(crate) fn etag(record: &ScimRecord) -> String {
    format!("W/\"{}\"", record.row.version)
}

/// Where a provisioned person's resource is, under the SCIM base URL `base`.
pub(crate) fn location(base: &str, id: &str) -> String {
    format!("{base}/Users/{id}")
}

/// A provisioned person as a User resource: the stored resource with `id`, `meta` and the
/// person's actual `active` state (when the resource has `active`).
pub(crate) fn representation(record: &ScimRecord, base: &str) -> Map<String, Value> {
    let mut doc = match record.resource() {
        Value::Object(doc) => doc,
        _ => Map::new(),
    };
    doc.insert("id".into(), json!(record.row.id));
    // The person's actual state (an operator may have disabled them); a resource whose
    // `active` was removed shows none, and the person stays as they are.
    let key = key_in(&doc, "active");
    if doc.contains_key(&key) {
        doc.insert(key, json!(record.active));
    }
    let time = |t: chrono::NaiveDateTime| {
        t.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    doc.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": time(record.row.created_at),
            "lastModified": time(record.row.updated_at),
            "location": location(base, &record.row.id),
            "version": etag(record),
        }),
    );
    doc
}

/// An attribute named in `attributes` or `excludedAttributes`: the top-level key and, for a
/// sub-attribute, its name.
fn attribute_name(path: &str) -> (String, Option<String>) {
    let path = path.trim();
    if starts_with_urn(path, ENTERPRISE_USER) {
        let rest = path[ENTERPRISE_USER.len()..].trim_start_matches(':');
        return (
            ENTERPRISE_USER.to_string(),
            Some(rest.to_string()).filter(|r| !r.is_empty()),
        );
    }
    let path = strip_schema(path, CORE_USER);
    match path.split_once('.') {
        Some((top, sub)) => (top.to_string(), Some(sub.to_string())),
        None => (path.to_string(), None),
    }
}

fn names(list: Option<&str>) -> Vec<(String, Option<String>)> {
    list.map(|l| {
        l.split(',')
            .filter(|a| !a.trim().is_empty())
            .map(attribute_name)
            .collect()
    })
    .unwrap_or_default()
}

/// Applies `attributes` (only those, besides `id` and `schemas`) or `excludedAttributes`
/// (all but those) to a resource.
pub(crate) fn project(
    doc: Map<String, Value>,
    attributes: Option<&str>,
    excluded: Option<&str>,
) -> Map<String, Value> {
    let wanted = names(attributes);
    let mut doc = if wanted.is_empty() {
        doc
    } else {
        let mut kept = Map::new();
        for (name, value) in doc {
            let always = name == "id" || name == "schemas";
            let asked: Vec<&Option<String>> = wanted
                .iter()
                .filter(|(top, _)| top.eq_ignore_ascii_case(&name))
                .map(|(_, sub)| sub)
                .collect();
            if always || asked.iter().any(|sub| sub.is_none()) {
                kept.insert(name, value);
            } else if !asked.is_empty()
                && let Value::Object(inner) = value
            {
                let inner: Map<String, Value> = inner
                    .into_iter()
                    .filter(|(k, _)| {
                        asked
                            .iter()
                            .any(|sub| sub.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(k)))
                    })
                    .collect();
                kept.insert(name, Value::Object(inner));
            }
        }
        kept
    };
    for (top, sub) in names(excluded) {
        if top.eq_ignore_ascii_case("id") || top.eq_ignore_ascii_case("schemas") {
            continue;
        }
        let key = key_in(&doc, &top);
        match sub {
            None => {
                doc.remove(&key);
            }
            Some(sub) => {
                if let Some(Value::Object(inner)) = doc.get_mut(&key) {
                    let sub = key_in(inner, &sub);
                    inner.remove(&sub);
                }
            }
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_is_read_into_a_person() {
        let doc = json!({
            "id": "ignored",
            "userName": "Alice@Example.com",
            "name": {"givenName": "Alice", "familyName": "Smith"},
            "emails": [
                {"value": "home@example.com"},
                {"value": "alice@example.com", "primary": true},
            ],
            "active": "False",
            ENTERPRISE_USER: {"department": "Research"},
        });
        let person = person(doc.as_object().unwrap().clone()).unwrap();
        assert_eq!(person.user_name, "Alice@Example.com");
        assert_eq!(person.display_name.as_deref(), Some("Alice Smith"));
        assert_eq!(person.email.as_deref(), Some("alice@example.com"));
        assert_eq!(person.department.as_deref(), Some("Research"));
        assert_eq!(person.active, Some(false));
        assert_eq!(person.resource["active"], false);
        assert!(person.resource.get("id").is_none());
    }

    #[test]
    fn attributes_are_projected() {
        let doc = json!({"id": "1", "schemas": [], "userName": "a", "name": {"givenName": "A", "familyName": "B"}, "displayName": "A B"});
        let doc = doc.as_object().unwrap().clone();
        let only = project(doc.clone(), Some("name.givenName"), None);
        assert_eq!(
            Value::Object(only),
            json!({"id": "1", "schemas": [], "name": {"givenName": "A"}})
        );
        let without = project(doc, None, Some("displayName,name"));
        assert_eq!(
            Value::Object(without),
            json!({"id": "1", "schemas": [], "userName": "a"})
        );
    }
}
