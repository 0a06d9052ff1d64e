//! What an ID token's claims say about a person, read with the configured claim names.

use serde_json::{Map, Value};

use trellis_config::OidcSettings;

use super::super::work_profile::MAX_WORK_FIELD_CHARS;
use crate::services::accounts::Role;

/// Longest display name kept, in characters (the profile's limit).
const MAX_DISPLAY_NAME_CHARS: usize = 100;
/// Longest email address kept.
const MAX_EMAIL_CHARS: usize = 254;

/// A person as the identity provider describes them.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The provider's issuer URL.
    pub issuer: String,
    /// The provider's stable id of the person (`sub`).
    pub subject: String,
    /// The claim the username is derived from.
    pub username: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Email address, lower-cased.
    pub email: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// The role the groups give; `None` when groups are not read (roles are left alone).
    pub role: Option<Role>,
    /// Every claim, as sent (for matching people provisioned by other means).
    pub claims: Map<String, Value>,
}

/// One line of text, at most `max` characters: a string (or a number) claim, trimmed.
fn text(claims: &Map<String, Value>, name: &str, max: usize) -> Option<String> {
    let value = match claims.get(name)? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let line: String = value
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect();
    Some(line.trim().to_string()).filter(|l| !l.is_empty())
}

/// A claim as a list of strings (a single string is a list of one).
fn strings(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The role the groups give: admin beats moderator beats editor; member otherwise.
pub fn role_from_groups(settings: &OidcSettings, groups: &[String]) -> Role {
    let member_of = |group: &Option<String>| {
        group
            .as_ref()
            .is_some_and(|g| groups.iter().any(|have| have == g))
    };
    let g = &settings.role_groups;
    if member_of(&g.admin) {
        Role::Admin
    } else if member_of(&g.moderator) {
        Role::Moderator
    } else if member_of(&g.editor) {
        Role::Editor
    } else {
        Role::Member
    }
}

impl Identity {
    /// Reads the claims of a verified ID token with the configured claim names.
    pub fn from_claims(
        settings: &OidcSettings,
        issuer: &str,
        subject: &str,
        claims: Map<String, Value>,
    ) -> Self {
        let names = &settings.claims;
        let role = names
            .groups
            .as_ref()
            .map(|claim| role_from_groups(settings, &strings(&claims, claim)));
        Self {
            issuer: issuer.to_string(),
            subject: subject.to_string(),
            username: text(&claims, &names.username, 200),
            display_name: text(&claims, &names.display_name, MAX_DISPLAY_NAME_CHARS),
            email: text(&claims, &names.email, MAX_EMAIL_CHARS).map(|e| e.to_lowercase()),
            department: text(&claims, &names.department, MAX_WORK_FIELD_CHARS),
            role,
            claims,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    fn settings(groups: bool) -> OidcSettings {
        let mut env: HashMap<String, String> = [
            ("TRELLIS_OIDC_ISSUER", "https://idp.example"),
            ("TRELLIS_OIDC_CLIENT_ID", "trellis"),
            ("TRELLIS_OIDC_CLIENT_SECRET", "secret"),
            ("TRELLIS_OIDC_DEPARTMENT_CLAIM", "dept"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        if groups {
            for (k, v) in [
                ("TRELLIS_OIDC_GROUPS_CLAIM", "groups"),
                ("TRELLIS_OIDC_ADMIN_GROUP", "it-admins"),
                ("TRELLIS_OIDC_MODERATOR_GROUP", "moderators"),
                ("TRELLIS_OIDC_EDITOR_GROUP", "comms"),
            ] {
                env.insert(k.into(), v.into());
            }
        }
        trellis_config::Config::from_sources(None, &env)
            .expect("config")
            .sign_in
            .oidc
            .expect("oidc")
    }

    fn claims(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn reads_the_configured_claims() {
        let identity = Identity::from_claims(
            &settings(false),
            "https://idp.example",
            "s1",
            claims(json!({
                "preferred_username": "Jane.Doe", "name": " Jane\nDoe ",
                "email": "Jane@Example.COM", "dept": "Finance", "groups": ["it-admins"],
            })),
        );
        assert_eq!(identity.username.as_deref(), Some("Jane.Doe"));
        assert_eq!(identity.display_name.as_deref(), Some("JaneDoe"));
        assert_eq!(identity.email.as_deref(), Some("jane@example.com"));
        assert_eq!(identity.department.as_deref(), Some("Finance"));
        assert_eq!(identity.role, None, "groups are not read unless configured");
    }

    #[test]
    fn the_highest_group_gives_the_role() {
        let s = settings(true);
        let role = |groups: Value| {
            Identity::from_claims(&s, "i", "s", claims(json!({ "groups": groups }))).role
        };
        assert_eq!(role(json!(["comms", "it-admins"])), Some(Role::Admin));
        assert_eq!(role(json!(["comms", "moderators"])), Some(Role::Moderator));
        assert_eq!(role(json!("comms")), Some(Role::Editor));
        assert_eq!(role(json!(["staff"])), Some(Role::Member));
        assert_eq!(role(json!(null)), Some(Role::Member));
    }
}
