//! The admin API's extractors: a person's token that grants the endpoint's `admin:` scope,
//! held by a person with the admin role ([`AdminAuth`]), or with the moderator or admin role
//! ([`ModeratorAuth`]: reports and accounts). A missing or invalid token is 401 (as
//! [`Auth`]), a token without the scope 403, an app-only token 422, and a person without the
//! role 403.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::api::auth::Auth;
use crate::audit_context::acting;
use crate::error::HttpError;
use trellis_domain::services::admin;
use trellis_domain::services::audit::Acting;
use trellis_domain::state::AppState;
use trellis_storage::models::Account;

/// The scope an admin endpoint requires, named by a marker type.
pub(crate) trait AdminScope {
    /// The scope, such as `admin:read:domain_blocks`.
    const SCOPE: &'static str;
}

/// `admin:read:domain_blocks`
pub(crate) struct ReadDomainBlocks;
impl AdminScope for ReadDomainBlocks {
    const SCOPE: &'static str = "admin:read:domain_blocks";
}

/// `admin:write:domain_blocks`
pub(crate) struct WriteDomainBlocks;
impl AdminScope for WriteDomainBlocks {
    const SCOPE: &'static str = "admin:write:domain_blocks";
}

/// `admin:read:domain_allows`
pub(crate) struct ReadDomainAllows;
impl AdminScope for ReadDomainAllows {
    const SCOPE: &'static str = "admin:read:domain_allows";
}

/// `admin:write:domain_allows`
pub(crate) struct WriteDomainAllows;
impl AdminScope for WriteDomainAllows {
    const SCOPE: &'static str = "admin:write:domain_allows";
}

/// `admin:read:reports`
pub(crate) struct ReadReports;
impl AdminScope for ReadReports {
    const SCOPE: &'static str = "admin:read:reports";
}

/// `admin:write:reports`
pub(crate) struct WriteReports;
impl AdminScope for WriteReports {
    const SCOPE: &'static str = "admin:write:reports";
}

/// `admin:read:accounts`
pub(crate) struct ReadAccounts;
impl AdminScope for ReadAccounts {
    const SCOPE: &'static str = "admin:read:accounts";
}

/// `admin:write:accounts`
pub(crate) struct WriteAccounts;
impl AdminScope for WriteAccounts {
    const SCOPE: &'static str = "admin:write:accounts";
}

/// An administrator acting through a token that grants `S::SCOPE`.
pub(crate) struct AdminAuth<S> {
    /// The administrator's account.
    pub account: Account,
    /// The administrator and the client's address, as the audit log records them.
    pub acting: Acting,
    scope: PhantomData<S>,
}

impl<S: AdminScope> FromRequestParts<AppState> for AdminAuth<S> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let (account, acting) = staff(parts, state, S::SCOPE, Staff::Admin).await?;
        Ok(AdminAuth {
            account,
            acting,
            scope: PhantomData,
        })
    }
}

/// A moderator or administrator acting through a token that grants `S::SCOPE`.
pub(crate) struct ModeratorAuth<S> {
    /// The moderator's account.
    pub account: Account,
    /// The moderator and the client's address, as the audit log records them.
    pub acting: Acting,
    scope: PhantomData<S>,
}

impl<S: AdminScope> FromRequestParts<AppState> for ModeratorAuth<S> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let (account, acting) = staff(parts, state, S::SCOPE, Staff::Moderator).await?;
        Ok(ModeratorAuth {
            account,
            acting,
            scope: PhantomData,
        })
    }
}

/// The role an extractor requires.
enum Staff {
    Admin,
    Moderator,
}

/// The person behind the request's token, when it grants `scope` and the person holds the
/// role `staff` names, with the `Acting` the audit log records.
async fn staff(
    parts: &mut Parts,
    state: &AppState,
    scope: &str,
    staff: Staff,
) -> Result<(Account, Acting), HttpError> {
    let auth = Auth::from_request_parts(parts, state).await?;
    let account = auth.person(scope)?.clone();
    match staff {
        Staff::Admin => admin::ensure_admin(state, &account).await?,
        Staff::Moderator => admin::ensure_moderator(state, &account).await?,
    }
    let acting = acting(state, parts, &account);
    Ok((account, acting))
}
