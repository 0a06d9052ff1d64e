//! Who acts through an HTTP request, as the audit log records it: the signed-in person and
//! the client's address.

use axum::http::request::Parts;

use crate::client_address::client_address;
use trellis_domain::services::audit::{Acting, Actor};
use trellis_domain::state::AppState;
use trellis_storage::models::Account;

/// `account` acting through the request whose `parts` these are.
pub(crate) fn acting(state: &AppState, parts: &Parts, account: &Account) -> Acting {
    Acting {
        actor: Actor::Person(account.id),
        address: client_address(
            &parts.headers,
            &parts.extensions,
            state.config().limits.trust_forwarded_for,
        )
        .map(|ip| ip.to_string()),
    }
}
