//! Input rules shared by the CLI, the APIs and configuration.

/// Longest accepted username.
pub const USERNAME_MAX: usize = 30;

/// Longest display name, in characters.
pub const DISPLAY_NAME_MAX: usize = 100;

/// Names that local people cannot take because the instance uses them.
const RESERVED_USERNAMES: &[&str] = &["instance", "actor", "inbox", "admin_instance"];

/// Lowercase letters, digits and underscore, 1 to 30 characters, not reserved.
pub fn username(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > USERNAME_MAX {
        return Err(format!("must be 1 to {USERNAME_MAX} characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err("may contain only lowercase letters, digits and underscore".into());
    }
    if RESERVED_USERNAMES.contains(&name) {
        return Err("is reserved by the instance".into());
    }
    Ok(())
}

/// A plausible address: one `@`, a non-empty local part, a dotted domain, no spaces
/// (the same check configuration applies to `TRELLIS_CONTACT_EMAIL`).
pub use trellis_config::check_email as email;

/// Shortest accepted password.
pub const PASSWORD_MIN: usize = 8;

/// At least eight characters, at most 1,000 (argon2 input bound).
pub fn password(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        return Err(format!("must be at least {PASSWORD_MIN} characters"));
    }
    if length > 1000 {
        return Err("must be at most 1000 characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["alice", "bob_2", "x", "a_b_c_123"] {
            assert!(username(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Alice",
            "al-ice",
            "al ice",
            "élise",
            "instance",
            &"a".repeat(31),
        ] {
            assert!(username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(password("correct horse").is_ok());
        assert!(password("short").is_err());
    }
}
