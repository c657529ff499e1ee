#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a failed unwrap or index is a failed test

//! Browser tests: a real headless Chromium, driven through chromedriver (Debian's `chromium`
//! and `chromium-driver`; `scripts/test-deps.sh` installs them). `driver` is the harness;
//! screenshots land in `artifacts/screenshots` (or `PUPERO_SCREENSHOTS_DIR`).

mod driver;
// The test modules import the shared harness as `crate::helpers`, as the api tests do.
use pupero_testkit as helpers;

mod flows;
mod french;
mod market;
mod moderation;
mod security_gateway;
mod security_money;
mod smoke;
mod steps;
