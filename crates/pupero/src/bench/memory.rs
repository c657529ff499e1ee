//! The platform's resident memory over time. The servers run in this process, so its RSS
//! is theirs (plus the bench's small client; the load comes from wrk, another process).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// VmRSS of this process, in MB (1 MB = 2^20 bytes).
pub fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Samples RSS every half second, tagged with the phase the bench is in.
#[derive(Clone)]
pub struct Timeline {
    samples: Arc<Mutex<Vec<(f64, String, f64)>>>,
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
            s.push((self.started.elapsed().as_secs_f64(), phase, rss_mb()));
        }
    }

    pub fn phase(&self, name: &str) {
        if let Ok(mut p) = self.phase.lock() {
            name.clone_into(&mut p);
        }
        self.sample();
    }

    /// One row per phase: RSS when it began, its peak, and at its end.
    pub fn summary(&self) -> String {
        let samples = self.samples.lock().map(|s| s.clone()).unwrap_or_default();
        let mut out = format!(
            "| {:<44} | {:>7} | {:>9} | {:>9} | {:>9} |\n|{:-<46}|{:->9}|{:->11}|{:->11}|{:->11}|\n",
            "RSS over time (phase)", "from s", "start MB", "peak MB", "end MB", "", "", "", "", ""
        );
        let mut i = 0;
        while let Some((t0, phase, first)) = samples.get(i) {
            let mut peak = *first;
            let mut last = *first;
            let mut j = i;
            while let Some((_, p, mb)) = samples.get(j)
                && p == phase
            {
                peak = peak.max(*mb);
                last = *mb;
                j += 1;
            }
            out.push_str(&format!(
                "| {phase:<44} | {t0:>7.1} | {first:>9.1} | {peak:>9.1} | {last:>9.1} |\n"
            ));
            i = j;
        }
        out
    }
}
