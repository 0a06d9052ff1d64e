//! Where an instance's new actors get their key pairs, held in the application state.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use activitypub_federation::http_signatures::{Keypair, generate_actor_keypair};

use trellis_config::key_pool::{PRIVATE_SUFFIX, PUBLIC_SUFFIX, pair_names};

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

impl KeySource {
    /// A fresh RSA-2048 pair, or the next pair of the test pool. Blocking: call it off the
    /// async threads.
    pub(crate) fn next_pair(&self) -> Result<Keypair, String> {
        match &self.pool {
            None => generate_actor_keypair().map_err(|e| format!("key generation: {e}")),
            Some(pool) => {
                let pairs = pool.pairs.get_or_init(|| load_pool(&pool.dir)).as_ref()?;
                let index = pool.next.fetch_add(1, Ordering::Relaxed) % pairs.len();
                Ok(pairs[index].clone())
            }
        }
    }
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
