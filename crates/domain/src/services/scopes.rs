//! OAuth scopes as Mastodon defines them: `read`, `write`, `follow`, `push`, `profile` and
//! their granular forms such as `read:statuses`.

use std::collections::BTreeSet;
use std::fmt;

/// Granular scopes that the legacy `follow` scope grants.
const FOLLOW_GRANTS: &[&str] = &[
    "read:blocks",
    "write:blocks",
    "read:follows",
    "write:follows",
    "read:mutes",
    "write:mutes",
];

/// Every scope a client may ask for.
pub const KNOWN: &[&str] = &[
    "read",
    "write",
    "follow",
    "push",
    "profile",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
];

/// A set of granted or requested scopes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(BTreeSet<String>);

impl Scopes {
    /// Parses a space- or plus-separated list; unknown scopes are an error naming them.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut set = BTreeSet::new();
        for scope in text.split([' ', '+', ',']).filter(|s| !s.is_empty()) {
            if !KNOWN.contains(&scope) {
                return Err(format!("unknown scope {scope:?}"));
            }
            set.insert(scope.to_string());
        }
        Ok(Self(set))
    }

    /// Parses a list, defaulting to `read` when empty (as Mastodon does).
    pub(crate) fn parse_or_read(text: Option<&str>) -> Result<Self, String> {
        let scopes = Self::parse(text.unwrap_or(""))?;
        if scopes.0.is_empty() {
            Ok(Self::parse("read").expect("read is known"))
        } else {
            Ok(scopes)
        }
    }

    /// True when these scopes grant `required` (a top-level or granular scope).
    pub fn allows(&self, required: &str) -> bool {
        if self.0.contains(required) {
            return true;
        }
        if let Some((top, _)) = required.split_once(':')
            && self.0.contains(top)
        {
            return true;
        }
        self.0.contains("follow") && FOLLOW_GRANTS.contains(&required)
    }

    /// True when every scope of `requested` is granted by `self` (a token cannot exceed its app).
    pub fn covers(&self, requested: &Scopes) -> bool {
        requested.0.iter().all(|scope| self.allows(scope))
    }

    /// True when no scope is present.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Scopes {
    /// Space-separated, as the API reports scopes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined: Vec<&str> = self.0.iter().map(String::as_str).collect();
        f.write_str(&joined.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_scopes_grant_their_granular_forms() {
        let scopes = Scopes::parse("read write").unwrap();
        assert!(scopes.allows("read:statuses"));
        assert!(scopes.allows("write:favourites"));
        assert!(!scopes.allows("push"));
    }

    #[test]
    fn granular_scopes_grant_only_themselves() {
        let scopes = Scopes::parse("read:statuses").unwrap();
        assert!(scopes.allows("read:statuses"));
        assert!(!scopes.allows("read:notifications"));
        assert!(!scopes.allows("read"));
    }

    #[test]
    fn follow_grants_relationship_scopes() {
        let scopes = Scopes::parse("follow").unwrap();
        assert!(scopes.allows("write:follows"));
        assert!(scopes.allows("read:blocks"));
        assert!(!scopes.allows("write:statuses"));
    }

    #[test]
    fn unknown_scopes_are_rejected_and_empty_means_read() {
        assert!(Scopes::parse("read admin:everything").is_err());
        assert_eq!(Scopes::parse_or_read(None).unwrap().to_string(), "read");
        assert_eq!(
            Scopes::parse("write+read").unwrap().to_string(),
            "read write"
        );
    }

    #[test]
    fn an_app_covers_only_scopes_it_was_registered_with() {
        let app = Scopes::parse("read write").unwrap();
        assert!(app.covers(&Scopes::parse("read:statuses write").unwrap()));
        assert!(!app.covers(&Scopes::parse("read follow").unwrap()));
    }
}
