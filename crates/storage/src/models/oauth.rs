//! `oauth_applications`, `oauth_authorization_codes`, `oauth_access_tokens`: OAuth2 clients,
//! pending codes and issued tokens. Secrets, codes and tokens are stored as SHA-256 hashes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{
    accounts, oauth_access_tokens, oauth_applications, oauth_authorization_codes, users,
};
use crate::{DbConnection, DbError};

use super::{Account, User};

/// A registered client application.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_applications)]
pub struct Application {
    /// Row id.
    pub id: i64,
    /// Shown on the consent page.
    pub name: String,
    /// The application's home page.
    pub website: Option<String>,
    /// Allowed redirect URIs, one per line.
    pub redirect_uris: String,
    /// Space-separated scopes the application may request.
    pub scopes: String,
    /// Public client identifier.
    pub client_id: String,
    /// SHA-256 of the client secret (hex).
    pub client_secret_hash: String,
    /// Registration time.
    pub created_at: NaiveDateTime,
}

/// A code issued by the authorization page, waiting to be exchanged.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_authorization_codes)]
pub struct AuthorizationCode {
    /// SHA-256 of the code (hex).
    pub code_hash: String,
    /// The application it was issued to.
    pub application_id: i64,
    /// The person who consented.
    pub account_id: i64,
    /// Granted scopes.
    pub scopes: String,
    /// The redirect URI the code was sent to (must match at exchange).
    pub redirect_uri: String,
    /// PKCE challenge.
    pub code_challenge: Option<String>,
    /// PKCE method (`S256` or `plain`).
    pub code_challenge_method: Option<String>,
    /// After this the code is void.
    pub expires_at: NaiveDateTime,
    /// Issue time.
    pub created_at: NaiveDateTime,
}

/// An issued access token.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = oauth_access_tokens)]
pub struct AccessToken {
    /// Row id.
    pub id: i64,
    /// SHA-256 of the token (hex).
    pub token_hash: String,
    /// The application it was issued to.
    pub application_id: i64,
    /// The person it acts for; `None` for client_credentials tokens.
    pub account_id: Option<i64>,
    /// Granted scopes.
    pub scopes: String,
    /// Issue time.
    pub created_at: NaiveDateTime,
    /// Last request made with it.
    pub last_used_at: Option<NaiveDateTime>,
    /// When revoked; a revoked token authenticates nothing.
    pub revoked_at: Option<NaiveDateTime>,
}

impl Application {
    /// Stores a new application.
    pub fn insert(conn: &mut DbConnection, app: &Application) -> Result<(), DbError> {
        diesel::insert_into(oauth_applications::table)
            .values(app)
            .execute(conn)?;
        Ok(())
    }

    /// An application by its public client id.
    pub fn find_by_client_id(
        conn: &mut DbConnection,
        client_id: &str,
    ) -> Result<Option<Application>, DbError> {
        Ok(oauth_applications::table
            .filter(oauth_applications::client_id.eq(client_id))
            .select(Application::as_select())
            .first(conn)
            .optional()?)
    }

    /// An application by row id.
    pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Application>, DbError> {
        Ok(oauth_applications::table
            .find(id)
            .select(Application::as_select())
            .first(conn)
            .optional()?)
    }

    /// The allowed redirect URIs, in registration order.
    pub fn redirect_uri_list(&self) -> Vec<String> {
        self.redirect_uris
            .split_whitespace()
            .map(str::to_string)
            .collect()
    }
}

impl AuthorizationCode {
    /// Stores a new code.
    pub fn insert(conn: &mut DbConnection, code: &AuthorizationCode) -> Result<(), DbError> {
        diesel::insert_into(oauth_authorization_codes::table)
            .values(code)
            .execute(conn)?;
        Ok(())
    }

    /// Removes and returns a code: a code can be exchanged once. When two exchanges race,
    /// only the one whose delete removed the row gets it.
    pub fn take(conn: &mut DbConnection, code_hash: &str) -> Result<Option<Self>, DbError> {
        let found = oauth_authorization_codes::table
            .find(code_hash)
            .select(AuthorizationCode::as_select())
            .first(conn)
            .optional()?;
        if found.is_none() {
            return Ok(None);
        }
        let deleted =
            diesel::delete(oauth_authorization_codes::table.find(code_hash)).execute(conn)?;
        Ok(found.filter(|_| deleted == 1))
    }

