//! The wire types of Pupero: every message one service sends another, and every request
//! and response body of the public API.
//!
//! Both ends of a conversation name the same type, so a field renamed or retyped on one
//! side is a compile error on the other instead of a silent default at run time. Amounts
//! are [`Piconero`](pupero_core::Piconero) (a twelve-decimal string on the wire) and
//! lifecycles are the core enums (their one spelling on the wire), so a misspelt status
//! fails to deserialize.
//!
//! This is a kit crate, like `pupero-core`: serde (and serde_json, for the bytes a receipt
//! signature covers) and the core vocabulary only, no I/O.
//! Services depend on it and still never on each other. The OpenAPI derives sit behind
//! the `openapi` feature, which the services enable and the frontend does not.
//!
//! What stays local: query-string parameter structs (extractor details of one route),
//! the frontend's form and template structs, and database rows.

pub mod account_mail;
pub mod accounts;
pub mod api_keys;
pub mod auth;
pub mod error;
pub mod health;
pub mod internal;
pub mod moderation;
pub mod money;
pub mod notifications;
pub mod offers;
pub mod paging;
pub mod receipts;
pub mod trades;

pub use error::ErrorCode;
pub use paging::Paged;
