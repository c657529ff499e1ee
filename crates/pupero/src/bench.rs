//! `pupero bench`: a small closed-loop load generator that prints requests per second and
//! latency percentiles for a fixed set of scenarios. Figures go to docs/BENCHMARKS.md;
//! tests never assert on timing.

/// `println!` for the bench's figures: printed, and kept for `--record`.
macro_rules! say {
    () => {
        $crate::bench::record::line("")
    };
    ($($arg:tt)*) => {
        $crate::bench::record::line(&format!($($arg)*))
    };
}

mod accounts;
mod api;
mod hot_paths;
mod load;
mod memory;
mod monero;
pub mod record;
mod reference;
mod wrk;

pub use api::{HotPaths, api};
pub use load::{Outcome, Scenario, header, row, run, run_cycles};
pub use monero::monero;
