//! Per-client budgets shared by every replica through Redis (`RATE_LIMIT_REDIS_URL`), so N
//! replicas give a client one budget, not N: login's per-IP limits on sign-in, registration
//! and reset, and the gateway's per-address budget.
//!
//! The same rule as the in-memory limiters (GCRA: a burst of `limit`, then one more every
//! `period / limit`), kept as one theoretical-arrival time per key and applied by a Lua
//! script, atomically, on Redis's own clock (replicas' clocks do not matter).
//!
//! Redis unreachable: [`SharedLimiter::check`] answers `None` and the caller counts in its
//! own memory (see docs/SECURITY.md, "Rate limits with replicas"), so a client gets at most
//! one budget per replica until Redis is back. The outage is logged once (and its end),
//! each request counted locally adds one to `pupero_rate_limit_redis_fallbacks_total`, and
//! Redis is tried again at most once a second: a Redis that hangs until the timeout slows
//! one request a second, not every request.
//!
//! A few lines of RESP over plain TCP connections rather than a Redis client crate: one
//! command (EVAL) is all this needs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::MetricSet;

/// Answers {0, ms until the budget is full again} when allowed, else {ms until the next
/// request would be allowed, ms until the budget is full again}.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval
local over = new_tat - now - interval * burst
if over > 0 then return {over, tat - now} end
redis.call('SET', KEYS[1], new_tat, 'PX', interval * burst + 1000)
return {0, new_tat - now}
";

const TIMEOUT: Duration = Duration::from_millis(500);
/// After a failed call, requests are counted locally this long before Redis is asked again.
const RETRY_PAUSE: Duration = Duration::from_secs(1);
/// Connections kept open between requests; more are opened (and closed) under a burst.
const MAX_IDLE: usize = 16;

const FALLBACKS: &str = "pupero_rate_limit_redis_fallbacks_total";
const FALLBACKS_HELP: &str = "Requests counted in this replica's memory because Redis (RATE_LIMIT_REDIS_URL) was unreachable";

type Connection = BufReader<TcpStream>;

pub struct SharedLimiter {
    address: String,
    password: Option<String>,
    database: Option<u32>,
    prefix: String,
    idle: Mutex<Vec<Connection>>,
    /// Whether the last call failed (logged once per outage, not per request).
    down: AtomicBool,
    paused_until: Mutex<Option<Instant>>,
    metrics: MetricSet,
}

/// One request counted against a budget, wherever it was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spent {
    /// Refused: how long until one more request would be allowed.
    pub refused_for: Option<Duration>,
    /// How long until the budget is full again (this request included when it was allowed).
    pub until_full: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("RATE_LIMIT_REDIS_URL must look like redis://[:password@]host:port[/db]")]
    BadUrl,
    #[error("redis: {0}")]
    Io(#[from] std::io::Error),
    #[error("redis did not answer in time")]
    Timeout,
    #[error("redis answered: {0}")]
    Refused(String),
}

impl SharedLimiter {
    pub fn new(url: &str, prefix: &str) -> Result<Self, RedisError> {
        let rest = url.strip_prefix("redis://").ok_or(RedisError::BadUrl)?;
        let (auth, rest) = match rest.rsplit_once('@') {
            Some((auth, rest)) => (Some(auth), rest),
            None => (None, rest),
        };
        let (address, database) = match rest.split_once('/') {
            Some((a, "")) => (a, None),
            Some((a, db)) => (a, Some(db.parse().map_err(|_| RedisError::BadUrl)?)),
            None => (rest, None),
        };
        if address.is_empty() {
            return Err(RedisError::BadUrl);
        }
        let address = if address.contains(':') {
            address.to_owned()
        } else {
            format!("{address}:6379")
        };
        let password = auth
            .map(|a| a.rsplit_once(':').map_or(a, |(_, p)| p).to_owned())
            .filter(|p| !p.is_empty());
        Ok(Self {
            address,
            password,
            database,
            prefix: prefix.to_owned(),
            idle: Mutex::new(Vec::new()),
            down: AtomicBool::new(false),
            paused_until: Mutex::new(None),
            metrics: MetricSet::new(),
        })
    }

