//! Pupero's domain vocabulary: pure types with their rules, no I/O.
//!
//! Everything here is parsed once at the edge ("parse, don't validate"), so a value of
//! one of these types is already known to be well formed wherever it travels.

pub mod vocabulary;

pub mod address;
pub mod deposit;
pub mod dispute;
pub mod fiat;
pub mod identity;
pub mod ledger;
pub mod market;
pub mod moderation;
pub mod money;
pub mod notification;
pub mod offer;
pub mod record_band;
pub mod trade;
pub mod withdrawal;

pub use address::{AddressError, AddressKind, MoneroAddress, Network};
pub use deposit::DepositStatus;
pub use dispute::{BuyerShare, ResolutionReason, SplitShares, split_escrow};
pub use fiat::{Cents, Currency, FiatError};
pub use identity::{AuditAction, Email, IdentityError, Password, Role, Username};
pub use ledger::EntryKind;
pub use market::{Margin, MarketError, OfferHalt, PriceMode};
pub use moderation::{
    AppealDecision, AppealStatus, CaseResolution, CaseStatus, Privilege, ReportCategory,
    ReportTarget, SanctionKind,
};
pub use money::{AmountError, PICONERO_PER_XMR, Piconero, format_signed_xmr};
pub use notification::{DeliveryStatus, NotificationKind};
pub use offer::{OfferSide, OfferStatus, TraderList};
pub use trade::{Action, CancelReason, Resolution, TradeState};
pub use vocabulary::UnknownWord;
pub use withdrawal::{WithdrawalEvent, WithdrawalStatus, WithdrawalStep};
