//! Pupero's domain vocabulary: pure types with their rules, no I/O.
//!
//! Everything here is parsed once at the edge ("parse, don't validate"), so a value of
//! one of these types is already known to be well formed wherever it travels.

pub mod address;
pub mod fiat;
pub mod identity;
pub mod money;
pub mod trade;

pub use address::{AddressError, AddressKind, MoneroAddress, Network};
pub use fiat::{Cents, Currency, FiatError};
pub use identity::{Email, IdentityError, Password, Role, Username};
pub use money::{AmountError, PICONERO_PER_XMR, Piconero};
