//! The gateway's budget per client address, and its state on every answer.
//!
//! GCRA (the rule governor and login's limits use): a burst of `limit`, refilled evenly
//! over a minute. Every answer carries the IETF draft's headers (draft-ietf-httpapi-
//! ratelimit-headers): `RateLimit-Limit` (requests per window), `RateLimit-Remaining`
//! (left in the burst now) and `RateLimit-Reset` (seconds until it is full again), plus
//! `RateLimit-Policy: <limit>;w=60`; a refused request gets 429 `rate_limited` with
//! `Retry-After`.
//!
//! With `RATE_LIMIT_REDIS_URL` the budget is counted in Redis (the same [`SharedLimiter`]
//! login's limits use), so every gateway replica spends from one budget per address and
//! the headers read the same whichever replica answers. Without it, or while Redis is
//! unreachable, each replica counts in its own memory (N replicas: N budgets), logs the
//! outage once and counts each such request in `pupero_rate_limit_redis_fallbacks_total`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use pupero_http::{SharedLimiter, Spent};

const WINDOW_MS: i64 = 60_000;
const WINDOW: Duration = Duration::from_secs(60);
/// Past this many addresses, those whose budget is full again are forgotten.
const MAX_TRACKED: usize = 100_000;
/// The budget's name in Redis keys and in the fallback metric.
pub const SHARED_KIND: &str = "gateway";

pub const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
pub const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
pub const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
pub const POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

pub struct RateLimiter {
    limit: u32,
    interval_ms: i64,
    started: Instant,
    /// Per address: the theoretical arrival time of its next request (ms since `started`).
    next: Mutex<HashMap<IpAddr, i64>>,
    shared: Option<SharedLimiter>,
}

/// What the budget looks like after one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    pub reset_secs: u64,
    /// Refused: seconds until a request would be allowed.
    pub retry_after_secs: Option<u64>,
}

fn ceil_secs(ms: i64) -> u64 {
    u64::try_from((ms.max(0) + 999) / 1000).unwrap_or(0)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn duration(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

impl RateLimiter {
    /// `limit` requests per minute per address; 0 turns the limit (and its headers) off.
    pub fn per_minute(limit: u32) -> Option<Self> {
        (limit > 0).then(|| Self {
            limit,
            interval_ms: (WINDOW_MS / i64::from(limit)).max(1),
            started: Instant::now(),
            next: Mutex::new(HashMap::new()),
            shared: None,
        })
    }

    /// Counts the budget in Redis, one budget for every replica.
    pub fn shared_through(mut self, limiter: SharedLimiter) -> Self {
        self.shared = Some(limiter);
        self
    }

    pub async fn check(&self, client: IpAddr) -> Quota {
        if let Some(shared) = &self.shared
            && let Some(spent) = shared
                .check(SHARED_KIND, &client.to_string(), self.limit, WINDOW)
                .await
        {
            return self.quota(spent);
        }
        let now = i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX);
        self.check_at(client, now)
    }

    fn check_at(&self, client: IpAddr, now: i64) -> Quota {
        self.quota(self.spend_locally(client, now))
    }

    /// The same rule as the Redis script, in this process's memory.
    fn spend_locally(&self, client: IpAddr, now: i64) -> Spent {
        let burst_ms = self.interval_ms * i64::from(self.limit);
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        if next.len() >= MAX_TRACKED {
            next.retain(|_, tat| *tat > now);
        }
        let tat = next.get(&client).copied().unwrap_or(now).max(now);
        let new_tat = tat + self.interval_ms;
        let over = new_tat - now - burst_ms;
        if over > 0 {
            return Spent {
                refused_for: Some(duration(over)),
                until_full: duration(tat - now),
            };
        }
        next.insert(client, new_tat);
        Spent {
            refused_for: None,
            until_full: duration(new_tat - now),
        }
    }

    /// The headers' numbers for one counted request, wherever it was counted.
    fn quota(&self, spent: Spent) -> Quota {
        let until_full = millis(spent.until_full);
        let left = (self.interval_ms * i64::from(self.limit) - until_full) / self.interval_ms;
        Quota {
            limit: self.limit,
            remaining: match spent.refused_for {
                Some(_) => 0,
                None => u32::try_from(left.max(0)).unwrap_or(0),
            },
            reset_secs: ceil_secs(until_full),
            retry_after_secs: spent.refused_for.map(|wait| ceil_secs(millis(wait)).max(1)),
        }
    }
}

impl Quota {
    pub fn write(&self, headers: &mut HeaderMap) {
        headers.insert(LIMIT, HeaderValue::from(self.limit));
        headers.insert(REMAINING, HeaderValue::from(self.remaining));
        headers.insert(RESET, HeaderValue::from(self.reset_secs));
        if let Ok(policy) = HeaderValue::from_str(&format!("{};w=60", self.limit)) {
            headers.insert(POLICY, policy);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_the_limit_then_refusal_then_refill() {
        let l = RateLimiter::per_minute(3).unwrap();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let remaining: Vec<u32> = (0..3).map(|_| l.check_at(ip, 0).remaining).collect();
        assert_eq!(remaining, [2, 1, 0]);
        let refused = l.check_at(ip, 0);
        assert_eq!(refused.retry_after_secs, Some(20));
        assert_eq!((refused.remaining, refused.reset_secs), (0, 60));
        // One interval later, one more request.
        let later = l.check_at(ip, 20_000);
        assert_eq!((later.retry_after_secs, later.remaining), (None, 0));
        // Another address has its own budget.
        assert_eq!(l.check_at("192.0.2.2".parse().unwrap(), 0).remaining, 2);
        assert!(RateLimiter::per_minute(0).is_none());
    }
}
