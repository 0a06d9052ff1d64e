//! Limits on password guessing: failed sign-ins are counted per account and per client
//! address, in fixed windows (see [`crate::rate_limit`]). An account that reached its limit is
//! refused, even with the right password, until its window ends; a success clears the
//! account's count. An address that reached its limit is refused for every account.
//!
//! An attempt is counted before its password is checked, so parallel guesses cannot slip past
//! the limit while the first ones are still being verified; a success takes its count back.

use std::net::IpAddr;
use std::time::Duration;

use crate::rate_limit::{KeyedLimit, address_key};
use trellis_config::LimitSettings;

/// Most accounts (or unknown login names) and most addresses remembered at once.
const CAPACITY: usize = 65_536;

/// Whose failures are counted: an existing account, or a login that names nobody (counted
/// alike, so the limit does not reveal who exists).
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub enum LoginKey {
    /// A local person, however they signed in (username or email).
    Account(i64),
    /// A login name that matches nobody, lower-cased.
    Unknown(String),
}

/// The counters of failed sign-ins of this process, held in the application state.
#[derive(Debug)]
pub struct LoginLimits {
    accounts: KeyedLimit<LoginKey>,
    addresses: KeyedLimit<IpAddr>,
}

impl LoginLimits {
    /// Counters with the configured limits.
    pub fn new(settings: &LimitSettings) -> Self {
        Self {
            accounts: KeyedLimit::new(settings.login_max_failures, settings.login_window, CAPACITY),
            addresses: KeyedLimit::new(
                settings.login_max_failures_per_address,
                settings.login_window,
                CAPACITY,
            ),
        }
    }

    /// Counts an attempt from `client` (before anything is looked up); refused when the
    /// address has failed too often.
    pub fn start(&self, client: Option<IpAddr>) -> Result<Attempt<'_>, Throttled> {
        let address = client.map(address_key);
        if let Some(address) = &address {
            self.addresses.take(address).map_err(throttled)?;
        }
        Ok(Attempt {
            limits: self,
            address,
            key: None,
        })
    }
}

/// A sign-in refused without checking its password: too many failures. Not an error of the
/// service (the request was fine); the caller answers 429 with `Retry-After`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    /// How long until the limit's window ends.
    pub retry_after: Duration,
}

fn throttled(retry_after: Duration) -> Throttled {
    Throttled { retry_after }
}

/// One sign-in attempt being checked. Dropped without [`Attempt::succeeded`], it stays
/// counted as a failure.
#[derive(Debug)]
pub struct Attempt<'a> {
    limits: &'a LoginLimits,
    address: Option<IpAddr>,
    key: Option<LoginKey>,
}

impl Attempt<'_> {
    /// Counts the attempt against `key`; refused when that account has failed too often.
    pub fn against(&mut self, key: LoginKey) -> Result<(), Throttled> {
        self.limits.accounts.take(&key).map_err(throttled)?;
        self.key = Some(key);
        Ok(())
    }

    /// The password was right: the account's count is cleared and the address's attempt
    /// does not count.
    pub fn succeeded(self) {
        if let Some(key) = &self.key {
            self.limits.accounts.reset(key);
        }
        if let Some(address) = &self.address {
            self.limits.addresses.give_back(address);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_account: u32, per_address: u32) -> LoginLimits {
        let env = std::collections::HashMap::from([
            (
                "TRELLIS_LOGIN_MAX_FAILURES".to_string(),
                per_account.to_string(),
            ),
            (
                "TRELLIS_LOGIN_MAX_FAILURES_PER_ADDRESS".to_string(),
                per_address.to_string(),
            ),
        ]);
        let config = trellis_config::Config::from_sources(None, &env).unwrap();
        LoginLimits::new(&config.limits)
    }

    #[test]
    fn failures_lock_the_account_and_a_success_clears_them() {
        let limits = limits(2, 100);
        let here = Some("192.0.2.1".parse().unwrap());
        let fail = |key: LoginKey| {
            let mut attempt = limits.start(here)?;
            attempt.against(key)
        };
        assert!(fail(LoginKey::Account(1)).is_ok());
        let mut attempt = limits.start(here).unwrap();
        attempt.against(LoginKey::Account(1)).unwrap();
        attempt.succeeded();
        assert!(fail(LoginKey::Account(1)).is_ok());
        assert!(fail(LoginKey::Account(1)).is_ok());
        assert!(fail(LoginKey::Account(1)).is_err());
        assert!(fail(LoginKey::Unknown("x".into())).is_ok());
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let limits = limits(100, 3);
        let here = Some("192.0.2.1".parse().unwrap());
        for n in 0..3 {
            let mut attempt = limits.start(here).unwrap();
            attempt.against(LoginKey::Account(n)).unwrap();
        }
        assert!(limits.start(here).is_err());
        assert!(limits.start(Some("192.0.2.2".parse().unwrap())).is_ok());
        assert!(limits.start(None).is_ok());
    }
}
