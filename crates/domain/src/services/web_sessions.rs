//! Browser sign-ins: a session is a random token in a cookie, stored only as its hash, that
//! signs in its person until sign-out, expiry, a new password or the person being disabled.

use chrono::NaiveDateTime;

use crate::state::AppState;
use trellis_storage::models::Account;
use trellis_storage::models::web_session::WebSession;

use super::ServiceError;
use super::oauth::{random_secret, secret_hash};

/// How long a session lasts after sign-in (fixed, not extended by use).
pub const SESSION_LIFETIME: chrono::Duration = chrono::Duration::days(14);

/// A session as handed once to the browser (only its hash is stored).
#[derive(Clone, Debug)]
pub struct StartedSession {
    /// The cookie's value, in clear.
    pub token: String,
    /// When it stops signing in.
    pub expires_at: NaiveDateTime,
}

/// Starts a session for `account` (whose credentials the caller has just checked).
pub async fn start(state: &AppState, account: &Account) -> Result<StartedSession, ServiceError> {
    let token = random_secret();
    let created_at = chrono::Utc::now().naive_utc();
    let row = WebSession {
        id: state.ids().next_id(),
        token_hash: secret_hash(&token),
        account_id: account.id,
        created_at,
        expires_at: created_at + SESSION_LIFETIME,
    };
    let expires_at = row.expires_at;
    state
        .db()
        .write(move |conn| WebSession::insert(conn, &row))
        .await?;
    Ok(StartedSession { token, expires_at })
}

/// The person a session token signs in: `None` when the token is unknown, ended, expired, or
/// its person is disabled.
pub async fn signed_in(state: &AppState, token: &str) -> Result<Option<Account>, ServiceError> {
    let hash = secret_hash(token);
    let now = chrono::Utc::now().naive_utc();
    Ok(state
        .db()
        .read(move |conn| WebSession::signed_in(conn, &hash, now))
        .await?)
}

/// Ends the session of `token` (sign-out). Ending an unknown session is not an error.
pub async fn end(state: &AppState, token: &str) -> Result<(), ServiceError> {
    let hash = secret_hash(token);
    state
        .db()
        .write(move |conn| WebSession::delete(conn, &hash))
        .await?;
    Ok(())
}
