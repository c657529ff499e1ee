#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

//! Browser tests: a real headless Chromium, driven through chromedriver (Debian's `chromium`
//! and `chromium-driver`; `scripts/test-deps.sh` installs them). `driver` is the harness;
//! screenshots land in `artifacts/screenshots` (or `PUPERO_SCREENSHOTS_DIR`).

mod driver;
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod flows;
mod security_gateway;
mod security_money;
mod smoke;
