//! Time-sortable 64-bit identifiers: milliseconds since the Unix epoch in the high bits,
//! a per-process sequence in the low 16 bits. Decimal strings of them sort by time.

use std::sync::atomic::{AtomicI64, Ordering};

/// Hands out increasing identifiers; one per process, carried in the application state.
#[derive(Debug, Default)]
pub struct IdGenerator {
    last: AtomicI64,
}

const SEQUENCE_BITS: u32 = 16;

impl IdGenerator {
    /// A generator whose first id is based on the current time.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next identifier: never smaller than the current time's base, always increasing.
    pub fn next_id(&self) -> i64 {
        let base = chrono::Utc::now().timestamp_millis() << SEQUENCE_BITS;
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let candidate = base.max(last + 1);
            match self.last.compare_exchange_weak(
                last,
                candidate,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return candidate,
                Err(actual) => last = actual,
            }
        }
    }

    /// The smallest identifier that a row created at `millis` can have (for time-range queries).
    pub fn floor_for_millis(millis: i64) -> i64 {
        millis << SEQUENCE_BITS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_and_follow_the_clock() {
        let ids = IdGenerator::new();
        let before = chrono::Utc::now().timestamp_millis();
        let mut previous = ids.next_id();
        assert!(previous >= IdGenerator::floor_for_millis(before));
        for _ in 0..10_000 {
            let next = ids.next_id();
            assert!(next > previous);
            previous = next;
        }
    }
}
