//! Who acts through an HTTP request, as the audit log records it: the signed-in person and
//! the client's address.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::client_address::client_address;
use trellis_domain::services::audit::{Acting, Actor};
use trellis_domain::state::AppState;
use trellis_storage::models::Account;

/// `account` acting through the request whose `parts` these are.
pub(crate) fn acting(state: &AppState, parts: &Parts, account: &Account) -> Acting {
    ClientOrigin::of(state, parts).acting(account)
}

/// The client's address of a request (an extractor), as the audit log records it.
pub(crate) struct ClientOrigin(Option<String>);

impl ClientOrigin {
    fn of(state: &AppState, parts: &Parts) -> Self {
        Self(
            client_address(
                &parts.headers,
                &parts.extensions,
                state.config().limits.trust_forwarded_for,
            )
            .map(|ip| ip.to_string()),
        )
    }

    /// `account` acting from this address.
    pub(crate) fn acting(self, account: &Account) -> Acting {
        Acting {
            actor: Actor::Person(account.id),
            address: self.0,
        }
    }
}

impl FromRequestParts<AppState> for ClientOrigin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Self::of(state, parts))
    }
}
