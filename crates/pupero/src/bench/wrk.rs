//! Load from `wrk` (Debian's package; `scripts/bench-deps.sh` installs it), an external
//! process: the servers and the nginx reference face the very same client, and the
//! platform's memory is not mixed with the load generator's.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

/// wrk's own summary, printed by a `done` hook as one machine-readable line.
const REPORT: &str = r#"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"#;

/// One load: `connections` keep-alive connections over two threads for `duration`.
#[derive(Clone, Debug)]
pub struct Load {
    pub url: String,
    pub connections: usize,
    pub duration: Duration,
    pub headers: Vec<String>,
    /// A JSON body to POST instead of a GET.
    pub post_json: Option<String>,
    /// Every request gets a query parameter of its own (which the server ignores), so no
    /// kept answer can serve it: the cost of an answer computed afresh.
    pub fresh: bool,
}

impl Load {
    pub fn get(url: impl Into<String>, connections: usize, duration: Duration) -> Self {
        Self {
            url: url.into(),
            connections,
            duration,
            headers: Vec::new(),
            post_json: None,
            fresh: false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Measured {
    pub requests: u64,
    /// Socket errors and answers outside 2xx/3xx.
    pub errors: u64,
    pub rps: f64,
    pub p50: Duration,
    pub p99: Duration,
}

pub fn available() -> bool {
    std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok()
}

/// Runs wrk to completion (blocking work on a blocking thread, so the servers in this
/// process keep their async workers).
pub async fn run(load: &Load, scratch: &Path) -> anyhow::Result<Measured> {
    let script = script(load, scratch)?;
    let load = load.clone();
    tokio::task::spawn_blocking(move || run_blocking(&load, &script)).await?
}

fn script(load: &Load, scratch: &Path) -> anyhow::Result<PathBuf> {
    let mut lua = String::new();
    if let Some(body) = &load.post_json {
        lua.push_str("wrk.method = \"POST\"\n");
        lua.push_str("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
        lua.push_str(&format!("wrk.body = {}\n", lua_string(body)));
    }
    if load.fresh {
        // Unique across wrk's threads too: each thread's Lua state has its own counter,
        // and the same unseeded random sequence, so a thread number is part of the key.
        lua.push_str(
            "local threads = 0\n\
             setup = function(thread)\n\
               threads = threads + 1\n\
               thread:set(\"thread_no\", threads)\n\
             end\n\
             local n = 0\n\
             request = function()\n\
               n = n + 1\n\
               return wrk.format(nil, wrk.path .. \"&fresh=\" .. thread_no .. \"-\" .. n)\n\
             end\n",
        );
    }
    lua.push_str(REPORT);
    let path = scratch.join(format!("wrk-{}.lua", rand_suffix()));
    std::fs::write(&path, lua)?;
    Ok(path)
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A Lua long string cannot be broken out of by the JSON it carries.
fn lua_string(s: &str) -> String {
    format!("[==[{s}]==]")
}

fn run_blocking(load: &Load, script: &Path) -> anyhow::Result<Measured> {
    let mut cmd = std::process::Command::new("wrk");
    cmd.arg("-t2")
        .arg(format!("-c{}", load.connections.max(2)))
        .arg(format!("-d{}s", load.duration.as_secs().max(1)))
        .arg("--timeout")
        .arg("10s")
        .arg("-s")
        .arg(script);
    for h in &load.headers {
        cmd.arg("-H").arg(h);
    }
    cmd.arg(&load.url);
    let out = cmd
        .output()
        .context("running wrk (scripts/bench-deps.sh installs it)")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("WRK "))
        .with_context(|| {
            format!(
                "wrk printed no summary: {stdout} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    let n: Vec<u64> = line
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .context("wrk summary")?;
    let [requests, micros, socket_errors, status_errors, p50, p99] = n[..] else {
        anyhow::bail!("wrk summary has {} fields", n.len());
    };
    Ok(Measured {
        requests,
        errors: socket_errors + status_errors,
        rps: requests as f64 / (micros.max(1) as f64 / 1e6),
        p50: Duration::from_micros(p50),
        p99: Duration::from_micros(p99),
    })
}
