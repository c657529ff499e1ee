//! The wallet service's SQL, all through SeaORM so one text serves the three backends.
//! Functions take any connection (a pool or a transaction) and return `DbErr`; what a
//! result means for deposits and withdrawals is decided in `deposits.rs`/`withdrawals.rs`.

pub mod addresses;
pub mod deposits;
pub mod sends;
