//! RSA key pairs for actors, generated off the async threads.

use activitypub_federation::http_signatures::{Keypair, generate_actor_keypair};

use super::ServiceError;

/// A fresh RSA-2048 key pair in PEM.
pub async fn generate() -> Result<Keypair, ServiceError> {
    tokio::task::spawn_blocking(generate_actor_keypair)
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
        .map_err(|e| ServiceError::Internal(format!("key generation: {e}")))
}
