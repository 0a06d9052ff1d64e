//! `oidc_identities` (who a provider's subject is here) and `oidc_logins` (sign-ins under way).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{accounts, oidc_identities, oidc_logins};
use crate::{DbConnection, DbError};

/// A person's identity at an OpenID provider.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = oidc_identities)]
pub struct OidcIdentity {
    /// The provider's issuer URL.
    pub issuer: String,
    /// The `sub` claim: the provider's stable id of the person.
    pub subject: String,
    /// The local person.
    pub account_id: i64,
    /// When the link was made.
    pub created_at: NaiveDateTime,
    /// The last sign-in through it.
    pub last_login_at: NaiveDateTime,
}

impl OidcIdentity {
    /// Links an identity to a person.
    pub fn insert(conn: &mut DbConnection, identity: &OidcIdentity) -> Result<(), DbError> {
        diesel::insert_into(oidc_identities::table)
            .values(identity)
            .execute(conn)?;
        Ok(())
    }

    /// The local person linked to `(issuer, subject)`.
    pub fn account_of(
        conn: &mut DbConnection,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<i64>, DbError> {
        Ok(oidc_identities::table
            .inner_join(accounts::table)
            .filter(oidc_identities::issuer.eq(issuer))
            .filter(oidc_identities::subject.eq(subject))
            .filter(accounts::domain.is_null())
            .select(oidc_identities::account_id)
            .first(conn)
            .optional()?)
    }

    /// Whether `account_id` is linked to some identity at `issuer` already.
    pub fn links_at(
        conn: &mut DbConnection,
        issuer: &str,
        account_id: i64,
    ) -> Result<bool, DbError> {
        use diesel::dsl::exists;
        Ok(diesel::select(exists(
            oidc_identities::table
                .filter(oidc_identities::issuer.eq(issuer))
                .filter(oidc_identities::account_id.eq(account_id)),
        ))
        .get_result(conn)?)
    }

    /// Records a sign-in through `(issuer, subject)`.
    pub fn touch(
        conn: &mut DbConnection,
        issuer: &str,
        subject: &str,
        at: NaiveDateTime,
    ) -> Result<(), DbError> {
        diesel::update(oidc_identities::table.find((issuer, subject)))
            .set(oidc_identities::last_login_at.eq(at))
            .execute(conn)?;
        Ok(())
    }
}

/// A sign-in sent to the provider and not yet back.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = oidc_logins)]
pub struct OidcLogin {
    /// SHA-256 of the `state` parameter (hex).
    pub state_hash: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub code_verifier: String,
    /// The local path to return to after sign-in.
    pub return_to: String,
    /// After this the sign-in can no longer finish.
    pub expires_at: NaiveDateTime,
}

impl OidcLogin {
    /// Drops the expired sign-ins and counts the others.
    pub fn prune_and_count(conn: &mut DbConnection, now: NaiveDateTime) -> Result<i64, DbError> {
        diesel::delete(oidc_logins::table.filter(oidc_logins::expires_at.le(now))).execute(conn)?;
        Ok(oidc_logins::table.count().get_result(conn)?)
    }

    /// Stores a sign-in under way.
    pub fn insert(conn: &mut DbConnection, login: &OidcLogin) -> Result<(), DbError> {
        diesel::insert_into(oidc_logins::table)
            .values(login)
            .execute(conn)?;
        Ok(())
    }

    /// Takes (deletes and returns) the unexpired sign-in with `state_hash`: each can be used
    /// once.
    pub fn take(
        conn: &mut DbConnection,
        state_hash: &str,
        now: NaiveDateTime,
    ) -> Result<Option<OidcLogin>, DbError> {
        conn.transaction(|conn| {
            let found: Option<OidcLogin> = oidc_logins::table
                .find(state_hash)
                .select(OidcLogin::as_select())
                .first(conn)
                .optional()?;
            let Some(login) = found else {
                return Ok(None);
            };
            let deleted = diesel::delete(oidc_logins::table.find(state_hash)).execute(conn)?;
            Ok((deleted == 1 && login.expires_at > now).then_some(login))
        })
    }
}
