//! A bounded, in-memory counter of uses per key in fixed windows: at most `max` uses of a key
//! per `window`, counted from the key's first use in the window. Used for login failures
//! (per account and per client address) and inbound inbox requests (per client address).
//!
//! The table holds at most `capacity` keys. When it is full, keys whose window has ended are
//! dropped first; if none has, the key with the oldest window goes. Each process counts on its
//! own: several processes sharing a database each allow `max` uses.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Uses of one key in its current window.
#[derive(Clone, Copy, Debug)]
struct Window {
    started: Instant,
    used: u32,
}

/// At most `max` uses per key per `window`, for at most `capacity` keys.
#[derive(Debug)]
pub struct KeyedLimit<K> {
    max: u32,
    window: Duration,
    capacity: usize,
    table: Mutex<HashMap<K, Window>>,
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
    /// A limit of `max` uses per `window`, remembering at most `capacity` keys.
    pub fn new(max: u32, window: Duration, capacity: usize) -> Self {
        Self {
            max,
            window,
            capacity: capacity.max(1),
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one use of `key`, or, when the key has used its budget, how long until its
    /// window ends (never less than a second).
    pub fn take(&self, key: &K) -> Result<(), Duration> {
        let now = Instant::now();
        let mut table = self.lock();
        if !table.contains_key(key) && table.len() >= self.capacity {
            self.evict(&mut table, now);
        }
        let entry = table.entry(key.clone()).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.duration_since(entry.started) >= self.window {
            *entry = Window {
                started: now,
                used: 0,
            };
        }
        if entry.used >= self.max {
            let left = (entry.started + self.window).saturating_duration_since(now);
            return Err(left.max(Duration::from_secs(1)));
        }
        entry.used += 1;
        Ok(())
    }

    /// Takes back one use of `key` (it turned out not to count).
    pub(crate) fn give_back(&self, key: &K) {
        if let Some(entry) = self.lock().get_mut(key) {
            entry.used = entry.used.saturating_sub(1);
        }
    }

    /// Forgets `key`: its next use starts a new window.
    pub fn reset(&self, key: &K) {
        self.lock().remove(key);
    }

    /// Keys remembered now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn evict(&self, table: &mut HashMap<K, Window>, now: Instant) {
        table.retain(|_, w| now.duration_since(w.started) < self.window);
        if table.len() >= self.capacity
            && let Some(oldest) = table
                .iter()
                .min_by_key(|(_, w)| w.started)
                .map(|(k, _)| k.clone())
        {
            table.remove(&oldest);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Window>> {
        // A panic while holding the lock leaves counters, not broken invariants.
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The key of a client address: IPv4 addresses as they are, IPv6 addresses by their /64
/// network (one host usually holds a whole /64), IPv4-mapped IPv6 addresses as IPv4.
pub fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Whole seconds for a `Retry-After` header, rounded up.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_max_uses_per_window_then_waits() {
        let limit = KeyedLimit::new(2, Duration::from_secs(60), 10);
        assert!(limit.take(&"a").is_ok());
        assert!(limit.take(&"a").is_ok());
        let wait = limit.take(&"a").unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait >= Duration::from_secs(59));
        assert!(limit.take(&"b").is_ok());
        limit.give_back(&"a");
        assert!(limit.take(&"a").is_ok());
        limit.reset(&"a");
        assert!(limit.take(&"a").is_ok());
    }

    #[test]
    fn windows_end() {
        let limit = KeyedLimit::new(1, Duration::from_millis(20), 10);
        assert!(limit.take(&1).is_ok());
        assert!(limit.take(&1).is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(limit.take(&1).is_ok());
    }

    #[test]
    fn the_table_never_holds_more_than_its_capacity() {
        let limit = KeyedLimit::new(1, Duration::from_secs(60), 100);
        for key in 0..1_000 {
            let _ = limit.take(&key);
        }
        assert_eq!(limit.len(), 100);
        // The newest keys are the ones kept.
        assert!(limit.take(&999).is_err());
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
        assert_eq!(retry_after_secs(Duration::from_millis(1_001)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
