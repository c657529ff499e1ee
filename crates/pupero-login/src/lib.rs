//! The login service (:8001, `/auth` through the gateway): accounts, sessions as rotating
//! refresh tokens, TOTP two-factor, admin user management and public profiles.

pub mod api_keys;
pub mod entity;
mod limits;
pub mod mail;
pub mod migration;
mod passwords;
pub mod presence;
mod routes;
mod sessions;
pub mod standing_leases;
mod state;
pub mod store;
mod totp;

pub use migration::Migrator;
pub use passwords::{IDLE_RELEASE as PASSWORD_MEMORY_IDLE_RELEASE, Passwords};
pub use routes::router;
pub use state::LoginState;

/// The name a user types into their authenticator app next to the account.
pub const SERVICE: &str = "login";
/// The newest version of each account's restrictions moderation told.
pub const RESTRICTION_VERSIONS: &str = "login_restriction_versions";
