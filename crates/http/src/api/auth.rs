//! Bearer-token authentication for the client API: the `Authorization: Bearer` header, or the
//! `access_token` query parameter, turned into the person and scopes behind it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri};

use crate::error::HttpError;
use trellis_domain::services::oauth::{self, Grant};
use trellis_domain::state::AppState;
use trellis_storage::models::Account;

/// The token of a request, as sent (header first, then `?access_token=`).
pub(crate) fn bearer_token(parts: &Parts) -> Option<String> {
    bearer_from(&parts.headers, &parts.uri, "access_token")
}

/// A bearer token from `Authorization: Bearer`, else from the query parameter `query_key`.
pub(crate) fn bearer_from(headers: &HeaderMap, uri: &Uri, query_key: &str) -> Option<String> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    header.or_else(|| {
        uri.query().and_then(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == query_key)
                .map(|(_, value)| value.into_owned())
        })
    })
}

/// 401 as Mastodon words it.
pub(crate) fn invalid_token() -> HttpError {
    HttpError::new(StatusCode::UNAUTHORIZED, "The access token is invalid")
}

/// A request made with a valid token (any scopes, possibly app-only). Missing, unknown or
/// revoked tokens are answered 401 before the handler runs.
#[derive(Clone, Debug)]
pub(crate) struct Auth(pub Grant);

impl Auth {
    /// The person behind the token, if the token grants `scope`: 403 when it does not, 422
    /// for an app-only token.
    pub(crate) fn person(&self, scope: &str) -> Result<&Account, HttpError> {
        self.check(scope)?;
        self.0.account.as_ref().ok_or_else(|| {
            HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "This method requires an authenticated user",
            )
        })
    }

    /// Succeeds when the token grants `scope`; 403 otherwise.
    pub(crate) fn check(&self, scope: &str) -> Result<(), HttpError> {
        if self.0.scopes.allows(scope) {
            Ok(())
        } else {
            Err(HttpError::new(
                StatusCode::FORBIDDEN,
                "This action is outside the authorized scopes",
            ))
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let token = bearer_token(parts).ok_or_else(invalid_token)?;
        match oauth::authenticate(state, &token).await? {
            Some(grant) => Ok(Auth(grant)),
            None => Err(invalid_token()),
        }
    }
}

/// In `allowlist` mode the instance is closed to strangers: what the API shows anyone
/// (public timelines, profiles, statuses, search, the directory, streams) needs a person's
/// token there, as Mastodon's limited federation mode with unauthenticated access disallowed.
/// An app-only token is no person. In `open` mode everything passes.
pub(crate) fn closed_to_strangers(
    state: &AppState,
    grant: Option<&Grant>,
) -> Result<(), HttpError> {
    if !state.config().federation.is_closed() || grant.is_some_and(|g| g.account.is_some()) {
        return Ok(());
    }
    Err(HttpError::new(
        StatusCode::UNAUTHORIZED,
        "This API requires an authenticated user",
    ))
}

/// A request that may carry a token (public endpoints): a token that is sent must be valid,
/// and in `allowlist` mode a person's token is required ([`closed_to_strangers`]).
#[derive(Clone, Debug)]
pub(crate) struct MaybeAuth(pub Option<Auth>);

impl MaybeAuth {
    /// The reader's account id when the token grants `scope` (otherwise read as anonymous).
    pub(crate) fn viewer(&self, scope: &str) -> Option<&Account> {
        self.0
            .as_ref()
            .filter(|auth| auth.0.scopes.allows(scope))
            .and_then(|auth| auth.0.account.as_ref())
    }
}

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, HttpError> {
        let auth = match bearer_token(parts) {
            None => None,
            Some(_) => Some(Auth::from_request_parts(parts, state).await?),
        };
        closed_to_strangers(state, auth.as_ref().map(|auth| &auth.0))?;
        Ok(MaybeAuth(auth))
    }
}
