//! A username for a newly provisioned person, derived from a claim.

use super::super::validation::{self, USERNAME_MAX};

/// The claim lower-cased and reduced to letters, digits and `_` (other characters become
/// `_`, an email's domain is dropped); `user` when nothing is left.
pub(crate) fn base(claim: Option<&str>) -> String {
    let claim = claim.unwrap_or("");
    let local = claim.split('@').next().unwrap_or("");
    let mut name = String::new();
    for c in local.to_lowercase().chars() {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '_'
        };
        if !(c == '_' && (name.is_empty() || name.ends_with('_'))) {
            name.push(c);
        }
    }
    let name: String = name
        .trim_end_matches('_')
        .chars()
        .take(USERNAME_MAX)
        .collect();
    let name = name.trim_end_matches('_').to_string();
    if name.is_empty() { "user".into() } else { name }
}

/// `base`, or `base` with the smallest numeric suffix (from 2) that is valid and not in
/// `taken`; the base is shortened to make room for the suffix.
pub(crate) fn unique(base: &str, taken: &[String]) -> String {
    let free = |name: &str| validation::username(name).is_ok() && !taken.iter().any(|t| t == name);
    if free(base) {
        return base.to_string();
    }
    (2u64..)
        .map(|n| {
            let suffix = n.to_string();
            let keep = USERNAME_MAX - suffix.len();
            format!("{}{suffix}", &base[..base.len().min(keep)])
        })
        .find(|name| free(name))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_an_allowed_name() {
        assert_eq!(base(Some("Jane.Doe")), "jane_doe");
        assert_eq!(base(Some("jane.doe@corp.example")), "jane_doe");
        assert_eq!(base(Some("  Émile  Zola-- ")), "mile_zola");
        assert_eq!(base(Some("!!!")), "user");
        assert_eq!(base(None), "user");
        assert_eq!(base(Some(&"a".repeat(50))).len(), USERNAME_MAX);
    }

    #[test]
    fn adds_a_numeric_suffix_when_taken() {
        let taken = vec!["jane".to_string(), "jane2".to_string()];
        assert_eq!(unique("jane", &taken), "jane3");
        assert_eq!(unique("john", &taken), "john");
        assert_eq!(unique("instance", &[]), "instance2");
        let long = "a".repeat(USERNAME_MAX);
        assert_eq!(
            unique(&long, std::slice::from_ref(&long)),
            format!("{}2", "a".repeat(29))
        );
    }
}
