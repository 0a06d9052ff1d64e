//! OAuth2 as the Mastodon client API uses it: applications, authorization codes, tokens, and
//! the lookup that turns a bearer token into the person and scopes behind a request.

use std::net::IpAddr;

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::state::AppState;
use diesel::Connection;
use trellis_storage::DbError;
use trellis_storage::models::Account;
use trellis_storage::models::oauth::{self as rows, AccessToken, Application, AuthorizationCode};
use trellis_storage::models::stream_event::StreamEvent;
use trellis_storage::schema::{accounts, users};

use super::ServiceError;
use super::login_limits::{LoginKey, Throttled};
use super::passwords;
use super::scopes::Scopes;

/// The redirect URI of clients that cannot receive a redirect: the code is shown instead.
pub const OOB_REDIRECT_URI: &str = "urn:ietf:wg:oauth:2.0:oob";

/// How long an authorization code can be exchanged.
pub const CODE_LIFETIME: chrono::Duration = chrono::Duration::minutes(10);

/// Longest accepted application name.
const NAME_MAX: usize = 255;

/// Schemes a redirect URI may never use.
const FORBIDDEN_SCHEMES: &[&str] = &["javascript", "data", "vbscript", "file", "about", "blob"];

/// What a valid bearer token grants.
#[derive(Clone, Debug)]
pub struct Grant {
    /// The token's row id.
    pub token_id: i64,
    /// The application the token was issued to.
    pub application_id: i64,
    /// The person the token acts for (`None` for an app-only token).
    pub account: Option<Account>,
    /// Granted scopes.
    pub scopes: Scopes,
}

/// A registered application as returned once to its client (the secret is not stored).
#[derive(Clone, Debug)]
pub struct RegisteredApp {
    /// The stored row.
    pub app: Application,
    /// The client secret in clear, shown only at registration.
    pub client_secret: String,
}

/// An access token as returned once to its client.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    /// The token in clear (only its hash is stored).
    pub access_token: String,
    /// Granted scopes.
    pub scopes: Scopes,
    /// Issue time.
    pub created_at: chrono::NaiveDateTime,
}

/// Registers an application allowed to request `scopes` and redirect to `redirect_uris`.
pub async fn register_app(
    state: &AppState,
    name: &str,
    website: Option<String>,
    redirect_uris: Vec<String>,
    scopes: Scopes,
) -> Result<RegisteredApp, ServiceError> {
    let client_secret = random_secret();
    let app = Application {
        id: state.ids().next_id(),
        name: name.to_string(),
        website,
        redirect_uris: redirect_uris.join("\n"),
        scopes: scopes.to_string(),
        client_id: random_secret(),
        client_secret_hash: secret_hash(&client_secret),
        created_at: chrono::Utc::now().naive_utc(),
    };
    let stored = app.clone();
    state
        .db()
        .write(move |conn| Application::insert(conn, &stored))
        .await?;
    Ok(RegisteredApp { app, client_secret })
}

/// Issues a token for `application_id`, acting for `account_id` (or app-only).
pub async fn issue_token(
    state: &AppState,
    application_id: i64,
    account_id: Option<i64>,
    scopes: Scopes,
) -> Result<IssuedToken, ServiceError> {
    let access_token = random_secret();
    let created_at = chrono::Utc::now().naive_utc();
    let row = AccessToken {
        id: state.ids().next_id(),
        token_hash: secret_hash(&access_token),
        application_id,
        account_id,
        scopes: scopes.to_string(),
        created_at,
        last_used_at: None,
        revoked_at: None,
    };
    state
        .db()
        .write(move |conn| AccessToken::insert(conn, &row))
        .await?;
    Ok(IssuedToken {
        access_token,
        scopes,
        created_at,
    })
}

/// Validated input for a new application.
#[derive(Clone, Debug, Default)]
pub struct NewApp {
    /// `client_name`.
    pub name: Option<String>,
    /// `website` (empty is none).
    pub website: Option<String>,
    /// `redirect_uris`: values that may each hold several URIs separated by white space.
    pub redirect_uris: Vec<String>,
    /// `scopes` as sent (space-separated); none means `read`.
    pub scopes: Option<String>,
}