    /// Counts requests decided locally during an outage in `metrics`, one series per kind
    /// of limit (shown at 0 from the start).
    pub fn reporting_to(mut self, metrics: &MetricSet, kinds: &[&str]) -> Self {
        for kind in kinds {
            metrics.declare_counter(FALLBACKS, FALLBACKS_HELP, &[("limit", kind)]);
        }
        self.metrics = metrics.clone();
        self
    }

    /// Counts one request of `kind` from `key` against `limit` per `period` in Redis;
    /// `None` when Redis cannot be asked now: the caller counts it in its own memory.
    pub async fn check(
        &self,
        kind: &str,
        key: &str,
        limit: u32,
        period: Duration,
    ) -> Option<Spent> {
        let paused = self
            .paused_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|until| Instant::now() < until);
        let answer = if paused {
            Err(RedisError::Timeout)
        } else {
            self.ask(kind, key, limit, period).await
        };
        match answer {
            Ok(spent) => {
                if self.down.swap(false, Ordering::Relaxed) {
                    tracing::info!("rate limits: Redis is back; budgets are shared again");
                }
                Some(spent)
            }
            Err(e) => {
                if !paused {
                    *self
                        .paused_until
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) =
                        Some(Instant::now() + RETRY_PAUSE);
                    if !self.down.swap(true, Ordering::Relaxed) {
                        tracing::warn!(error = %e, "rate limits: Redis unreachable; counting in this replica's memory until it is back");
                    }
                }
                self.metrics
                    .increment(FALLBACKS, FALLBACKS_HELP, &[("limit", kind)]);
                None
            }
        }
    }

    async fn ask(
        &self,
        kind: &str,
        key: &str,
        limit: u32,
        period: Duration,
    ) -> Result<Spent, RedisError> {
        let interval_ms = (period.as_millis() / u128::from(limit.max(1))).max(1);
        let args = [
            "EVAL".to_owned(),
            GCRA.to_owned(),
            "1".to_owned(),
            format!("{}:ratelimit:{kind}:{key}", self.prefix),
            interval_ms.to_string(),
            limit.max(1).to_string(),
        ];
        let answer = self.command(&args).await?;
        let [over, until_full] = answer[..] else {
            return Err(RedisError::Refused(format!("{answer:?}")));
        };
        let ms = |n: i64| Duration::from_millis(u64::try_from(n).unwrap_or(0));
        Ok(Spent {
            refused_for: (over > 0).then(|| ms(over)),
            until_full: ms(until_full),
        })
    }

    /// Sends one command on an idle connection (or a new one); a connection that failed is
    /// dropped. One that sat idle may have been closed by Redis: that one is retried once on
    /// a new connection before the call counts as failed.
    async fn command(&self, args: &[String]) -> Result<Vec<i64>, RedisError> {
        let kept = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let reused = kept.is_some();
        let mut connection = match kept {
            Some(c) => c,
            None => self.connect().await?,
        };
        let mut answer = self.round_trip_in_time(&mut connection, args).await;
        if reused && matches!(answer, Err(RedisError::Io(_))) {
            connection = self.connect().await?;
            answer = self.round_trip_in_time(&mut connection, args).await;
        }
        if answer.is_ok() {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < MAX_IDLE {
                idle.push(connection);
            }
        }
        answer
    }

    async fn round_trip_in_time(
        &self,
        connection: &mut Connection,
        args: &[String],
    ) -> Result<Vec<i64>, RedisError> {
        tokio::time::timeout(TIMEOUT, round_trip(connection, args))
            .await
            .unwrap_or(Err(RedisError::Timeout))
    }

    async fn connect(&self) -> Result<Connection, RedisError> {
        let stream = tokio::time::timeout(TIMEOUT, TcpStream::connect(&self.address))
            .await
            .map_err(|_| RedisError::Timeout)??;
        stream.set_nodelay(true)?;
        let mut connection = BufReader::new(stream);
        let setup = async {
            if let Some(password) = &self.password {
                round_trip(&mut connection, &["AUTH".to_owned(), password.clone()]).await?;
            }
            if let Some(db) = self.database {
                round_trip(&mut connection, &["SELECT".to_owned(), db.to_string()]).await?;
            }
            Ok::<_, RedisError>(())
        };
        tokio::time::timeout(TIMEOUT, setup)
            .await
            .map_err(|_| RedisError::Timeout)??;
        Ok(connection)
    }
}

