//! The admin API's extractor: a person's token that grants the endpoint's `admin:` scope,
//! held by a person with the admin role. A missing or invalid token is 401 (as [`Auth`]), a
//! token without the scope 403, an app-only token 422, and a person who is not an
//! administrator 403.

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
        let auth = Auth::from_request_parts(parts, state).await?;
        let account = auth.person(S::SCOPE)?.clone();
        admin::ensure_admin(state, &account).await?;
        Ok(AdminAuth {
            acting: acting(state, parts, &account),
            account,
            scope: PhantomData,
        })
    }
}
