//! All SQL of the transactions service, through SeaORM so one text serves the three
//! backends: `&impl ConnectionTrait` in (a connection or the caller's transaction),
//! `DbErr` out. The domain modules decide; these only read and write rows.

pub mod audit;
pub mod chat;
pub mod deposits;
pub mod disputes;
pub mod ledger;
pub mod metrics;
pub mod network_fees;
pub mod notifications;
pub mod outbox;
pub mod record_tellings;
pub mod reviews;
pub mod trades;
pub mod trading_accounts;
pub mod webhooks;
pub mod withdrawals;