/// Writes one command and reads its answer: an integer, an array of integers, or OK (no
/// numbers).
async fn round_trip(connection: &mut Connection, args: &[String]) -> Result<Vec<i64>, RedisError> {
    let mut request = format!("*{}\r\n", args.len());
    for a in args {
        request.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    connection.get_mut().write_all(request.as_bytes()).await?;
    let line = read_line(connection).await?;
    match line.split_at_checked(1) {
        Some((":", n)) => Ok(vec![integer(&line, n)?]),
        Some(("+", _)) => Ok(Vec::new()),
        Some(("*", n)) => {
            let count: usize = n.parse().map_err(|_| RedisError::Refused(line.clone()))?;
            let mut numbers = Vec::with_capacity(count.min(8));
            for _ in 0..count {
                let item = read_line(connection).await?;
                match item.split_at_checked(1) {
                    Some((":", n)) => numbers.push(integer(&item, n)?),
                    _ => return Err(RedisError::Refused(item)),
                }
            }
            Ok(numbers)
        }
        _ => Err(RedisError::Refused(line)),
    }
}

async fn read_line(connection: &mut Connection) -> Result<String, RedisError> {
    let mut line = String::new();
    if connection.read_line(&mut line).await? == 0 {
        return Err(RedisError::Io(std::io::ErrorKind::UnexpectedEof.into()));
    }
    Ok(line.trim_end().to_owned())
}

fn integer(line: &str, digits: &str) -> Result<i64, RedisError> {
    digits
        .parse()
        .map_err(|_| RedisError::Refused(line.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read_with_password_and_database() {
        let l = SharedLimiter::new("redis://:s3cret@cache:6380/2", "p").unwrap();
        assert_eq!(l.address, "cache:6380");
        assert_eq!(l.password.as_deref(), Some("s3cret"));
        assert_eq!(l.database, Some(2));
        let l = SharedLimiter::new("redis://127.0.0.1", "p").unwrap();
        assert_eq!(l.address, "127.0.0.1:6379");
        assert_eq!(l.password, None);
        assert!(SharedLimiter::new("http://x", "p").is_err());
        assert!(SharedLimiter::new("redis://", "p").is_err());
    }

    /// Against the Redis this machine runs (the suite's environment has one).
    #[tokio::test]
    async fn a_burst_gets_the_limit_then_waits() {
        let prefix = format!("pupero-unit-{}", rand::random::<u32>());
        let l = SharedLimiter::new("redis://127.0.0.1:6379", &prefix).unwrap();
        let minute = Duration::from_secs(60);
        let mut allowed = Vec::new();
        for _ in 0..8 {
            let spent = l.check("login", "192.0.2.1", 3, minute).await.unwrap();
            match spent.refused_for {
                None => allowed.push(spent.until_full),
                Some(w) => {
                    assert!(w <= Duration::from_secs(20), "{w:?}");
                    // A refusal spends nothing: the budget is still full in under a minute.
                    assert!(spent.until_full <= minute, "{spent:?}");
                }
            }
        }
        assert_eq!(allowed.len(), 3);
        // Each allowed request pushes "full again" a third of the minute further.
        assert!(allowed.windows(2).all(|w| w[1] > w[0]), "{allowed:?}");
        assert!(allowed[2] > Duration::from_secs(59), "{allowed:?}");
        // Another key has its own budget.
        let other = l.check("login", "192.0.2.2", 3, minute).await.unwrap();
        assert_eq!(other.refused_for, None);
        assert!(other.until_full <= Duration::from_secs(20), "{other:?}");
    }

    #[tokio::test]
    async fn an_unreachable_redis_is_a_fallback_counted_per_limit() {
        let metrics = MetricSet::new();
        let l = SharedLimiter::new("redis://127.0.0.1:9", "p")
            .unwrap()
            .reporting_to(&metrics, &["gateway", "login"]);
        let minute = Duration::from_secs(60);
        assert_eq!(l.check("gateway", "192.0.2.1", 3, minute).await, None);
        // Within the pause Redis is not asked again; still counted.
        let started = Instant::now();
        assert_eq!(l.check("gateway", "192.0.2.1", 3, minute).await, None);
        assert!(started.elapsed() < Duration::from_millis(50));
        let fallbacks = |kind| metrics.value(FALLBACKS, &[("limit", kind)]);
        assert_eq!(fallbacks("gateway"), Some(2));
        assert_eq!(fallbacks("login"), Some(0));
    }
}