/// Validates and registers an application (`POST /api/v1/apps`).
pub async fn create_app(state: &AppState, input: NewApp) -> Result<RegisteredApp, ServiceError> {
    let name = input.name.as_deref().map(str::trim).unwrap_or("");
    if name.is_empty() {
        return Err(ServiceError::invalid("client_name", "can't be blank"));
    }
    if name.chars().count() > NAME_MAX {
        return Err(ServiceError::invalid(
            "client_name",
            format!("is too long (at most {NAME_MAX} characters)"),
        ));
    }
    let redirect_uris = parse_redirect_uris(&input.redirect_uris)?;
    let scopes = Scopes::parse_or_read(input.scopes.as_deref())
        .map_err(|m| ServiceError::invalid("scopes", m))?;
    let website = match input.website.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(site) => match url::Url::parse(site) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Some(site.to_string()),
            _ => return Err(ServiceError::invalid("website", "is not an http(s) URL")),
        },
    };
    register_app(state, name, website, redirect_uris, scopes).await
}

/// Splits and checks redirect URIs: each is the out-of-band URN or an absolute URL without a
/// fragment (custom schemes such as `myapp://callback` are fine).
pub(crate) fn parse_redirect_uris(values: &[String]) -> Result<Vec<String>, ServiceError> {
    let mut out: Vec<String> = Vec::new();
    for uri in values.iter().flat_map(|v| v.split_whitespace()) {
        check_redirect_uri(uri).map_err(|m| ServiceError::invalid("redirect_uris", m))?;
        if !out.iter().any(|u| u == uri) {
            out.push(uri.to_string());
        }
    }
    if out.is_empty() {
        return Err(ServiceError::invalid("redirect_uris", "can't be blank"));
    }
    Ok(out)
}

fn check_redirect_uri(uri: &str) -> Result<(), String> {
    if uri == OOB_REDIRECT_URI {
        return Ok(());
    }
    let url = url::Url::parse(uri).map_err(|_| format!("{uri:?} is not an absolute URI"))?;
    if url.fragment().is_some() {
        return Err(format!("{uri:?} must not contain a fragment"));
    }
    if FORBIDDEN_SCHEMES.contains(&url.scheme()) {
        return Err(format!("{uri:?} uses a forbidden scheme"));
    }
    Ok(())
}

/// An application by its public client id.
pub(crate) async fn find_app(
    state: &AppState,
    client_id: &str,
) -> Result<Option<Application>, ServiceError> {
    let client_id = client_id.to_string();
    Ok(state
        .db()
        .read(move |conn| Application::find_by_client_id(conn, &client_id))
        .await?)
}

/// An application by row id (the one behind a token).
pub async fn app_by_id(state: &AppState, id: i64) -> Result<Application, ServiceError> {
    state
        .db()
        .read(move |conn| Application::find(conn, id))
        .await?
        .ok_or_else(|| ServiceError::NotFound("application not found".into()))
}

/// Authenticates a client. A missing secret is accepted only when `secret_optional` (a public
/// client proving itself with PKCE). Failures are `Invalid { field: "client" }`.
pub async fn authenticate_client(
    state: &AppState,
    client_id: Option<&str>,
    client_secret: Option<&str>,
    secret_optional: bool,
) -> Result<Application, ServiceError> {
    let invalid = || {
        ServiceError::invalid(
            "client",
            "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
        )
    };
    let client_id = client_id.filter(|c| !c.is_empty()).ok_or_else(invalid)?;
    let app = find_app(state, client_id).await?.ok_or_else(invalid)?;
    match client_secret.filter(|s| !s.is_empty()) {
        Some(secret) if constant_time_eq(&secret_hash(secret), &app.client_secret_hash) => Ok(app),
        Some(_) => Err(invalid()),
        None if secret_optional => Ok(app),
        None => Err(invalid()),
    }
}

/// The scopes a request may have: `requested` (default `read`) when the app was registered
/// with all of them; otherwise `Invalid { field: "scope" }`.
pub(crate) fn requested_scopes(
    app: &Application,
    requested: Option<&str>,
) -> Result<Scopes, ServiceError> {
    let invalid = |m: String| ServiceError::invalid("scope", m);
    let wanted =
        Scopes::parse_or_read(requested.filter(|s| !s.trim().is_empty())).map_err(invalid)?;
    let allowed = Scopes::parse(&app.scopes).map_err(invalid)?;
    if allowed.covers(&wanted) {
        Ok(wanted)
    } else {
        Err(invalid(
            "The requested scope is invalid, unknown, or malformed.".into(),
        ))
    }
}

