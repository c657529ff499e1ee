//! `pupero bench`: a small closed-loop load generator that prints requests per second and
//! latency percentiles for a fixed set of scenarios. Figures go to docs/BENCHMARKS.md;
//! tests never assert on timing.

mod accounts;
mod api;
mod hot_paths;
mod load;
mod memory;
mod monero;
mod reference;
mod wrk;

pub use api::{HotPaths, api};
pub use load::{Outcome, Scenario, header, row, run, run_cycles};
pub use monero::monero;
