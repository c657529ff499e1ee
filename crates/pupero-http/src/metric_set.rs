//! A service's own business metrics (money, queues, security events), rendered after the
//! HTTP metrics on its `/metrics`.
//!
//! Why not the process-wide `metrics` recorder: `pupero up` and the test suite run many
//! services (and, in tests, many platforms) in one process, and a gauge such as "escrow
//! total" must be the value of *this* service's database, not whichever platform wrote
//! last. Each service owns one `MetricSet`; its values are integers (piconero, counts,
//! seconds), so an amount prints exactly as the ledger holds it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Gauge,
    Counter,
}

impl MetricKind {
    fn as_str(self) -> &'static str {
        match self {
            MetricKind::Gauge => "gauge",
            MetricKind::Counter => "counter",
        }
    }
}

type Labels = Vec<(&'static str, String)>;

struct Family {
    help: &'static str,
    kind: MetricKind,
    samples: BTreeMap<Labels, i128>,
}

/// Shared by a service's state, its background jobs and its `/metrics` (cheap to clone).
#[derive(Clone, Default)]
pub struct MetricSet(Arc<Mutex<BTreeMap<&'static str, Family>>>);

impl MetricSet {
    pub fn new() -> Self {
        Self::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<&'static str, Family>) -> R) -> R {
        // A panic while holding the lock leaves plain numbers behind, still worth showing.
        let mut families = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut families)
    }

    fn family<'a>(
        families: &'a mut BTreeMap<&'static str, Family>,
        name: &'static str,
        help: &'static str,
        kind: MetricKind,
    ) -> &'a mut Family {
        families.entry(name).or_insert_with(|| Family {
            help,
            kind,
            samples: BTreeMap::new(),
        })
    }

    /// Sets a gauge sample.
    pub fn set(
        &self,
        name: &'static str,
        help: &'static str,
        labels: &[(&'static str, &str)],
        value: impl Into<i128>,
    ) {
        let value = value.into();
        self.with(|f| {
            Self::family(f, name, help, MetricKind::Gauge)
                .samples
                .insert(own(labels), value);
        });
    }

    /// Adds one to a counter sample.
    pub fn increment(
        &self,
        name: &'static str,
        help: &'static str,
        labels: &[(&'static str, &str)],
    ) {
        self.with(|f| {
            *Self::family(f, name, help, MetricKind::Counter)
                .samples
                .entry(own(labels))
                .or_insert(0) += 1;
        });
    }

    /// Shows a counter at 0 before its first event, so `rate()` and alerts see the series
    /// from the start instead of "no data".
    pub fn declare_counter(
        &self,
        name: &'static str,
        help: &'static str,
        labels: &[(&'static str, &str)],
    ) {
        self.with(|f| {
            Self::family(f, name, help, MetricKind::Counter)
                .samples
                .entry(own(labels))
                .or_insert(0);
        });
    }

    /// Drops every sample of the named families: numbers this process no longer keeps
    /// current (another replica computes them now) must not linger as if they were.
    pub fn forget(&self, names: &[&str]) {
        self.with(|f| f.retain(|name, _| !names.contains(name)));
    }

    /// One sample's current value, if it was ever set (for tests and reports).
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<i128> {
        self.with(|f| {
            f.get(name)?
                .samples
                .iter()
                .find(|(l, _)| {
                    l.len() == labels.len()
                        && l.iter()
                            .zip(labels)
                            .all(|((k, v), (k2, v2))| k == k2 && v == v2)
                })
                .map(|(_, v)| *v)
        })
    }

    /// The Prometheus text exposition of every family.
    pub fn render(&self) -> String {
        self.with(|families| {
            let mut out = String::new();
            for (name, family) in families.iter() {
                let _ = writeln!(out, "# HELP {name} {}", family.help);
                let _ = writeln!(out, "# TYPE {name} {}", family.kind.as_str());
                for (labels, value) in &family.samples {
                    out.push_str(name);
                    if !labels.is_empty() {
                        out.push('{');
                        for (i, (k, v)) in labels.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            let _ = write!(out, "{k}=\"{}\"", escape(v));
                        }
                        out.push('}');
                    }
                    let _ = writeln!(out, " {value}");
                }
            }
            out
        })
    }
}

fn own(labels: &[(&'static str, &str)]) -> Labels {
    labels.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

/// Label values escape backslash, quote and newline (the exposition format's rule).
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_integer_samples_with_help_type_and_escaped_labels() {
        let set = MetricSet::new();
        set.set(
            "pupero_escrow_piconero",
            "held in escrow",
            &[],
            9_223_372_036_854_775_807i64,
        );
        set.set("pupero_trades", "trades by state", &[("state", "paid")], 2);
        set.set("pupero_trades", "trades by state", &[("state", "paid")], 3);
        set.declare_counter("pupero_events_total", "events", &[("event", "a\"b")]);
        set.increment("pupero_events_total", "events", &[("event", "a\"b")]);
        let text = set.render();
        assert!(
            text.contains(
                "# TYPE pupero_escrow_piconero gauge\npupero_escrow_piconero 9223372036854775807\n"
            ),
            "{text}"
        );
        assert!(text.contains("pupero_trades{state=\"paid\"} 3\n"), "{text}");
        assert!(
            text.contains(
                "# TYPE pupero_events_total counter\npupero_events_total{event=\"a\\\"b\"} 1\n"
            ),
            "{text}"
        );
        assert_eq!(set.value("pupero_trades", &[("state", "paid")]), Some(3));
        assert_eq!(set.value("pupero_trades", &[("state", "open")]), None);
    }
}
