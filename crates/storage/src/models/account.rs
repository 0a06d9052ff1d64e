//! `accounts`: every actor the instance knows, local or remote.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::accounts;
use crate::{DbConnection, DbError};

/// A stored actor. Local accounts have `domain = None` and a private key.
#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = accounts)]
pub struct Account {
    /// Time-sortable identifier.
    pub id: i64,
    /// ActivityStreams actor type: Person, Application, Group, Service.
    pub actor_type: String,
    /// preferredUsername.
    pub username: String,
    /// Host of a remote actor; `None` for local actors.
    pub domain: Option<String>,
    /// ActivityPub id.
    pub uri: String,
    /// Profile page.
    pub url: Option<String>,
    /// Display name.
    pub display_name: String,
    /// Biography as sanitized HTML.
    pub bio: String,
    /// Personal inbox.
    pub inbox_url: String,
    /// Shared inbox of the actor's server, if it has one.
    pub shared_inbox_url: Option<String>,
    /// Outbox collection.
    pub outbox_url: Option<String>,
    /// Followers collection.
    pub followers_url: Option<String>,
    /// Following collection.
    pub following_url: Option<String>,
    /// Id of the actor's public key.
    pub public_key_id: String,
    /// Public key in PEM.
    pub public_key_pem: String,
    /// Private key in PEM; only for local actors.
    pub private_key_pem: Option<String>,
    /// Avatar image.
    pub avatar_url: Option<String>,
    /// Header image.
    pub header_url: Option<String>,
    /// Follow requests need approval (manuallyApprovesFollowers).
    pub locked: bool,
    /// Listed in directories and search.
    pub discoverable: bool,
    /// Department or subsidiary.
    pub department: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Expertise tags as a JSON array of strings.
    pub expertise: String,
    /// Free profile fields as a JSON array of `{name, value}`.
    pub fields: String,
    /// When the account was created (or first seen).
    pub created_at: NaiveDateTime,
    /// Last profile change.
    pub updated_at: NaiveDateTime,
    /// When a remote actor was last fetched; `None` for local actors.
    pub fetched_at: Option<NaiveDateTime>,
    /// Accepted followers known here (kept by `account_counters`).
    pub followers_count: i64,
    /// Accepted follows known here.
    pub following_count: i64,
    /// Posts and boosts known here.
    pub statuses_count: i64,
    /// Publication time of the latest post or boost known here.
    pub last_status_at: Option<NaiveDateTime>,
    /// Where the person works (an office, a city).
    pub location: Option<String>,
    /// For a remote person: the peer (`host[:port]`) whose directory lists them; `None` when
    /// no peer's directory does.
    pub directory_peer: Option<String>,
    /// When a moderator suspended the account: its posts are hidden everywhere, its profile
    /// is not served and (local) it cannot sign in; `None` when it is not suspended.
    pub suspended_at: Option<NaiveDateTime>,
    /// When a moderator silenced the account: its posts reach its followers only, never the
    /// public timelines; `None` when it is not silenced.
    pub silenced_at: Option<NaiveDateTime>,
}

/// A new account row (its counters start at zero).
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount {
    /// See [`Account::id`].
    pub id: i64,
    /// See [`Account::actor_type`].
    pub actor_type: String,
    /// See [`Account::username`].
    pub username: String,
    /// See [`Account::domain`].
    pub domain: Option<String>,
    /// See [`Account::uri`].
    pub uri: String,
    /// See [`Account::url`].
    pub url: Option<String>,
    /// See [`Account::display_name`].
    pub display_name: String,
    /// See [`Account::bio`].
    pub bio: String,
    /// See [`Account::inbox_url`].
    pub inbox_url: String,
    /// See [`Account::shared_inbox_url`].
    pub shared_inbox_url: Option<String>,
    /// See [`Account::outbox_url`].
    pub outbox_url: Option<String>,
    /// See [`Account::followers_url`].
    pub followers_url: Option<String>,
    /// See [`Account::following_url`].
    pub following_url: Option<String>,
    /// See [`Account::public_key_id`].
    pub public_key_id: String,
    /// See [`Account::public_key_pem`].
    pub public_key_pem: String,
    /// See [`Account::private_key_pem`].
    pub private_key_pem: Option<String>,
    /// See [`Account::avatar_url`].
    pub avatar_url: Option<String>,
    /// See [`Account::header_url`].
    pub header_url: Option<String>,
    /// See [`Account::locked`].
    pub locked: bool,
    /// See [`Account::discoverable`].
    pub discoverable: bool,
    /// See [`Account::department`].
    pub department: Option<String>,
    /// See [`Account::job_title`].
    pub job_title: Option<String>,
    /// See [`Account::location`].
    pub location: Option<String>,
    /// See [`Account::expertise`].
    pub expertise: String,
    /// See [`Account::fields`].
    pub fields: String,
    /// See [`Account::created_at`].
    pub created_at: NaiveDateTime,
    /// See [`Account::updated_at`].
    pub updated_at: NaiveDateTime,
    /// See [`Account::fetched_at`].
    pub fetched_at: Option<NaiveDateTime>,
}

