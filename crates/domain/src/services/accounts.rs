//! Local people: creation, listing, passwords, disabling.

use crate::state::AppState;
use diesel::Connection;
use trellis_storage::models::oauth::AccessToken;
use trellis_storage::models::stream_event::StreamEvent;
use trellis_storage::models::web_session::WebSession;
use trellis_storage::models::{Account, NewAccount, NewUser, User};
use trellis_storage::{DbConnection, DbError};

use super::articles::channels;
use super::audit::{self, Acting, Entry};
use super::local_actor::new_local_actor;
use super::outbox::publish;
use super::profile::announce_update;
use super::{ServiceError, keys, passwords, validation};

pub use trellis_storage::models::user::Role;

/// Input for a new local person.
#[derive(Debug, Default)]
pub struct NewPerson {
    /// Validated username.
    pub username: String,
    /// Email address (stored lower-cased).
    pub email: String,
    /// Password, or `None` to leave the account without one.
    pub password: Option<String>,
    /// Role; defaults to member.
    pub role: Option<Role>,
    /// Display name; defaults to the username.
    pub display_name: Option<String>,
    /// Department or subsidiary.
    pub department: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Where the person works (an office, a city).
    pub location: Option<String>,
    /// Expertise tags.
    pub expertise: Vec<String>,
}

/// A local person as listed by the CLI and admin pages.
#[derive(Clone, Debug)]
pub struct LocalUser {
    /// Login data.
    pub user: User,
    /// Public profile.
    pub account: Account,
}

/// Creates a local person with a fresh key pair.
pub async fn create(state: &AppState, input: NewPerson) -> Result<LocalUser, ServiceError> {
    create_with(state, input, |_, _, _| Ok(())).await
}

/// Creates a local person with a fresh key pair and runs `then` in the transaction that
/// stores them (to record who provisioned them, say).
pub async fn create_with<F>(
    state: &AppState,
    input: NewPerson,
    then: F,
) -> Result<LocalUser, ServiceError>
where
    F: FnOnce(&mut DbConnection, &AppState, &LocalUser) -> Result<(), DbError> + Send + 'static,
{
    validation::username(&input.username).map_err(|m| ServiceError::invalid("username", m))?;
    let email = input.email.trim().to_lowercase();
    validation::email(&email).map_err(|m| ServiceError::invalid("email", m))?;
    let password_hash = match input.password {
        Some(password) => {
            validation::password(&password).map_err(|m| ServiceError::invalid("password", m))?;
            Some(passwords::hash(password).await?)
        }
        None => None,
    };
    let expertise = normalize_tags(&input.expertise)?;

    let (username, probe_email) = (input.username.clone(), email.clone());
    let (name_taken, email_taken) = state
        .db()
        .read(move |conn| {
            let name_taken = Account::find_local_by_username(conn, &username)?.is_some();
            Ok((name_taken, User::email_taken(conn, &probe_email)?))
        })
        .await?;
    if name_taken {
        return Err(ServiceError::Conflict(format!(
            "username {:?} is already taken",
            input.username
        )));
    }
    if email_taken {
        return Err(ServiceError::Conflict(format!(
            "email {email:?} is already in use"
        )));
    }

    let keypair = keys::generate(state).await?;
    let display_name = input.display_name.unwrap_or_else(|| input.username.clone());
    let mut account = new_local_actor(state, "Person", &input.username, display_name, keypair);
    account.department = input.department.filter(|d| !d.trim().is_empty());
    account.job_title = input.job_title.filter(|t| !t.trim().is_empty());
    account.location = input.location.filter(|l| !l.trim().is_empty());
    account.expertise = serde_json::to_string(&expertise).expect("strings serialize");
    let (id, now) = (account.id, account.created_at);
    let user = NewUser {
        account_id: id,
        email,
        password_hash,
        role: input.role.unwrap_or(Role::Member),
        created_at: now,
    };
    let context = state.clone();
    let stored = state
        .db()
        .write(move |conn| {
            insert_person(conn, &account, &user, |conn, person| {
                then(conn, &context, person)
            })
        })
        .await;
    match stored {
        Ok(local) => Ok(local),
        Err(e) if e.is_unique_violation() => Err(ServiceError::Conflict(
            "username or email is already taken".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

fn insert_person(
    conn: &mut DbConnection,
    account: &NewAccount,
    user: &NewUser,
    then: impl FnOnce(&mut DbConnection, &LocalUser) -> Result<(), DbError>,
) -> Result<LocalUser, DbError> {
    conn.transaction(|conn| {
        let account = Account::insert(conn, account)?;
        User::insert(conn, user)?;
        let (user, account) = User::find_by_username(conn, &account.username)?
            .ok_or(DbError::Query(diesel::result::Error::NotFound))?;
        let local = LocalUser { user, account };
        then(conn, &local)?;
        Ok(local)
    })
}

/// Trims, lower-cases and de-duplicates expertise tags; each must be a short word.
fn normalize_tags(tags: &[String]) -> Result<Vec<String>, ServiceError> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().trim_start_matches('#').to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.len() > 50
            || !tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(ServiceError::invalid(
                "expertise",
                format!("{tag:?} must be a word of letters, digits, - or _ (50 at most)"),
            ));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

/// Every local person, oldest first.
pub async fn list(state: &AppState) -> Result<Vec<LocalUser>, ServiceError> {
    let rows = state.db().read(User::list).await?;
    Ok(rows
        .into_iter()
        .map(|(user, account)| LocalUser { user, account })
        .collect())
}

/// A local person by username, including disabled ones.
pub async fn find(state: &AppState, username: &str) -> Result<LocalUser, ServiceError> {
    let name = username.to_string();
    state
        .db()
        .read(move |conn| User::find_by_username(conn, &name))
        .await?
        .map(|(user, account)| LocalUser { user, account })
        .ok_or_else(|| ServiceError::NotFound(format!("no local user named {username:?}")))
}

/// Replaces a person's password.
pub async fn set_password(
    state: &AppState,
    username: &str,
    password: String,
) -> Result<(), ServiceError> {
    validation::password(&password).map_err(|m| ServiceError::invalid("password", m))?;
    let person = find(state, username).await?;
    let hash = passwords::hash(password).await?;
    let ids = state.clone();
    state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let account = person.user.account_id;
                User::set_password_hash(conn, account, &hash)?;
                // A new password signs the person out everywhere: every token they had is
                // revoked and their open streams close (in every process).
                revoke_everything(conn, &ids, account)
            })
        })
        .await?;
    state.events().wake();
    Ok(())
}

