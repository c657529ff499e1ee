//! The harness lives in `pupero-testkit` (shared with the browser tests); the test modules
//! keep importing it as `crate::helpers`.

pub use pupero_testkit::*;
