//! The username a SCIM-provisioned person gets: derived from the provider's userName (the local
//! part of an email address, lower-cased, reduced to the allowed characters), with a number
//! appended while it is taken.

use trellis_storage::models::Account;
use trellis_storage::{DbConnection, DbError};

use super::validation::{self, USERNAME_MAX};

/// The base username for `user_name`: the local part if it is an email address, lower-cased,
/// `.` and `-` turned into `_`, other characters dropped; `user` when nothing is left.
pub(crate) fn base(user_name: &str) -> String {
    let local = user_name.split('@').next().unwrap_or_default();
    let mut name: String = local
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '_' => Some(c),
            '.' | '-' | '+' | ' ' => Some('_'),
            _ => None,
        })
        .collect();
    name.truncate(USERNAME_MAX);
    if name.trim_matches('_').is_empty() {
        name = "user".into();
    }
    name
}

/// The first free username for `user_name`: the base, then the base with 2, 3, … appended
/// (shortened to fit).
pub(crate) fn free(conn: &mut DbConnection, user_name: &str) -> Result<String, DbError> {
    let base = base(user_name);
    let mut number = 1u32;
    loop {
        let candidate = if number == 1 {
            base.clone()
        } else {
            let suffix = number.to_string();
            let keep = USERNAME_MAX - suffix.len();
            format!("{}{suffix}", &base[..base.len().min(keep)])
        };
        if validation::username(&candidate).is_ok()
            && Account::find_local_by_username(conn, &candidate)?.is_none()
        {
            return Ok(candidate);
        }
        number += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::base;

    #[test]
    fn user_names_become_usernames() {
        assert_eq!(base("Alice.Smith@Example.com"), "alice_smith");
        assert_eq!(base("bob-jones"), "bob_jones");
        assert_eq!(base("élodie"), "lodie");
        assert_eq!(base("@@@"), "user");
        assert_eq!(base(&"x".repeat(80)).len(), 30);
    }
}