/// Checks a person's credentials (username or email, and password) for a sign-in from
/// `client`. Unknown people, wrong passwords, accounts without a password and disabled
/// accounts all fail alike with `Invalid { field: "credentials" }`. After too many failures of
/// the account or from the address, the attempt is refused as `Throttled` before the password
/// is checked (see [`super::login_limits`]).
pub async fn verify_login(
    state: &AppState,
    login: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<Result<Account, Throttled>, ServiceError> {
    let refused = || ServiceError::invalid("credentials", "Invalid username, email or password.");
    let login = login.trim().to_string();
    if login.is_empty() || password.is_empty() {
        return Err(refused());
    }
    let mut attempt = match state.login_limits().start(client) {
        Ok(attempt) => attempt,
        Err(throttled) => return Ok(Err(throttled)),
    };
    let name = login.clone();
    let found = state
        .db()
        .read(move |conn| rows::find_login(conn, &name))
        .await?;
    let key = match &found {
        Some((_, account)) => LoginKey::Account(account.id),
        None => LoginKey::Unknown(login.to_lowercase()),
    };
    if let Err(throttled) = attempt.against(key) {
        return Ok(Err(throttled));
    }
    let Some((user, account)) = found else {
        // Spend the time a real verification would, so timing does not reveal who exists.
        let _ = passwords::verify(DUMMY_HASH.into(), password.to_string()).await;
        return Err(refused());
    };
    let Some(stored) = user.password_hash else {
        return Err(refused());
    };
    if !passwords::verify(stored, password.to_string()).await
        || user.disabled
        || account.suspended_at.is_some()
    {
        return Err(refused());
    }
    attempt.succeeded();
    Ok(Ok(account))
}

/// An argon2id hash of a random password, verified against when a login names nobody.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2kxkYF1yu8Ubfr7p0hOpVIYXcN2nFzGNqk2b2bmyW2s";

/// What the authorization page asks for, checked against the application.
#[derive(Clone, Debug)]
pub struct AuthorizationRequest {
    /// The application asking.
    pub app: Application,
    /// Where the code goes (one of the app's URIs).
    pub redirect_uri: String,
    /// Scopes asked for (within the app's).
    pub scopes: Scopes,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// PKCE method: `S256` or `plain`.
    pub code_challenge_method: Option<String>,
}

/// Checks the parameters of an authorization request. `client_id` and `redirect_uri`
/// problems are `Invalid { field: "client_id" | "redirect_uri" }`; scope and PKCE problems
/// name `scope` and `code_challenge_method`.
pub async fn check_authorization(
    state: &AppState,
    client_id: Option<&str>,
    redirect_uri: Option<&str>,
    scope: Option<&str>,
    code_challenge: Option<&str>,
    code_challenge_method: Option<&str>,
) -> Result<AuthorizationRequest, ServiceError> {
    let client_id = client_id
        .filter(|c| !c.is_empty())
        .ok_or_else(|| ServiceError::invalid("client_id", "is missing"))?;
    let app = find_app(state, client_id)
        .await?
        .ok_or_else(|| ServiceError::invalid("client_id", "names no registered application"))?;
    let registered = app.redirect_uri_list();
    let redirect_uri = match redirect_uri.map(str::trim).filter(|r| !r.is_empty()) {
        Some(uri) if registered.iter().any(|r| r == uri) => uri.to_string(),
        Some(_) => {
            return Err(ServiceError::invalid(
                "redirect_uri",
                "is not one of the application's redirect URIs",
            ));
        }
        None if registered.len() == 1 => registered[0].clone(),
        None => return Err(ServiceError::invalid("redirect_uri", "is missing")),
    };
    let scopes = requested_scopes(&app, scope)?;
    let code_challenge = code_challenge.map(str::trim).filter(|c| !c.is_empty());
    let method = match (
        code_challenge,
        code_challenge_method.filter(|m| !m.is_empty()),
    ) {
        (None, _) => None,
        (Some(_), None) => Some("plain".to_string()),
        (Some(_), Some(m)) if m == "S256" || m == "plain" => Some(m.to_string()),
        (Some(_), Some(_)) => {
            return Err(ServiceError::invalid(
                "code_challenge_method",
                "must be S256 or plain",
            ));
        }
    };
    if let Some(challenge) = code_challenge
        && !(43..=128).contains(&challenge.len())
    {
        return Err(ServiceError::invalid(
            "code_challenge",
            "must be 43 to 128 characters",
        ));
    }
    Ok(AuthorizationRequest {
        app,
        redirect_uri,
        scopes,
        code_challenge: code_challenge.map(str::to_string),
        code_challenge_method: method,
    })
}

/// Issues a single-use authorization code for `account`; only its hash is stored.
pub async fn issue_code(
    state: &AppState,
    request: &AuthorizationRequest,
    account: &Account,
) -> Result<String, ServiceError> {
    let code = random_secret();
    let now = chrono::Utc::now().naive_utc();
    let row = AuthorizationCode {
        code_hash: secret_hash(&code),
        application_id: request.app.id,
        account_id: account.id,
        scopes: request.scopes.to_string(),
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        code_challenge_method: request.code_challenge_method.clone(),
        expires_at: now + CODE_LIFETIME,
        created_at: now,
    };
    state
        .db()
        .write(move |conn| {
            AuthorizationCode::delete_expired(conn, now)?;
            AuthorizationCode::insert(conn, &row)
        })
        .await?;
    Ok(code)
}

/// Exchanges an authorization code for a token. The code is consumed even when the exchange
/// fails afterwards. Failures are `Invalid { field: "grant" }`; a client that did not prove
/// its secret (`secret_checked` false) may only redeem a code bound to a PKCE challenge,
/// otherwise `Invalid { field: "client" }`.
pub async fn exchange_code(
    state: &AppState,
    app: &Application,
    secret_checked: bool,
    code: &str,
    redirect_uri: Option<&str>,
    code_verifier: Option<&str>,
) -> Result<IssuedToken, ServiceError> {
    let invalid = || {
        ServiceError::invalid(
            "grant",
            "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
        )
    };
    let hash = secret_hash(code);
    let taken = state
        .db()
        .write(move |conn| AuthorizationCode::take(conn, &hash))
        .await?;
    let code = taken.ok_or_else(invalid)?;
    if !secret_checked && code.code_challenge.is_none() {
        return Err(ServiceError::invalid(
            "client",
            "Client authentication failed: this code was issued without PKCE, so the client secret is required.",
        ));
    }
    let now = chrono::Utc::now().naive_utc();
    if code.application_id != app.id || code.expires_at < now {
        return Err(invalid());
    }
    if let Some(uri) = redirect_uri.filter(|u| !u.is_empty())
        && uri != code.redirect_uri
    {
        return Err(invalid());
    }
    if let Some(challenge) = &code.code_challenge {
        let verifier = code_verifier.ok_or_else(invalid)?;
        let method = code.code_challenge_method.as_deref().unwrap_or("plain");
        if !pkce_matches(challenge, method, verifier) {
            return Err(invalid());
        }
    }
    let account_id = code.account_id;
    let enabled = state
        .db()
        .read(move |conn| rows::login_enabled(conn, account_id))
        .await?;
    if !enabled {
        return Err(invalid());
    }
    let scopes = Scopes::parse(&code.scopes)
        .map_err(|e| ServiceError::Internal(format!("stored scopes: {e}")))?;
    issue_token(state, app.id, Some(account_id), scopes).await
}

/// The `password` grant: a token for the person signing in with `login` and `password` from
/// the address `client`.
pub async fn password_grant(
    state: &AppState,
    app: &Application,
    login: &str,
    password: &str,
    scope: Option<&str>,
    client: Option<IpAddr>,
) -> Result<Result<IssuedToken, Throttled>, ServiceError> {
    let scopes = requested_scopes(app, scope)?;
    match verify_login(state, login, password, client).await? {
        Ok(account) => Ok(Ok(
            issue_token(state, app.id, Some(account.id), scopes).await?
        )),
        Err(throttled) => Ok(Err(throttled)),
    }
}

/// The `client_credentials` grant: an app-only token that acts for nobody.
pub async fn client_credentials_grant(
    state: &AppState,
    app: &Application,
    scope: Option<&str>,
) -> Result<IssuedToken, ServiceError> {
    let scopes = requested_scopes(app, scope)?;
    issue_token(state, app.id, None, scopes).await
}

/// True when `verifier` answers the PKCE `challenge` with `method` (RFC 7636).
pub(crate) fn pkce_matches(challenge: &str, method: &str, verifier: &str) -> bool {
    if verifier.len() < 43 || verifier.len() > 128 {
        return false;
    }
    let expected = match method {
        "S256" => base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.as_bytes())),
        "plain" => verifier.to_string(),
        _ => return false,
    };
    constant_time_eq(&expected, challenge)
}

