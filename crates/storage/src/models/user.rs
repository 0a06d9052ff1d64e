//! `users`: credentials and role of local people.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{accounts, users};
use crate::{DbConnection, DbError};

use super::Account;

crate::stored_enum::stored_enum! {
    /// What a local person may do.
    pub enum Role {
        /// Manages the instance.
        Admin => "admin",
        /// Handles reports and moderates accounts.
        Moderator => "moderator",
        /// Publishes official content and manages categories.
        Editor => "editor",
        /// Everyone else.
        Member => "member",
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s).ok_or_else(|| {
            format!("unknown role {s:?}: expected admin, moderator, editor or member")
        })
    }
}

/// Login data of a local person; the profile lives in `accounts`.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    /// The account this user owns.
    pub account_id: i64,
    /// Lower-cased email address.
    pub email: String,
    /// Argon2 PHC string; `None` until a password is set.
    pub password_hash: Option<String>,
    /// admin, moderator, editor or member.
    pub role: Role,
    /// Disabled users cannot sign in and are hidden.
    pub disabled: bool,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last sign-in or post.
    pub last_active_at: Option<NaiveDateTime>,
}

/// A new user row.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    /// See [`User::account_id`].
    pub account_id: i64,
    /// See [`User::email`].
    pub email: String,
    /// See [`User::password_hash`].
    pub password_hash: Option<String>,
    /// See [`User::role`].
    pub role: Role,
    /// See [`User::created_at`].
    pub created_at: NaiveDateTime,
}

impl User {
    /// Inserts a user row.
    pub fn insert(conn: &mut DbConnection, new: &NewUser) -> Result<(), DbError> {
        diesel::insert_into(users::table)
            .values(new)
            .execute(conn)?;
        Ok(())
    }

    /// The local user and account with this username.
    pub fn find_by_username(
        conn: &mut DbConnection,
        username: &str,
    ) -> Result<Option<(User, Account)>, DbError> {
        Ok(users::table
            .inner_join(accounts::table)
            .filter(accounts::username.eq(username))
            .filter(accounts::domain.is_null())
            .select((User::as_select(), Account::as_select()))
            .first(conn)
            .optional()?)
    }

    /// The local user and account with this account id.
    pub fn find_by_account(
        conn: &mut DbConnection,
        account_id: i64,
    ) -> Result<Option<(User, Account)>, DbError> {
        Ok(users::table
            .inner_join(accounts::table)
            .filter(users::account_id.eq(account_id))
            .select((User::as_select(), Account::as_select()))
            .first(conn)
            .optional()?)
    }

    /// Replaces the (lower-cased) email address.
    pub fn set_email(conn: &mut DbConnection, account_id: i64, email: &str) -> Result<(), DbError> {
        diesel::update(users::table.find(account_id))
            .set(users::email.eq(email))
            .execute(conn)?;
        Ok(())
    }

    /// True when a user already uses this (lower-cased) email.
    pub fn email_taken(conn: &mut DbConnection, email: &str) -> Result<bool, DbError> {
        use diesel::dsl::exists;
        Ok(diesel::select(exists(users::table.filter(users::email.eq(email)))).get_result(conn)?)
    }

    /// All local users with their accounts, oldest first.
    pub fn list(conn: &mut DbConnection) -> Result<Vec<(User, Account)>, DbError> {
        Ok(users::table
            .inner_join(accounts::table)
            .order(accounts::id.asc())
            .select((User::as_select(), Account::as_select()))
            .load(conn)?)
    }

    /// Replaces the password hash.
    pub fn set_password_hash(
        conn: &mut DbConnection,
        account_id: i64,
        hash: &str,
    ) -> Result<usize, DbError> {
        Ok(diesel::update(users::table.find(account_id))
            .set(users::password_hash.eq(hash))
            .execute(conn)?)
    }

    /// Sets the role.
    pub fn set_role(
        conn: &mut DbConnection,
        account_id: i64,
        role: Role,
    ) -> Result<usize, DbError> {
        Ok(diesel::update(users::table.find(account_id))
            .set(users::role.eq(role))
            .execute(conn)?)
    }

    /// Sets the disabled flag.
    pub fn set_disabled(
        conn: &mut DbConnection,
        account_id: i64,
        disabled: bool,
    ) -> Result<usize, DbError> {
        Ok(diesel::update(users::table.find(account_id))
            .set(users::disabled.eq(disabled))
            .execute(conn)?)
    }

    /// Usage counts for nodeinfo: (total, active in 30 days, active in 180 days) of enabled users.
    pub fn usage_counts(
        conn: &mut DbConnection,
        now: NaiveDateTime,
    ) -> Result<(i64, i64, i64), DbError> {
        let enabled = || users::table.filter(users::disabled.eq(false));
        let total = enabled().count().get_result(conn)?;
        let month = enabled()
            .filter(users::last_active_at.ge(now - chrono::Duration::days(30)))
            .count()
            .get_result(conn)?;
        let half_year = enabled()
            .filter(users::last_active_at.ge(now - chrono::Duration::days(180)))
            .count()
            .get_result(conn)?;
        Ok((total, month, half_year))
    }
}

impl Role {
    /// Whether this role may act on reports and accounts (moderators and admins).
    pub fn moderates(self) -> bool {
        matches!(self, Role::Admin | Role::Moderator)
    }
}
