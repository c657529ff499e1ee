#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a failed unwrap or index is a failed test

//! Black-box tests: the real services on real ports, spoken to over HTTP, on SQLite,
//! MariaDB and PostgreSQL. Each test gets its own database, dropped afterwards.

mod helpers;

mod accounts;
mod admin;
mod backup;
mod business_metrics;
mod chain;
mod chain_notify;
mod chat_reviews;
mod concurrency;
mod deposits;
mod disputes;
mod expiry;
mod faults;
mod first_run;
mod gateway;
mod hashing;
mod ledger;
mod listing_freshness;
mod monitoring;
mod networks;
mod offers;
mod platform;
mod rabbitmq;
mod rate_limits;
mod replicas;
mod route_guards;
mod security_authority;
mod security_gateway;
mod security_login;
mod security_money;
mod security_trades;
mod stored_words;
mod tokens;
mod trading;
mod two_factor;
mod validation;
mod web;
mod withdrawal_steps;
mod withdrawal_trace;
mod withdrawals;