/// Revokes every token of `account`, ends its browser sessions and closes its streams, in the
/// caller's transaction.
pub(crate) fn revoke_everything(
    conn: &mut DbConnection,
    state: &AppState,
    account: i64,
) -> Result<(), DbError> {
    AccessToken::revoke_all_of(conn, account, chrono::Utc::now().naive_utc())?;
    WebSession::delete_all_of(conn, account)?;
    StreamEvent::record_revoke(conn, state.ids(), Some(account))?;
    Ok(())
}

/// Disables (or re-enables) a person: they can no longer sign in and their profile is hidden.
/// Recorded in the audit log as `account.disable` or `account.enable`.
pub async fn set_disabled(
    state: &AppState,
    acting: &Acting,
    username: &str,
    disabled: bool,
    reason: Option<String>,
) -> Result<(), ServiceError> {
    set_disabled_with(state, acting, username, disabled, reason, |_, _, _| Ok(())).await
}

/// [`set_disabled`], running `then` in the transaction of the change.
pub async fn set_disabled_with<F>(
    state: &AppState,
    acting: &Acting,
    username: &str,
    disabled: bool,
    reason: Option<String>,
    then: F,
) -> Result<(), ServiceError>
where
    F: FnOnce(&mut DbConnection, &AppState, &LocalUser) -> Result<(), DbError> + Send + 'static,
{
    let person = find(state, username).await?;
    let ids = state.clone();
    let acting = acting.clone();
    let entry = Entry::new(
        if disabled {
            "account.disable"
        } else {
            "account.enable"
        },
        format!("@{}", person.account.username),
    )
    .because(reason);
    state
        .db()
        .write(move |conn| {
            conn.transaction(|conn| {
                let account = person.user.account_id;
                User::set_disabled(conn, account, disabled)?;
                if disabled {
                    // The person's tokens end (re-enabling does not revive them) and their
                    // open streams close (in every process).
                    revoke_everything(conn, &ids, account)?;
                }
                audit::record(conn, &ids, &acting, entry)?;
                then(conn, &ids, &person)?;
                Ok::<_, DbError>(())
            })
        })
        .await?;
    state.events().wake();
    Ok(())
}

