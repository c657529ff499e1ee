//! The wallet manager (:8004, `/monero` through the gateway, admins only): the
//! monero-wallet-rpc client, and (issue 4, in progress) deposit subaddresses, the deposit
//! sweeper and the withdrawal worker.

pub mod regtest;
pub mod rpc;

pub const SERVICE: &str = "wallet";
