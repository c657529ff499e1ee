//! Messages between services on `/internal/*` routes, which the gateway never forwards.
//! Each module is named after the service that answers.

pub mod login;
pub mod offers;
pub mod transactions;
pub mod wallet;
