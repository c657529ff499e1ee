//! Per-IP limits shared by every login replica through Redis (`RATE_LIMIT_REDIS_URL`), so
//! N replicas give a client one budget, not N.
//!
//! The same rule as the in-memory limiter (GCRA: a burst of `limit`, then one more every
//! `period / limit`), kept as one theoretical-arrival time per key and applied by a Lua
//! script, atomically, on Redis's own clock (replicas' clocks do not matter).
//!
//! Redis unreachable: the replica falls back to its own in-memory limiter (see
//! docs/SECURITY.md, "Rate limits with replicas") and says so in its log; a client then gets
//! at most one budget per replica until Redis is back.
//!
//! A few lines of RESP over one TCP connection rather than a Redis client crate: one
//! command (EVAL) is all this needs.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

/// Returns 0 when allowed, else the milliseconds until the next request would be.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval
local over = new_tat - now - interval * burst
if over > 0 then return over end
redis.call('SET', KEYS[1], new_tat, 'PX', interval * burst + 1000)
return 0
";

const TIMEOUT: Duration = Duration::from_millis(500);

pub struct SharedLimiter {
    address: String,
    password: Option<String>,
    database: Option<u32>,
    prefix: String,
    connection: Mutex<Option<BufReader<TcpStream>>>,
}

/// What Redis said about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; the next one is allowed after this long.
    Wait(Duration),
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
            connection: Mutex::new(None),
        })
    }

    /// Counts one request of `kind` from `key` against `limit` per `period`.
    pub async fn check(
        &self,
        kind: &str,
        key: &str,
        limit: u32,
        period: Duration,
    ) -> Result<Verdict, RedisError> {
        let interval_ms = (period.as_millis() / u128::from(limit.max(1))).max(1);
        let redis_key = format!("{}:ratelimit:{kind}:{key}", self.prefix);
        let args = [
            "EVAL".to_owned(),
            GCRA.to_owned(),
            "1".to_owned(),
            redis_key,
            interval_ms.to_string(),
            limit.max(1).to_string(),
        ];
        let wait_ms = self.command(&args).await?;
        Ok(if wait_ms <= 0 {
            Verdict::Allowed
        } else {
            Verdict::Wait(Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0)))
        })
    }

    /// Sends one command on the kept connection (opening it if needed); an error drops it.
    async fn command(&self, args: &[String]) -> Result<i64, RedisError> {
        let mut kept = self.connection.lock().await;
        if kept.is_none() {
            *kept = Some(self.connect().await?);
        }
        let Some(connection) = kept.as_mut() else {
            return Err(RedisError::Timeout);
        };
        let answer = tokio::time::timeout(TIMEOUT, round_trip(connection, args))
            .await
            .unwrap_or(Err(RedisError::Timeout));
        if answer.is_err() {
            *kept = None;
        }
        answer
    }

    async fn connect(&self) -> Result<BufReader<TcpStream>, RedisError> {
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

/// Writes one command and reads its answer: an integer (or OK, read as 0).
async fn round_trip(
    connection: &mut BufReader<TcpStream>,
    args: &[String],
) -> Result<i64, RedisError> {
    let mut request = format!("*{}\r\n", args.len());
    for a in args {
        request.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    connection.get_mut().write_all(request.as_bytes()).await?;
    let mut line = String::new();
    if connection.read_line(&mut line).await? == 0 {
        return Err(RedisError::Io(std::io::ErrorKind::UnexpectedEof.into()));
    }
    let line = line.trim_end();
    match line.split_at_checked(1) {
        Some((":", n)) => n.parse().map_err(|_| RedisError::Refused(line.to_owned())),
        Some(("+", _)) => Ok(0),
        _ => Err(RedisError::Refused(line.to_owned())),
    }
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
        let mut allowed = 0;
        for _ in 0..8 {
            match l
                .check("login", "192.0.2.1", 3, Duration::from_secs(60))
                .await
                .unwrap()
            {
                Verdict::Allowed => allowed += 1,
                Verdict::Wait(w) => assert!(w <= Duration::from_secs(20), "{w:?}"),
            }
        }
        assert_eq!(allowed, 3);
        // Another key has its own budget.
        assert_eq!(
            l.check("login", "192.0.2.2", 3, Duration::from_secs(60))
                .await
                .unwrap(),
            Verdict::Allowed
        );
    }
}
