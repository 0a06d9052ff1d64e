//! Time-sortable 64-bit identifiers: milliseconds since the Unix epoch in the high bits,
//! random bits in the low 16 (as Mastodon's snowflake ids), so an id cannot be guessed from
//! the time a row was written. Decimal strings of them sort by time.

use std::sync::atomic::{AtomicI64, Ordering};

use rand::Rng;

/// Hands out increasing identifiers; one per process, carried in the application state.
#[derive(Debug, Default)]
pub struct IdGenerator {
    last: AtomicI64,
}

const SEQUENCE_BITS: u32 = 16;
/// The low bits of an id: random, never all zero for the first id of a millisecond.
const LOW_MASK: i64 = (1 << SEQUENCE_BITS) - 1;
/// Largest random step between two ids of the same millisecond: ids stay unpredictable
/// without running far ahead of the clock in a burst.
const MAX_STEP: i64 = 256;

impl IdGenerator {
    /// A generator whose first id is based on the current time.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next identifier: the current millisecond with random low bits, or, when that is not
    /// above the last id handed out, the last id plus a random step; always increasing.
    pub fn next_id(&self) -> i64 {
        let base = chrono::Utc::now().timestamp_millis() << SEQUENCE_BITS;
        let mut rng = rand::thread_rng();
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let fresh = base | rng.gen_range(1..=LOW_MASK);
            let candidate = if fresh > last {
                fresh
            } else {
                last + rng.gen_range(1..=MAX_STEP)
            };
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
    use std::collections::HashSet;
    use std::time::Duration;

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
        // Ten thousand ids in a burst stay within a few seconds of the clock.
        let after = chrono::Utc::now().timestamp_millis();
        assert!(previous < IdGenerator::floor_for_millis(after + 5_000));
        // A new generator starts from the current millisecond.
        std::thread::sleep(Duration::from_millis(2));
        let later = IdGenerator::new().next_id();
        assert!(later >= IdGenerator::floor_for_millis(before + 1));
    }

    #[test]
    fn ids_of_successive_milliseconds_have_random_low_bits() {
        let ids = IdGenerator::new();
        let mut low_bits = Vec::new();
        let mut previous = 0;
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(2));
            let millis = chrono::Utc::now().timestamp_millis();
            let id = ids.next_id();
            assert!(id > previous);
            assert!(id >= IdGenerator::floor_for_millis(millis));
            previous = id;
            low_bits.push(id & LOW_MASK);
        }
        assert!(low_bits.iter().all(|bits| *bits != 0), "{low_bits:?}");
        // Twenty draws out of 65,535 values: almost never more than one repeat.
        let distinct: HashSet<i64> = low_bits.iter().copied().collect();
        assert!(distinct.len() >= 18, "{low_bits:?}");
    }
}
