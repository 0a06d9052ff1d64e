//! RSA key pairs for actors: generated fresh off the async threads, or, for tests only, taken
//! in turn from a folder of pre-generated pairs (`TRELLIS_TEST_KEY_POOL`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use activitypub_federation::http_signatures::{Keypair, generate_actor_keypair};

use super::ServiceError;
use crate::state::AppState;

/// Suffix of a pool's private keys (PKCS#8 PEM); the public key (SPKI PEM) sits beside it
/// with [`PUBLIC_SUFFIX`].
const PRIVATE_SUFFIX: &str = ".key.pem";
/// Suffix of a pool's public keys.
const PUBLIC_SUFFIX: &str = ".pub.pem";

/// Where an instance's new actors get their key pairs.
#[derive(Clone)]
pub struct KeySource {
    pool: Option<Arc<KeyPool>>,
}

/// Pre-generated pairs, read on first use, handed out round-robin.
struct KeyPool {
    dir: PathBuf,
    pairs: OnceLock<Result<Vec<Keypair>, String>>,
    next: AtomicUsize,
}

impl KeySource {
    /// Fresh keys for every actor (production), or the test pool in `pool`. The pool starts at
    /// a random pair, so two test instances rarely hand out the same pairs in the same order.
    pub fn new(pool: Option<&Path>) -> Self {
        Self {
            pool: pool.map(|dir| {
                Arc::new(KeyPool {
                    dir: dir.to_path_buf(),
                    pairs: OnceLock::new(),
                    next: AtomicUsize::new(rand::random::<u16>() as usize),
                })
            }),
        }
    }
}

/// A key pair for a new actor: a fresh RSA-2048 pair in PEM, or the next pair of the test pool.
pub async fn generate(state: &AppState) -> Result<Keypair, ServiceError> {
    let pool = state.keys().pool.clone();
    tokio::task::spawn_blocking(move || match pool {
        None => generate_actor_keypair().map_err(|e| format!("key generation: {e}")),
        Some(pool) => {
            let pairs = pool.pairs.get_or_init(|| load_pool(&pool.dir)).as_ref()?;
            let index = pool.next.fetch_add(1, Ordering::Relaxed) % pairs.len();
            Ok(pairs[index].clone())
        }
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?
    .map_err(ServiceError::Internal)
}

/// Checks that `dir` holds at least one key pair (configuration validation).
pub fn check_pool(dir: &Path) -> Result<(), String> {
    pair_names(dir).map(|_| ())
}

/// The names (without suffix) of the pairs in `dir`, sorted; an error when there are none.
fn pair_names(dir: &Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read the folder: {e}"))?;
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_suffix(PRIVATE_SUFFIX).map(str::to_string)
        })
        .filter(|stem| dir.join(format!("{stem}{PUBLIC_SUFFIX}")).is_file())
        .collect();
    if names.is_empty() {
        return Err(format!(
            "expected key pairs NAME{PRIVATE_SUFFIX} and NAME{PUBLIC_SUFFIX}"
        ));
    }
    names.sort();
    Ok(names)
}

fn load_pool(dir: &Path) -> Result<Vec<Keypair>, String> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| format!("test key pool {}: {e}", path.display()))
    };
    pair_names(dir)?
        .into_iter()
        .map(|stem| {
            Ok(Keypair {
                private_key: read(dir.join(format!("{stem}{PRIVATE_SUFFIX}")))?,
                public_key: read(dir.join(format!("{stem}{PUBLIC_SUFFIX}")))?,
            })
        })
        .collect()
}
