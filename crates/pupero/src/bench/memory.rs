//! The platform's resident memory over time. The servers run in this process, so its RSS
//! is theirs (plus the bench's small client; the load comes from wrk, another process).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Resident memory of this process, in MB (1 MB = 2^20 bytes): all of it (VmRSS), and the
/// private part (RssAnon: heap, stacks, the hashing blocks). The difference is mostly the
/// executable's own pages, which the page cache shares and can drop; a release binary of
/// the whole platform maps ~40 MB of code.
#[derive(Debug, Clone, Copy, Default)]
pub struct Resident {
    pub rss_mb: f64,
    pub anon_mb: f64,
}

pub fn resident() -> Resident {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    Resident {
        rss_mb: field("VmRSS:"),
        anon_mb: field("RssAnon:"),
    }
}

/// Samples RSS every half second, tagged with the phase the bench is in.
#[derive(Clone)]
pub struct Timeline {
    samples: Arc<Mutex<Vec<(f64, String, Resident)>>>,
    phase: Arc<Mutex<String>>,
    started: Instant,
}

impl Timeline {
    pub fn start() -> Self {
        let timeline = Self {
            samples: Arc::default(),
            phase: Arc::new(Mutex::new("idle".into())),
            started: Instant::now(),
        };
        let t = timeline.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            loop {
                tick.tick().await;
                t.sample();
                if Arc::strong_count(&t.samples) == 1 {
                    break;
                }
            }
        });
        timeline
    }

    fn sample(&self) {
        let phase = self.phase.lock().map(|p| p.clone()).unwrap_or_default();
        if let Ok(mut s) = self.samples.lock() {
            s.push((self.started.elapsed().as_secs_f64(), phase, resident()));
        }
    }

    pub fn phase(&self, name: &str) {
        if let Ok(mut p) = self.phase.lock() {
            name.clone_into(&mut p);
        }
        self.sample();
    }

    /// One row per phase: RSS when it began, its peak, and at its end, and the private
    /// (anonymous) part at its end.
    pub fn summary(&self) -> String {
        let samples = self.samples.lock().map(|s| s.clone()).unwrap_or_default();
        let mut out = format!(
            "| {:<44} | {:>7} | {:>9} | {:>9} | {:>9} | {:>11} |\n|{:-<46}|{:->9}|{:->11}|{:->11}|{:->11}|{:->13}|\n",
            "RSS over time (phase)",
            "from s",
            "start MB",
            "peak MB",
            "end MB",
            "private MB",
            "",
            "",
            "",
            "",
            "",
            ""
        );
        let mut i = 0;
        while let Some((t0, phase, first)) = samples.get(i) {
            let mut peak = first.rss_mb;
            let mut last = *first;
            let mut j = i;
            while let Some((_, p, r)) = samples.get(j)
                && p == phase
            {
                peak = peak.max(r.rss_mb);
                last = *r;
                j += 1;
            }
            out.push_str(&format!(
                "| {phase:<44} | {t0:>7.1} | {:>9.1} | {peak:>9.1} | {:>9.1} | {:>11.1} |\n",
                first.rss_mb, last.rss_mb, last.anon_mb
            ));
            i = j;
        }
        out
    }
}
