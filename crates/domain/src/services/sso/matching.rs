//! Finding a person who already exists for an identity seen for the first time: the person the
//! identity provider provisioned through SCIM under the same userName (the username claim) or
//! with the subject as its externalId. Never by email.

use trellis_storage::models::oidc::OidcIdentity;
use trellis_storage::models::scim_user::provisioned_account;
use trellis_storage::{DbConnection, DbError};

use super::identity::Identity;

/// The person an identity signing in for the first time already is, if any: a person SCIM
/// provisioned as `identity.username` or with `identity.subject` as externalId, and not yet
/// linked to another identity at the same provider.
pub(crate) fn existing_person_for(
    conn: &mut DbConnection,
    identity: &Identity,
) -> Result<Option<i64>, DbError> {
    let user_name = identity.username.as_deref().unwrap_or(&identity.subject);
    let Some(account_id) = provisioned_account(conn, user_name, Some(&identity.subject))? else {
        return Ok(None);
    };
    if OidcIdentity::links_at(conn, &identity.issuer, account_id)? {
        return Ok(None);
    }
    Ok(Some(account_id))
}