    /// Deletes codes that expired before `now`.
    pub fn delete_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, DbError> {
        Ok(diesel::delete(
            oauth_authorization_codes::table.filter(oauth_authorization_codes::expires_at.lt(now)),
        )
        .execute(conn)?)
    }
}

impl AccessToken {
    /// Stores a new token.
    pub fn insert(conn: &mut DbConnection, token: &AccessToken) -> Result<(), DbError> {
        diesel::insert_into(oauth_access_tokens::table)
            .values(token)
            .execute(conn)?;
        Ok(())
    }

    /// A token that has not been revoked, by its hash.
    pub fn find_active(
        conn: &mut DbConnection,
        token_hash: &str,
    ) -> Result<Option<AccessToken>, DbError> {
        Ok(oauth_access_tokens::table
            .filter(oauth_access_tokens::token_hash.eq(token_hash))
            .filter(oauth_access_tokens::revoked_at.is_null())
            .select(AccessToken::as_select())
            .first(conn)
            .optional()?)
    }

    /// Revokes a token by its hash, if it belongs to `application_id`; returns the person of
    /// the token it revoked (`Some(None)` for an app-only token), `None` when it revoked none.
    pub fn revoke(
        conn: &mut DbConnection,
        token_hash: &str,
        application_id: i64,
        at: NaiveDateTime,
    ) -> Result<Option<Option<i64>>, DbError> {
        let revoked: Vec<Option<i64>> = diesel::update(
            oauth_access_tokens::table
                .filter(oauth_access_tokens::token_hash.eq(token_hash))
                .filter(oauth_access_tokens::application_id.eq(application_id))
                .filter(oauth_access_tokens::revoked_at.is_null()),
        )
        .set(oauth_access_tokens::revoked_at.eq(Some(at)))
        .returning(oauth_access_tokens::account_id)
        .get_results(conn)?;
        Ok(revoked.into_iter().next())
    }

    /// Revokes every live token of a person (a new password, a disabled account); returns how
    /// many it revoked.
    pub fn revoke_all_of(
        conn: &mut DbConnection,
        account_id: i64,
        at: NaiveDateTime,
    ) -> Result<usize, DbError> {
        Ok(diesel::update(
            oauth_access_tokens::table
                .filter(oauth_access_tokens::account_id.eq(account_id))
                .filter(oauth_access_tokens::revoked_at.is_null()),
        )
        .set(oauth_access_tokens::revoked_at.eq(Some(at)))
        .execute(conn)?)
    }

    /// Whether token `id` is still valid: not revoked, and its person (if any) not disabled.
    pub fn is_active(conn: &mut DbConnection, id: i64) -> Result<bool, DbError> {
        use crate::schema::users;
        let found: Option<Option<i64>> = oauth_access_tokens::table
            .filter(oauth_access_tokens::id.eq(id))
            .filter(oauth_access_tokens::revoked_at.is_null())
            .select(oauth_access_tokens::account_id)
            .first(conn)
            .optional()?;
        match found {
            None => Ok(false),
            Some(None) => Ok(true),
            Some(Some(account)) => Ok(users::table
                .filter(users::account_id.eq(account))
                .filter(users::disabled.eq(false))
                .count()
                .get_result::<i64>(conn)?
                > 0),
        }
    }
}

/// Finds the local person signing in with `login`: a username, or an email address
/// (compared lower-cased). Disabled people are returned too; the caller refuses them.
pub fn find_login(
    conn: &mut DbConnection,
    login: &str,
) -> Result<Option<(User, Account)>, DbError> {
    let login = login.trim();
    let query = users::table
        .inner_join(accounts::table)
        .filter(accounts::domain.is_null())
        .select((User::as_select(), Account::as_select()));
    if login.contains('@') {
        let email = login.to_lowercase();
        Ok(query
            .filter(users::email.eq(email))
            .first(conn)
            .optional()?)
    } else {
        Ok(query
            .filter(accounts::username.eq(login))
            .first(conn)
            .optional()?)
    }
}

/// True when the local person behind `account_id` exists and is not disabled.
pub fn login_enabled(conn: &mut DbConnection, account_id: i64) -> Result<bool, DbError> {
    let disabled: Option<bool> = users::table
        .filter(users::account_id.eq(account_id))
        .select(users::disabled)
        .first(conn)
        .optional()?;
    Ok(disabled == Some(false))
}
