//! Retry schedule: attempt n waits (n^4 + 15) units with ±25 % jitter (Mastodon's curve, so a
//! peer down for a day is retried about a dozen times), and the circuit breaker's pause.

use std::time::Duration;

use rand::Rng;

/// Delay before the attempt after `attempts` failed ones.
pub(crate) fn next_attempt_delay(attempts: u32, unit: Duration) -> Duration {
    let n = u64::from(attempts.min(40));
    let units = n.pow(4) + 15;
    let base = unit.saturating_mul(units.min(u64::from(u32::MAX)) as u32);
    let jitter = rand::thread_rng().gen_range(0.75..1.25);
    base.mul_f64(jitter)
}

/// Failures in a row after which a host is paused.
pub(super) const BREAKER_THRESHOLD: i32 = 5;

/// How long a host that keeps failing is left alone: grows with the failures, at most an hour.
pub(super) fn breaker_pause(consecutive_failures: i32, unit: Duration) -> Option<Duration> {
    if consecutive_failures < BREAKER_THRESHOLD {
        return None;
    }
    let steps = (consecutive_failures - BREAKER_THRESHOLD).min(10) as u32;
    Some(
        unit.saturating_mul(30 * 2u32.pow(steps))
            .min(Duration::from_secs(3600)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_with_jitter_bounds() {
        let unit = Duration::from_secs(1);
        let first = next_attempt_delay(0, unit);
        assert!(
            first >= Duration::from_secs_f64(15.0 * 0.75)
                && first <= Duration::from_secs_f64(15.0 * 1.25)
        );
        let fifth = next_attempt_delay(5, unit);
        assert!(fifth >= Duration::from_secs_f64(640.0 * 0.75), "{fifth:?}");
        assert!(next_attempt_delay(u32::MAX, unit) > fifth);
    }

    #[test]
    fn breaker_opens_after_threshold() {
        let unit = Duration::from_secs(1);
        assert_eq!(breaker_pause(BREAKER_THRESHOLD - 1, unit), None);
        assert_eq!(
            breaker_pause(BREAKER_THRESHOLD, unit),
            Some(Duration::from_secs(30))
        );
        assert_eq!(breaker_pause(100, unit), Some(Duration::from_secs(3600)));
    }
}
