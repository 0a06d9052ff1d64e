//! RSA key pairs for actors: generated fresh off the async threads, or, for tests only, taken
//! in turn from a folder of pre-generated pairs (`TRELLIS_TEST_KEY_POOL`, see
//! [`super::key_source`]).

use activitypub_federation::http_signatures::Keypair;

use super::ServiceError;
use crate::state::AppState;

/// A key pair for a new actor: a fresh RSA-2048 pair in PEM, or the next pair of the test pool.
pub async fn generate(state: &AppState) -> Result<Keypair, ServiceError> {
    let source = state.keys().clone();
    tokio::task::spawn_blocking(move || source.next_pair())
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(ServiceError::Internal)
}