/// Revokes `token` if it was issued to `app`. Unknown tokens are not an error (RFC 7009).
pub async fn revoke(state: &AppState, app: &Application, token: &str) -> Result<(), ServiceError> {
    let hash = secret_hash(token);
    let app_id = app.id;
    let now = chrono::Utc::now().naive_utc();
    let ids = state.clone();
    let revoked = state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let revoked = AccessToken::revoke(conn, &hash, app_id, now)?;
                if let Some(account) = revoked {
                    // Streams opened with the token close (in every process).
                    StreamEvent::record_revoke(conn, ids.ids(), account)?;
                }
                Ok::<_, DbError>(revoked.is_some())
            })
        })
        .await?;
    if revoked {
        state.events().wake();
    }
    Ok(())
}

/// Whether `grant`'s token still holds: not revoked, and its person not disabled.
pub async fn grant_is_active(state: &AppState, grant: &Grant) -> Result<bool, ServiceError> {
    let id = grant.token_id;
    Ok(state
        .db()
        .read(move |conn| AccessToken::is_active(conn, id))
        .await?)
}

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A new random secret (tokens, codes, client ids and secrets): 32 bytes, base64url.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a secret: SHA-256, hex.
pub fn secret_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The grant behind a bearer token, or `None` when the token is unknown, revoked, or its
/// person is disabled.
pub async fn authenticate(state: &AppState, bearer: &str) -> Result<Option<Grant>, ServiceError> {
    use diesel::prelude::*;
    let hash = secret_hash(bearer);
    let grant = state
        .db()
        .read(move |conn| {
            let Some(token) = AccessToken::find_active(conn, &hash)? else {
                return Ok(None);
            };
            let account = match token.account_id {
                Some(id) => {
                    let found: Option<(Account, bool)> = accounts::table
                        .inner_join(users::table)
                        .filter(accounts::id.eq(id))
                        .select((Account::as_select(), users::disabled))
                        .first(conn)
                        .optional()?;
                    match found {
                        Some((account, false)) => Some(account),
                        _ => return Ok(None),
                    }
                }
                None => None,
            };
            Ok(Some((token, account)))
        })
        .await?;
    let Some((token, account)) = grant else {
        return Ok(None);
    };
    let scopes = Scopes::parse(&token.scopes)
        .map_err(|e| ServiceError::Internal(format!("stored scopes: {e}")))?;
    Ok(Some(Grant {
        token_id: token.id,
        application_id: token.application_id,
        account,
        scopes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_hashes_stable() {
        let a = random_secret();
        let b = random_secret();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(secret_hash("abc"), secret_hash("abc"));
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn pkce_follows_rfc_7636() {
        // The example of RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(challenge, "S256", verifier));
        assert!(!pkce_matches(
            challenge,
            "S256",
            &verifier.replace('d', "e")
        ));
        assert!(pkce_matches(verifier, "plain", verifier));
        assert!(!pkce_matches(challenge, "plain", verifier));
        assert!(!pkce_matches("short", "plain", "short"));
    }

    #[test]
    fn redirect_uris_are_split_and_checked() {
        let uris = parse_redirect_uris(&[
            "https://app.example/cb\noauth2redirect://callback".into(),
            OOB_REDIRECT_URI.into(),
        ])
        .unwrap();
        assert_eq!(
            uris,
            vec![
                "https://app.example/cb",
                "oauth2redirect://callback",
                OOB_REDIRECT_URI
            ]
        );
        assert!(parse_redirect_uris(&[]).is_err());
        assert!(parse_redirect_uris(&["/relative".into()]).is_err());
        assert!(parse_redirect_uris(&["https://a.example/#frag".into()]).is_err());
        assert!(parse_redirect_uris(&["javascript:alert(1)".into()]).is_err());
    }

    #[test]
    fn dummy_hash_is_a_valid_phc_string() {
        assert!(argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
