//! The test harness shared by the `api` and `browser` test binaries: a platform per test on
//! its own database (SQLite, MariaDB and PostgreSQL through [`db_test!`]), an HTTP client
//! for it, and sign-up, trading and ledger helpers.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod app;
mod database;
mod jwt;
mod mail;
mod prices;
mod totp;
mod trading;

pub use app::{TestApp, Tokens, error_code, error_field, error_of, run, settings_for, typed, xmr};
pub use database::{Backend, TestDb};
pub use jwt::contains_jwt;
pub use mail::{Mail, MailCatcher};
pub use prices::{KINDS as PRICE_SOURCES, PriceSources, Reply as PriceReply, eur_at, fixture};
pub use pupero_api::ErrorCode;
pub use totp::{align_to_fresh_step, totp_code};
pub use trading::Party;

pub const SECRET: &str = "test-secret-0123456789-abcdefghijklmnop";
pub const PASSWORD: &str = "correct horse battery";

/// Declares a test that runs once per database backend, each in a fresh database.
#[macro_export]
macro_rules! db_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        $crate::db_test!($(#[$meta])* async fn $name($app, $crate::Options::default()) $body);
    };
    ($(#[$meta:meta])* async fn $name:ident($app:ident, $options:expr) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($app: $crate::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run($crate::Backend::Sqlite, $options, body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mariadb() {
                $crate::run($crate::Backend::MariaDb, $options, body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run($crate::Backend::Postgres, $options, body).await
            }
        }
    };
}

/// Like [`db_test!`], with the price APIs replayed locally ([`PriceSources`], which the
/// test body receives to move the market) and the platform reading them.
#[macro_export]
macro_rules! feed_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident, $sources:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($app: $crate::TestApp, $sources: $crate::PriceSources) $body

            async fn run(backend: $crate::Backend) {
                let sources = $crate::PriceSources::start().await;
                let options = sources.options();
                $crate::run(backend, options, move |app| body(app, sources)).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mariadb() {
                run($crate::Backend::MariaDb).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::Backend::Postgres).await
            }
        }
    };
}

/// Per-test tweaks to the platform's settings.
#[derive(Debug, Clone)]
pub struct Options {
    pub args: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        // Generous limits: every test client is 127.0.0.1.
        Self::with(&[
            "--login-rate-per-minute",
            "100000",
            "--register-rate-per-hour",
            "100000",
        ])
    }
}

impl Options {
    pub fn with(args: &[&str]) -> Self {
        Self {
            args: args.iter().map(std::string::ToString::to_string).collect(),
        }
    }
}
