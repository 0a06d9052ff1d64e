//! Sign-ins sent to the identity provider and not yet back: each has a random `state` (only
//! its hash is stored), a nonce, a PKCE verifier and the local path to return to; it expires
//! after [`LOGIN_LIFETIME`] and can be finished once.

use diesel::Connection;

use crate::state::AppState;
use trellis_storage::models::oidc::OidcLogin;

use super::super::ServiceError;
use super::super::oauth::{random_secret, secret_hash};

/// How long a person has to sign in at the provider.
pub const LOGIN_LIFETIME: chrono::Duration = chrono::Duration::minutes(10);
/// Most sign-ins under way at once: starting one costs a row, and anyone may start one, so
/// beyond this new ones wait until older ones expire.
pub const MAX_PENDING_LOGINS: i64 = 10_000;

/// A sign-in just started: the values the authorization request carries.
#[derive(Clone, Debug)]
pub struct StartedLogin {
    /// The `state` parameter (and the browser's cookie).
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub code_verifier: String,
}

/// A sign-in coming back from the provider.
#[derive(Clone, Debug)]
pub struct PendingLogin {
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub code_verifier: String,
    /// The local path to return to.
    pub return_to: String,
}

/// Starts a sign-in that returns to `return_to` (a local path the caller checked); `None`
/// when [`MAX_PENDING_LOGINS`] are already under way.
pub async fn begin(
    state: &AppState,
    return_to: &str,
) -> Result<Option<StartedLogin>, ServiceError> {
    let started = StartedLogin {
        state: random_secret(),
        nonce: random_secret(),
        code_verifier: random_secret(),
    };
    let now = chrono::Utc::now().naive_utc();
    let row = OidcLogin {
        state_hash: secret_hash(&started.state),
        nonce: started.nonce.clone(),
        code_verifier: started.code_verifier.clone(),
        return_to: return_to.to_string(),
        expires_at: now + LOGIN_LIFETIME,
    };
    let stored = state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                if OidcLogin::prune_and_count(conn, now)? >= MAX_PENDING_LOGINS {
                    return Ok(false);
                }
                OidcLogin::insert(conn, &row)?;
                Ok::<_, trellis_storage::DbError>(true)
            })
        })
        .await?;
    Ok(stored.then_some(started))
}

/// Takes the unexpired sign-in of `state`: `None` when unknown, expired or already used.
pub async fn take(
    state: &AppState,
    login_state: &str,
) -> Result<Option<PendingLogin>, ServiceError> {
    let hash = secret_hash(login_state);
    let now = chrono::Utc::now().naive_utc();
    let found = state
        .db()
        .write(move |conn| OidcLogin::take(conn, &hash, now))
        .await?;
    Ok(found.map(|row| PendingLogin {
        nonce: row.nonce,
        code_verifier: row.code_verifier,
        return_to: row.return_to,
    }))
}
