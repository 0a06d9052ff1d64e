//! The transactional outbox as services use it: a change and the activities announcing it
//! commit together, then the delivery worker is woken.

use diesel::Connection;

use crate::state::AppState;
use trellis_storage::{DbConnection, DbError};

use super::ServiceError;

/// Runs `change` in one write transaction (it receives the state to enqueue deliveries with),
/// then wakes the delivery worker and the streaming event tailer.
pub async fn publish<T, F>(state: &AppState, change: F) -> Result<T, ServiceError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, &AppState) -> Result<T, DbError> + Send + 'static,
{
    let context = state.clone();
    let outcome = state
        .db()
        .write(move |conn| conn.transaction(|conn| change(conn, &context)))
        .await?;
    state.wake_delivery();
    state.events().wake();
    Ok(outcome)
}
