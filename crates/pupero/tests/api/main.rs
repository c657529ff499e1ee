#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a failed unwrap or index is a failed test

//! Black-box tests: the real services on real ports, spoken to over HTTP, on SQLite,
//! MariaDB and PostgreSQL. Each test gets its own database, dropped afterwards.

mod helpers;

mod accounts;
mod admin;
mod api_keys;
mod audit_chain;
mod backup;
mod business_metrics;
mod chain;
mod chain_notify;
mod chaos;
mod chat_reviews;
mod concurrency;
mod deposits;
mod dispute_workbench;
mod disputes;
mod expiry;
mod faults;
mod first_run;
mod gateway;
mod group_commit;
mod hashing;
mod ledger;
mod listing_freshness;
mod mail;
mod market_prices;
mod moderation;
mod moderation_web;
mod monitoring;
mod networks;
mod notifications;
mod offer_conditions;
mod offers;
mod platform;
mod rabbitmq;
mod rate_limits;
mod receipts;
mod replicas;
mod reputation_record;
mod route_guards;
mod sanction_retell;
mod security_authority;
mod security_gateway;
mod security_login;
mod security_money;
mod security_trades;
mod split_resolutions;
mod standing_leases;
mod stored_words;
mod tokens;
mod trading;
mod two_factor;
mod validation;
mod web;
mod web_forms;
mod web_language;
mod webhooks;
mod withdrawal_steps;
mod withdrawal_trace;
mod withdrawals;
