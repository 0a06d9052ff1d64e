//! OAuth scopes as Mastodon defines them: `read`, `write`, `follow`, `push`, `profile` and
//! their granular forms such as `read:statuses`, and the administration scopes `admin:read`,
//! `admin:write` and their granular forms such as `admin:read:domain_blocks`. A top-level
//! scope grants the granular forms under it; `read` and `write` grant no `admin:` scope.

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
    "admin:read",
    "admin:read:accounts",
    "admin:read:reports",
    "admin:read:domain_allows",
    "admin:read:domain_blocks",
    "admin:read:ip_blocks",
    "admin:read:email_domain_blocks",
    "admin:read:canonical_email_blocks",
    "admin:write",
    "admin:write:accounts",
    "admin:write:reports",
    "admin:write:domain_allows",
    "admin:write:domain_blocks",
    "admin:write:ip_blocks",
    "admin:write:email_domain_blocks",
    "admin:write:canonical_email_blocks",
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

    /// True when these scopes grant `required` (a top-level or granular scope). A granular
    /// scope is granted by the scope before its last `:` (`admin:read` grants
    /// `admin:read:domain_blocks`; `read` grants `read:statuses` but no `admin:` scope).
    pub fn allows(&self, required: &str) -> bool {
        if self.0.contains(required) {
            return true;
        }
        if let Some((top, _)) = required.rsplit_once(':')
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
    fn admin_scopes_grant_their_granular_forms_and_nothing_else() {
        let admin = Scopes::parse("admin:read admin:write:domain_blocks").unwrap();
        assert!(admin.allows("admin:read:domain_blocks"));
        assert!(admin.allows("admin:read:domain_allows"));
        assert!(admin.allows("admin:write:domain_blocks"));
        assert!(!admin.allows("admin:write:domain_allows"));
        assert!(!admin.allows("admin:write"));
        assert!(!admin.allows("read:statuses"));
        assert!(!admin.allows("read"));
        let granular = Scopes::parse("admin:read:domain_blocks").unwrap();
        assert!(granular.allows("admin:read:domain_blocks"));
        assert!(!granular.allows("admin:read:domain_allows"));
        assert!(!granular.allows("admin:read"));
    }

    #[test]
    fn read_write_and_follow_grant_no_admin_scope() {
        let everything = Scopes::parse("read write follow push profile").unwrap();
        for scope in KNOWN.iter().filter(|s| s.starts_with("admin:")) {
            assert!(!everything.allows(scope), "{scope}");
        }
        let app = Scopes::parse("read write").unwrap();
        assert!(!app.covers(&Scopes::parse("admin:read").unwrap()));
    }

    #[test]
    fn every_admin_scope_mastodon_defines_is_known() {
        for area in [
            "accounts",
            "reports",
            "domain_allows",
            "domain_blocks",
            "ip_blocks",
            "email_domain_blocks",
            "canonical_email_blocks",
        ] {
            for top in ["admin:read", "admin:write"] {
                let scope = format!("{top}:{area}");
                assert!(Scopes::parse(&scope).is_ok(), "{scope}");
            }
        }
        assert!(Scopes::parse("admin").is_err());
    }

    #[test]
    fn an_app_covers_only_scopes_it_was_registered_with() {
        let app = Scopes::parse("read write").unwrap();
        assert!(app.covers(&Scopes::parse("read:statuses write").unwrap()));
        assert!(!app.covers(&Scopes::parse("read follow").unwrap()));
    }
}
