//! The `pupero` executable's library half: composing services into a running platform
//! (shared by `main` and the integration tests) and the operator commands.

pub mod admin;
pub mod bench;
pub mod chaos;
pub mod devchain;
pub mod migrations;
pub mod notify;
pub mod platform;
pub mod receipts;
mod shutdown;
pub mod welcome;

pub use migrations::{MIGRATORS, migrate_all};
pub use platform::Platform;
