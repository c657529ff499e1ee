//! Per-IP limits on login and registration, and per-account limits on registration
//! attempts. Failed logins per account are counted in the database instead (see
//! `store::record_failed_login`), so they survive restarts and hold across replicas.
//!
//! With `RATE_LIMIT_REDIS_URL` the per-IP limits are counted in Redis, shared by every
//! replica (`pupero-http/src/shared_limits.rs`); the in-memory limiters stay, as the
//! default and as the fallback while Redis is unreachable.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use pupero_http::{ApiError, SharedLimiter};

pub struct Limits {
    login_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    register_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    register_per_account: DefaultKeyedRateLimiter<String>,
    reset_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    login_per_minute: u32,
    register_per_hour: u32,
    shared: Option<SharedLimiter>,
}

/// Password-reset requests per client address and hour: a few typos' worth, not a way to
/// probe many addresses or flood mailboxes.
const RESETS_PER_HOUR: u32 = 10;

fn non_zero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Limits {
    pub fn new(login_per_minute: u32, register_per_hour: u32) -> Self {
        Self {
            login_per_ip: RateLimiter::keyed(Quota::per_minute(non_zero(login_per_minute))),
            register_per_ip: RateLimiter::keyed(Quota::per_hour(non_zero(register_per_hour))),
            register_per_account: RateLimiter::keyed(Quota::per_hour(non_zero(5))),
            reset_per_ip: RateLimiter::keyed(Quota::per_hour(non_zero(RESETS_PER_HOUR))),
            login_per_minute,
            register_per_hour,
            shared: None,
        }
    }

    /// The kinds of limit counted in Redis (and named in its fallback metric).
    pub const SHARED_KINDS: [&str; 3] = ["login", "register", "reset"];

    /// Counts the per-IP limits in Redis, shared with the other replicas.
    pub fn shared_through(mut self, limiter: SharedLimiter) -> Self {
        self.shared = Some(limiter);
        self
    }

    pub async fn check_login(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.check_ip(
            "login",
            ip,
            self.login_per_minute,
            Duration::from_secs(60),
            &self.login_per_ip,
        )
        .await
    }

    pub async fn check_register(&self, ip: IpAddr, account_key: String) -> Result<(), ApiError> {
        self.check_ip(
            "register",
            ip,
            self.register_per_hour,
            Duration::from_secs(3600),
            &self.register_per_ip,
        )
        .await?;
        check(&self.register_per_account, &account_key)
    }

    pub async fn check_reset(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.check_ip(
            "reset",
            ip,
            RESETS_PER_HOUR,
            Duration::from_secs(3600),
            &self.reset_per_ip,
        )
        .await
    }

    /// In Redis when configured and reachable, else in this process's memory.
    async fn check_ip(
        &self,
        kind: &str,
        ip: IpAddr,
        limit: u32,
        period: Duration,
        local: &DefaultKeyedRateLimiter<IpAddr>,
    ) -> Result<(), ApiError> {
        let Some(shared) = &self.shared else {
            return check(local, &ip);
        };
        match shared.check(kind, &ip.to_string(), limit, period).await {
            Some(spent) => match spent.refused_for {
                None => Ok(()),
                Some(wait) => Err(ApiError::too_many_requests(wait.as_secs() + 1)),
            },
            // Redis unreachable: this replica's own budget (see SharedLimiter::check).
            None => check(local, &ip),
        }
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
