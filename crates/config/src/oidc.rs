//! Single sign-on with OpenID Connect: the identity provider, how its claims map onto people,
//! and whether passwords are still accepted.

use std::collections::HashMap;

use serde::Deserialize;
use url::Url;

use crate::{ConfigError, Secret, invalid, parse_bool};

/// How people sign in: passwords, an OpenID provider, or both.
#[derive(Clone, Debug)]
pub struct SignInSettings {
    /// Whether passwords are accepted (the web form, the OAuth authorize form and the OAuth
    /// password grant).
    pub password_login: bool,
    /// The OpenID provider; `None` when single sign-on is off.
    pub oidc: Option<OidcSettings>,
}

/// The OpenID provider and the claims read from its ID tokens.
#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// The issuer URL, exactly as the provider writes it in `iss` (no trailing slash added).
    pub issuer: Url,
    /// This instance's client id at the provider.
    pub client_id: String,
    /// This instance's client secret at the provider.
    pub client_secret: Secret,
    /// The provider's name on the sign-in button ("Sign in with NAME").
    pub name: String,
    /// The claims that fill a person's account.
    pub claims: ClaimNames,
    /// Group names that give a role; only used when `claims.groups` is set.
    pub role_groups: RoleGroups,
}

/// Names of the ID token claims that fill a person's account.
#[derive(Clone, Debug)]
pub struct ClaimNames {
    /// The username's source.
    pub username: String,
    /// The display name's source.
    pub display_name: String,
    /// The email address's source.
    pub email: String,
    /// The department's source.
    pub department: String,
    /// The list of groups; `None` leaves roles alone.
    pub groups: Option<String>,
}

/// The group that grants each role (admin beats moderator beats editor).
#[derive(Clone, Debug, Default)]
pub struct RoleGroups {
    /// Members of this group are administrators.
    pub admin: Option<String>,
    /// Members of this group are moderators.
    pub moderator: Option<String>,
    /// Members of this group are editors.
    pub editor: Option<String>,
}

/// The `[oidc]` table of the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileOidc {
    issuer: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    name: Option<String>,
    username_claim: Option<String>,
    display_name_claim: Option<String>,
    email_claim: Option<String>,
    department_claim: Option<String>,
    groups_claim: Option<String>,
    admin_group: Option<String>,
    moderator_group: Option<String>,
    editor_group: Option<String>,
}

/// Longest claim or group name accepted.
const MAX_NAME: usize = 200;

