//! OAuth2 as the Mastodon client API uses it: applications, authorization codes, tokens, and
//! the lookup that turns a bearer token into the person and scopes behind a request.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::models::Account;
use crate::db::models::oauth::{AccessToken, Application};
use crate::db::schema::{accounts, users};
use crate::state::AppState;

use super::ServiceError;
use super::scopes::Scopes;

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
}
