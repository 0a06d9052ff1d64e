//! Signing in the person an identity provider vouches for: found by the link of issuer and
//! subject (never by email), provisioned on the first sign-in, brought up to date on every
//! later one. Provisioning and role changes are recorded in the audit log as done by the
//! identity provider.

use diesel::prelude::*;
use serde_json::json;

use crate::outbound::delivery::now;
use crate::state::AppState;
use trellis_storage::models::oidc::OidcIdentity;
use trellis_storage::models::{Account, User};
use trellis_storage::schema::accounts;
use trellis_storage::{DbConnection, DbError};

use super::super::ServiceError;
use super::super::accounts::{NewPerson, Role, create_with};
use super::super::audit::{self, Acting, Entry};
use super::super::outbox::publish;
use super::super::profile::announce_update;
use super::super::validation;
use super::super::work_profile::{self, WorkProfile};
use super::identity::Identity;
use super::matching::existing_person_for;
use super::username;

/// Who an identity is here before any change.
enum Known {
    /// A linked (or matched) person: their account id, and whether the link must be made.
    Person { account_id: i64, link: bool },
    /// Nobody yet.
    New,
}

/// Signs in the person `identity` describes (provisioning them on first sign-in) and returns
/// their account. A disabled person is `Forbidden`; an identity whose email another person
/// already uses, or without an email, cannot be provisioned (`Conflict`, `Invalid`).
pub async fn sign_in(
    state: &AppState,
    acting: &Acting,
    identity: Identity,
) -> Result<Account, ServiceError> {
    let probe = identity.clone();
    let known = state
        .db()
        .read(move |conn| {
            if let Some(id) = OidcIdentity::account_of(conn, &probe.issuer, &probe.subject)? {
                return Ok(Known::Person {
                    account_id: id,
                    link: false,
                });
            }
            Ok(match existing_person_for(conn, &probe)? {
                Some(id) => Known::Person {
                    account_id: id,
                    link: true,
                },
                None => Known::New,
            })
        })
        .await?;
    match known {
        Known::Person { account_id, link } => {
            update(state, acting, identity, account_id, link).await
        }
        Known::New => provision(state, acting, identity).await,
    }
}

/// Creates the person of a first sign-in, linked to the identity, in one transaction with
/// its `sso.provision` audit entry.
async fn provision(
    state: &AppState,
    acting: &Acting,
    identity: Identity,
) -> Result<Account, ServiceError> {
    let email = identity.email.clone().ok_or_else(|| {
        ServiceError::invalid(
            "email",
            "the identity provider sent no email address, which a new account needs",
        )
    })?;
    let base = username::base(identity.username.as_deref());
    let prefix = base.clone();
    let taken = state
        .db()
        .read(move |conn| Account::local_usernames_starting_with(conn, &prefix))
        .await?;
    let username = username::unique(&base, &taken);
    let role = identity.role.unwrap_or(Role::Member);
    let input = NewPerson {
        username: username.clone(),
        email,
        password: None,
        role: Some(role),
        display_name: identity.display_name.clone(),
        department: identity.department.clone(),
        ..NewPerson::default()
    };
    let (ids, acting) = (state.clone(), acting.clone());
    let created = create_with(state, input, move |conn, _, person| {
        let at = now();
        OidcIdentity::insert(
            conn,
            &OidcIdentity {
                issuer: identity.issuer.clone(),
                subject: identity.subject.clone(),
                account_id: person.account.id,
                created_at: at,
                last_login_at: at,
            },
        )?;
        let entry =
            Entry::new("sso.provision", format!("@{}", person.account.username)).with(json!({
                "issuer": identity.issuer,
                "subject": identity.subject,
                "role": person.user.role.as_str(),
            }));
        audit::record(conn, &ids, &acting, entry)
    })
    .await;
    match created {
        Ok(person) => Ok(person.account),
        Err(ServiceError::Conflict(_)) => Err(ServiceError::Conflict(
            "Another account already uses this email address. An administrator must resolve it before you can sign in."
                .into(),
        )),
        Err(other) => Err(other),
    }
}

/// Brings a known person up to date with the identity: display name, email (when no one else
/// uses it), role (when groups are read; recorded as `account.role`), then department.
async fn update(
    state: &AppState,
    acting: &Acting,
    identity: Identity,
    account_id: i64,
    link: bool,
) -> Result<Account, ServiceError> {
    let acting = acting.clone();
    let department = identity.department.clone();
    let (account, department_changed) = publish(state, move |conn, state| {
        let (user, account) = User::find_by_account(conn, account_id)?
            .ok_or(DbError::Query(diesel::result::Error::NotFound))?;
        if user.disabled {
            return Ok(Err(()));
        }
        let at = now();
        if link {
            OidcIdentity::insert(
                conn,
                &OidcIdentity {
                    issuer: identity.issuer.clone(),
                    subject: identity.subject.clone(),
                    account_id,
                    created_at: at,
                    last_login_at: at,
                },
            )?;
        } else {
            OidcIdentity::touch(conn, &identity.issuer, &identity.subject, at)?;
        }
        update_email(conn, &user, identity.email.as_deref())?;
        if let Some(role) = identity.role.filter(|r| *r != user.role) {
            User::set_role(conn, account_id, role)?;
            let entry = Entry::new("account.role", format!("@{}", account.username)).with(json!({
                "old": user.role.as_str(),
                "new": role.as_str(),
            }));
            audit::record(conn, state, &acting, entry)?;
        }
        let account = match identity.display_name.as_deref() {
            Some(name) if name != account.display_name => {
                let row = accounts::table.find(account_id);
                diesel::update(row)
                    .set((accounts::display_name.eq(name), accounts::updated_at.eq(at)))
                    .execute(conn)?;
                let account: Account = row.select(Account::as_select()).first(conn)?;
                announce_update(conn, state, &account)?;
                account
            }
            _ => account,
        };
        let changed = identity.department.as_deref() != account.department.as_deref()
            && identity.department.is_some();
        Ok(Ok((account, changed)))
    })
    .await?
    .map_err(|()| ServiceError::Forbidden("This account has been disabled.".into()))?;
    if department_changed {
        let change = WorkProfile {
            department,
            ..WorkProfile::default()
        };
        return work_profile::update(state, account.id, change).await;
    }
    Ok(account)
}

/// Takes the identity's email when it is valid and no other person uses it (otherwise the
/// current one stays).
fn update_email(conn: &mut DbConnection, user: &User, email: Option<&str>) -> Result<(), DbError> {
    let Some(email) = email.filter(|e| *e != user.email) else {
        return Ok(());
    };
    if validation::email(email).is_err() || User::email_taken(conn, email)? {
        tracing::warn!(
            account = user.account_id,
            "kept the email: the provider's is invalid or taken"
        );
        return Ok(());
    }
    User::set_email(conn, user.account_id, email)
}