/// What an identity provider keeps up to date about a person; `None` keeps the current value.
#[derive(Clone, Debug, Default)]
pub struct IdentityChange {
    /// Display name.
    pub display_name: Option<String>,
    /// Email address (stored lower-cased).
    pub email: Option<String>,
    /// Department; an empty one clears it.
    pub department: Option<String>,
}

/// Applies `change` to the local person `account_id`, runs `then` in the same transaction and
/// queues an `Update` of their actor to their remote followers.
pub async fn update_identity<F>(
    state: &AppState,
    account_id: i64,
    change: IdentityChange,
    then: F,
) -> Result<Account, ServiceError>
where
    F: FnOnce(&mut DbConnection, &AppState, &Account) -> Result<(), DbError> + Send + 'static,
{
    use diesel::prelude::*;
    use trellis_storage::schema::{accounts, users};

    let email = match change.email {
        Some(email) => {
            let email = email.trim().to_lowercase();
            validation::email(&email).map_err(|m| ServiceError::invalid("email", m))?;
            Some(email)
        }
        None => None,
    };
    let display_name = change.display_name.map(|n| n.trim().to_string());
    if let Some(name) = &display_name
        && name.chars().count() > validation::DISPLAY_NAME_MAX
    {
        return Err(ServiceError::invalid(
            "display_name",
            format!(
                "must be at most {} characters",
                validation::DISPLAY_NAME_MAX
            ),
        ));
    }
    let department = super::work_profile::checked("department", change.department)?;
    let updated = publish(state, move |conn, state| {
        let now = crate::outbound::delivery::now();
        let row = accounts::table.find(account_id);
        if let Some(name) = &display_name {
            diesel::update(row)
                .set(accounts::display_name.eq(name))
                .execute(conn)?;
        }
        if let Some(department) = department {
            diesel::update(row)
                .set(accounts::department.eq(department))
                .execute(conn)?;
        }
        if let Some(email) = &email {
            diesel::update(users::table.find(account_id))
                .set(users::email.eq(email))
                .execute(conn)?;
        }
        diesel::update(row)
            .set(accounts::updated_at.eq(now))
            .execute(conn)?;
        let account: Account = row.select(Account::as_select()).first(conn)?;
        then(conn, state, &account)?;
        announce_update(conn, state, &account)?;
        Ok(account)
    })
    .await;
    match updated {
        Err(ServiceError::Db(e)) if e.is_unique_violation() => {
            Err(ServiceError::Conflict("email is already in use".into()))
        }
        other => other,
    }
}

/// The public actor named `username`: an enabled local person or an article channel, for
/// actor documents, inboxes, collections and profile pages.
pub async fn public_profile(state: &AppState, username: &str) -> Result<Account, ServiceError> {
    let gone = || ServiceError::NotFound(format!("no local user named {username:?}"));
    match find(state, username).await {
        Ok(person) if person.user.disabled => Err(gone()),
        Ok(person) if person.account.suspended_at.is_some() => {
            Err(ServiceError::Gone(format!("{username} is suspended")))
        }
        Ok(person) => Ok(person.account),
        Err(ServiceError::NotFound(_)) => channels::find(state, username).await?.ok_or_else(gone),
        Err(e) => Err(e),
    }
}

/// The actor id of the disabled local person named `username`, if there is one: their actor
/// document answers 410 Gone while they are disabled.
pub async fn disabled_person_uri(
    state: &AppState,
    username: &str,
) -> Result<Option<String>, ServiceError> {
    match find(state, username).await {
        Ok(person) if person.user.disabled => Ok(Some(person.account.uri)),
        Ok(_) | Err(ServiceError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Usage figures for nodeinfo.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    /// Enabled local users.
    pub total: i64,
    /// Active in the last 30 days.
    pub active_month: i64,
    /// Active in the last 180 days.
    pub active_half_year: i64,
}

/// Counts local users for nodeinfo.
pub async fn usage(state: &AppState) -> Result<Usage, ServiceError> {
    let now = chrono::Utc::now().naive_utc();
    let (total, active_month, active_half_year) = state
        .db()
        .read(move |conn| User::usage_counts(conn, now))
        .await?;
    Ok(Usage {
        total,
        active_month,
        active_half_year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalized() {
        let tags = normalize_tags(&[
            "#Rust".into(),
            " rust ".into(),
            "".into(),
            "Data-Eng".into(),
        ])
        .unwrap();
        assert_eq!(tags, vec!["rust", "data-eng"]);
        assert!(normalize_tags(&["two words".into()]).is_err());
    }
}
