//! The provider's signing keys (its JWKS), fetched again when a token names a key the cached
//! set lacks, at most once per [`KEY_REFETCH_INTERVAL`], so a key rotation is followed at once
//! and a flood of tokens with made-up key ids cannot make the instance hammer the provider.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;

/// The shortest time between two fetches of the key set.
pub const KEY_REFETCH_INTERVAL: Duration = Duration::from_secs(5);

/// The cached key set and when it was fetched.
#[derive(Default)]
pub(crate) struct KeyCache {
    /// The last key set fetched.
    pub keys: Option<JwkSet>,
    /// When it was fetched.
    pub fetched_at: Option<Instant>,
}

impl KeyCache {
    /// Whether the set may be fetched again now.
    pub(crate) fn may_refetch(&self, now: Instant) -> bool {
        self.fetched_at
            .is_none_or(|at| now.duration_since(at) >= KEY_REFETCH_INTERVAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refetches_are_spaced() {
        let start = Instant::now();
        let mut cache = KeyCache::default();
        assert!(cache.may_refetch(start));
        cache.fetched_at = Some(start);
        assert!(!cache.may_refetch(start + Duration::from_secs(1)));
        assert!(cache.may_refetch(start + KEY_REFETCH_INTERVAL));
    }
}
