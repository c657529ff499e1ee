//! Per-IP limits on login and registration, and per-account limits on registration
//! attempts. Failed logins per account are counted in the database instead (see
//! `store::record_failed_login`), so they survive restarts and hold across replicas.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use pupero_http::ApiError;

pub struct Limits {
    login_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    register_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    register_per_account: DefaultKeyedRateLimiter<String>,
    reset_per_ip: DefaultKeyedRateLimiter<IpAddr>,
}

fn non_zero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Limits {
    pub fn new(login_per_minute: u32, register_per_hour: u32) -> Self {
        Self {
            login_per_ip: RateLimiter::keyed(Quota::per_minute(non_zero(login_per_minute))),
            register_per_ip: RateLimiter::keyed(Quota::per_hour(non_zero(register_per_hour))),
            register_per_account: RateLimiter::keyed(Quota::per_hour(non_zero(5))),
            // Password-reset requests per client address: a few typos' worth, not a way to
            // probe many addresses or flood mailboxes.
            reset_per_ip: RateLimiter::keyed(Quota::per_hour(non_zero(10))),
        }
    }

    pub fn check_login(&self, ip: IpAddr) -> Result<(), ApiError> {
        check(&self.login_per_ip, &ip)
    }

    pub fn check_register(&self, ip: IpAddr, account_key: String) -> Result<(), ApiError> {
        check(&self.register_per_ip, &ip)?;
        check(&self.register_per_account, &account_key)
    }

    pub fn check_reset(&self, ip: IpAddr) -> Result<(), ApiError> {
        check(&self.reset_per_ip, &ip)
    }

    /// Forgets idle keys so the maps do not grow without bound.
    pub fn prune(&self) {
        self.login_per_ip.retain_recent();
        self.register_per_ip.retain_recent();
        self.register_per_account.retain_recent();
        self.reset_per_ip.retain_recent();
    }
}

fn check<K>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<(), ApiError>
where
    K: std::hash::Hash + Eq + Clone,
{
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ApiError::too_many_requests(wait.as_secs() + 1)
    })
}