impl Account {
    /// True for actors hosted on this instance.
    pub fn is_local(&self) -> bool {
        self.domain.is_none()
    }

    /// Expertise tags decoded from their JSON column.
    pub fn expertise_tags(&self) -> Vec<String> {
        serde_json::from_str(&self.expertise).unwrap_or_default()
    }

    /// Profile fields decoded from their JSON column.
    pub fn profile_fields(&self) -> Vec<ProfileField> {
        serde_json::from_str(&self.fields).unwrap_or_default()
    }

    /// Inserts a new account and reads it back.
    pub fn insert(conn: &mut DbConnection, new: &NewAccount) -> Result<Account, DbError> {
        diesel::insert_into(accounts::table)
            .values(new)
            .execute(conn)?;
        Ok(accounts::table
            .find(new.id)
            .select(Account::as_select())
            .first(conn)?)
    }

    /// Deletes an account row (by cascade their posts and follows go with it). What that
    /// causes elsewhere is the domain's (`trellis_domain::changes::accounts`).
    pub fn delete_row(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
        diesel::delete(accounts::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// A local actor of the given type by username.
    pub fn find_local(
        conn: &mut DbConnection,
        actor_type: &str,
        username: &str,
    ) -> Result<Option<Account>, DbError> {
        Ok(accounts::table
            .filter(accounts::domain.is_null())
            .filter(accounts::actor_type.eq(actor_type))
            .filter(accounts::username.eq(username))
            .select(Account::as_select())
            .first(conn)
            .optional()?)
    }

    /// The local account (person, bot, channel or the instance actor) using `username`.
    pub fn find_local_by_username(
        conn: &mut DbConnection,
        username: &str,
    ) -> Result<Option<Account>, DbError> {
        Ok(accounts::table
            .filter(accounts::domain.is_null())
            .filter(accounts::username.eq(username))
            .select(Account::as_select())
            .first(conn)
            .optional()?)
    }

    /// Usernames of local accounts that start with `prefix` (letters, digits and `_`), to pick
    /// a free one in one query.
    pub fn local_usernames_starting_with(
        conn: &mut DbConnection,
        prefix: &str,
    ) -> Result<Vec<String>, DbError> {
        let pattern = format!("{}%", prefix.replace('\\', "\\\\").replace('_', "\\_"));
        Ok(accounts::table
            .filter(accounts::domain.is_null())
            .filter(accounts::username.like(pattern).escape('\\'))
            .select(accounts::username)
            .load(conn)?)
    }

    /// The distinct domains of known remote accounts, sorted (instance peers).
    pub fn known_domains(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
        let domains: Vec<Option<String>> = accounts::table
            .filter(accounts::domain.is_not_null())
            .select(accounts::domain)
            .distinct()
            .order(accounts::domain.asc())
            .load(conn)?;
        Ok(domains.into_iter().flatten().collect())
    }

    /// Any account by its ActivityPub id.
    pub fn find_by_uri(conn: &mut DbConnection, uri: &str) -> Result<Option<Account>, DbError> {
        Ok(accounts::table
            .filter(accounts::uri.eq(uri))
            .select(Account::as_select())
            // `get_result`, not `first`: the id is unique, and SQLite compiles a statement
            // with a bound `LIMIT` again at every execution (the planner reads the value).
            .get_result(conn)
            .optional()?)
    }

    /// The account on `domain` (`None`: a local one) whose `publicKey.id` is `key_id`.
    pub fn find_by_key_id(
        conn: &mut DbConnection,
        key_id: &str,
        domain: Option<&str>,
    ) -> Result<Option<Account>, DbError> {
        let query = accounts::table
            .filter(accounts::public_key_id.eq(key_id))
            .select(Account::as_select())
            .into_boxed();
        let query = match domain {
            Some(domain) => query.filter(accounts::domain.eq(domain)),
            None => query.filter(accounts::domain.is_null()),
        };
        Ok(query.first(conn).optional()?)
    }
}

/// A free `name: value` line on a profile (a PropertyValue in ActivityPub).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProfileField {
    /// Label.
    pub name: String,
    /// Value, plain text for local accounts.
    pub value: String,
}