/// Reads and checks the sign-in settings: an issuer needs a client id and secret, the other
/// OpenID settings need an issuer, and passwords can only be turned off when an issuer is set.
pub(crate) fn sign_in_settings(
    file: FileOidc,
    password_login: Option<bool>,
    allow_http: bool,
    env: &HashMap<String, String>,
) -> Result<SignInSettings, ConfigError> {
    let pick = |key: &str, from_file: Option<String>| {
        env.get(key)
            .cloned()
            .or(from_file)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let password_login = match env.get("TRELLIS_PASSWORD_LOGIN") {
        Some(text) => parse_bool(text).ok_or_else(|| {
            invalid(
                "TRELLIS_PASSWORD_LOGIN",
                text,
                "expected true or false".into(),
            )
        })?,
        None => password_login.unwrap_or(true),
    };
    let name_of = |key: &'static str, value: Option<String>| -> Result<_, ConfigError> {
        match value {
            Some(v) if v.chars().count() > MAX_NAME || v.chars().any(char::is_control) => {
                Err(invalid(
                    key,
                    &v,
                    format!("must be one line of at most {MAX_NAME} characters"),
                ))
            }
            other => Ok(other),
        }
    };
    let issuer = pick("TRELLIS_OIDC_ISSUER", file.issuer);
    let client_id = name_of(
        "TRELLIS_OIDC_CLIENT_ID",
        pick("TRELLIS_OIDC_CLIENT_ID", file.client_id),
    )?;
    let client_secret = pick("TRELLIS_OIDC_CLIENT_SECRET", file.client_secret);
    let name = name_of("TRELLIS_OIDC_NAME", pick("TRELLIS_OIDC_NAME", file.name))?;
    let claim = |key: &'static str, value: Option<String>, default: &str| {
        name_of(key, pick(key, value)).map(|v| v.unwrap_or_else(|| default.to_string()))
    };
    let claims = ClaimNames {
        username: claim(
            "TRELLIS_OIDC_USERNAME_CLAIM",
            file.username_claim,
            "preferred_username",
        )?,
        display_name: claim(
            "TRELLIS_OIDC_DISPLAY_NAME_CLAIM",
            file.display_name_claim,
            "name",
        )?,
        email: claim("TRELLIS_OIDC_EMAIL_CLAIM", file.email_claim, "email")?,
        department: claim(
            "TRELLIS_OIDC_DEPARTMENT_CLAIM",
            file.department_claim,
            "department",
        )?,
        groups: name_of(
            "TRELLIS_OIDC_GROUPS_CLAIM",
            pick("TRELLIS_OIDC_GROUPS_CLAIM", file.groups_claim),
        )?,
    };
    let role_groups = RoleGroups {
        admin: name_of(
            "TRELLIS_OIDC_ADMIN_GROUP",
            pick("TRELLIS_OIDC_ADMIN_GROUP", file.admin_group),
        )?,
        moderator: name_of(
            "TRELLIS_OIDC_MODERATOR_GROUP",
            pick("TRELLIS_OIDC_MODERATOR_GROUP", file.moderator_group),
        )?,
        editor: name_of(
            "TRELLIS_OIDC_EDITOR_GROUP",
            pick("TRELLIS_OIDC_EDITOR_GROUP", file.editor_group),
        )?,
    };

    let Some(issuer_text) = issuer else {
        let stray = [
            ("TRELLIS_OIDC_CLIENT_ID", client_id.is_some()),
            ("TRELLIS_OIDC_CLIENT_SECRET", client_secret.is_some()),
            ("TRELLIS_OIDC_NAME", name.is_some()),
            ("TRELLIS_OIDC_GROUPS_CLAIM", claims.groups.is_some()),
            ("TRELLIS_OIDC_ADMIN_GROUP", role_groups.admin.is_some()),
            (
                "TRELLIS_OIDC_MODERATOR_GROUP",
                role_groups.moderator.is_some(),
            ),
            ("TRELLIS_OIDC_EDITOR_GROUP", role_groups.editor.is_some()),
        ];
        if let Some((key, _)) = stray.iter().find(|(_, set)| *set) {
            return Err(invalid(
                key,
                "",
                "is set but TRELLIS_OIDC_ISSUER is not".into(),
            ));
        }
        if !password_login {
            return Err(invalid(
                "TRELLIS_PASSWORD_LOGIN",
                "false",
                "nobody could sign in: set TRELLIS_OIDC_ISSUER or allow passwords".into(),
            ));
        }
        return Ok(SignInSettings {
            password_login,
            oidc: None,
        });
    };
    let issuer = Url::parse(&issuer_text)
        .ok()
        .filter(|u| (u.scheme() == "https" || (allow_http && u.scheme() == "http")) && u.host().is_some())
        .filter(|u| u.query().is_none() && u.fragment().is_none())
        .ok_or_else(|| {
            invalid(
                "TRELLIS_OIDC_ISSUER",
                &issuer_text,
                "expected an https URL without query or fragment (http only with TRELLIS_ALLOW_HTTP)"
                    .into(),
            )
        })?;
    let client_id = client_id.ok_or_else(|| {
        invalid(
            "TRELLIS_OIDC_CLIENT_ID",
            "",
            "must be set when TRELLIS_OIDC_ISSUER is set".into(),
        )
    })?;
    let client_secret = client_secret.ok_or_else(|| {
        invalid(
            "TRELLIS_OIDC_CLIENT_SECRET",
            "",
            "must be set when TRELLIS_OIDC_ISSUER is set".into(),
        )
    })?;
    if claims.groups.is_none()
        && let Some((key, _)) = [
            ("TRELLIS_OIDC_ADMIN_GROUP", role_groups.admin.is_some()),
            (
                "TRELLIS_OIDC_MODERATOR_GROUP",
                role_groups.moderator.is_some(),
            ),
            ("TRELLIS_OIDC_EDITOR_GROUP", role_groups.editor.is_some()),
        ]
        .iter()
        .find(|(_, set)| *set)
    {
        return Err(invalid(
            key,
            "",
            "is set but TRELLIS_OIDC_GROUPS_CLAIM is not".into(),
        ));
    }
    let name = name.unwrap_or_else(|| issuer.host_str().unwrap_or("your organisation").to_string());
    Ok(SignInSettings {
        password_login,
        oidc: Some(OidcSettings {
            issuer,
            client_id,
            client_secret: Secret(client_secret),
            name,
            claims,
            role_groups,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_env as env;

    fn read(pairs: &[(&str, &str)]) -> Result<SignInSettings, ConfigError> {
        sign_in_settings(FileOidc::default(), None, false, &env(pairs))
    }

    const PROVIDER: [(&str, &str); 3] = [
        ("TRELLIS_OIDC_ISSUER", "https://login.example.com/tenant"),
        ("TRELLIS_OIDC_CLIENT_ID", "trellis"),
        ("TRELLIS_OIDC_CLIENT_SECRET", "s3cret"),
    ];

    #[test]
    fn defaults_keep_passwords_and_standard_claims() {
        let none = read(&[]).expect("unset");
        assert!(none.password_login && none.oidc.is_none());
        let set = read(&PROVIDER).expect("provider");
        let oidc = set.oidc.expect("oidc");
        assert_eq!(oidc.issuer.as_str(), "https://login.example.com/tenant");
        assert_eq!(oidc.name, "login.example.com");
        assert_eq!(oidc.claims.username, "preferred_username");
        assert_eq!(oidc.claims.display_name, "name");
        assert_eq!(oidc.claims.email, "email");
        assert_eq!(oidc.claims.department, "department");
        assert!(oidc.claims.groups.is_none());
        assert!(!format!("{:?}", oidc.client_secret).contains("s3cret"));
    }

    #[test]
    fn invalid_combinations_name_the_setting() {
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (
                vec![("TRELLIS_OIDC_CLIENT_ID", "x")],
                "TRELLIS_OIDC_CLIENT_ID",
            ),
            (
                vec![
                    ("TRELLIS_OIDC_ISSUER", "https://idp.example"),
                    ("TRELLIS_OIDC_CLIENT_SECRET", "s"),
                ],
                "TRELLIS_OIDC_CLIENT_ID",
            ),
            (
                vec![
                    ("TRELLIS_OIDC_ISSUER", "https://idp.example"),
                    ("TRELLIS_OIDC_CLIENT_ID", "c"),
                ],
                "TRELLIS_OIDC_CLIENT_SECRET",
            ),
            (
                vec![("TRELLIS_OIDC_ISSUER", "not a url")],
                "TRELLIS_OIDC_ISSUER",
            ),
            (
                vec![("TRELLIS_OIDC_ISSUER", "http://idp.example")],
                "TRELLIS_OIDC_ISSUER",
            ),
            (
                vec![("TRELLIS_PASSWORD_LOGIN", "false")],
                "TRELLIS_PASSWORD_LOGIN",
            ),
            (
                vec![("TRELLIS_PASSWORD_LOGIN", "maybe")],
                "TRELLIS_PASSWORD_LOGIN",
            ),
        ];
        for (pairs, key) in cases {
            let error = read(&pairs).expect_err(key).to_string();
            assert!(error.contains(key), "{error}");
        }
        let mut groups_without_claim = PROVIDER.to_vec();
        groups_without_claim.push(("TRELLIS_OIDC_ADMIN_GROUP", "admins"));
        let error = read(&groups_without_claim).expect_err("group").to_string();
        assert!(error.contains("TRELLIS_OIDC_ADMIN_GROUP"), "{error}");
    }

    #[test]
    fn passwords_can_be_turned_off_with_a_provider() {
        let mut pairs = PROVIDER.to_vec();
        pairs.push(("TRELLIS_PASSWORD_LOGIN", "false"));
        pairs.push(("TRELLIS_OIDC_GROUPS_CLAIM", "groups"));
        pairs.push(("TRELLIS_OIDC_EDITOR_GROUP", "writers"));
        let settings = read(&pairs).expect("valid");
        assert!(!settings.password_login);
        let oidc = settings.oidc.expect("oidc");
        assert_eq!(oidc.role_groups.editor.as_deref(), Some("writers"));
    }
}
