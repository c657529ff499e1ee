//! The Monero settings' own types, parsed when the settings are read so a typo stops the
//! process at start, naming the variable, instead of meaning something else later.

use pupero_core::{Network, Piconero};

/// How the platform authenticates to monero-wallet-rpc and monerod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthScheme {
    /// HTTP Digest (MD5, qop=auth), the only scheme 0.18's RPC servers speak (Basic gets
    /// 401); used when `MONERO_RPC_USER` is set.
    Digest,
    /// No credentials, even when `MONERO_RPC_USER` is set (an RPC behind
    /// `--disable-rpc-login`).
    None,
}

/// `MONERO_NETWORK`: `regtest` is accepted and means mainnet addresses.
pub(crate) fn parse_network(s: &str) -> Result<Network, String> {
    s.parse()
        .map_err(|_| "expected mainnet, testnet, stagenet or regtest".to_owned())
}

/// `MIN_SWEEP_XMR`: an amount of XMR (up to 12 decimals), not negative.
pub(crate) fn parse_xmr(s: &str) -> Result<Piconero, String> {
    Piconero::parse_xmr(s).map_err(|e| e.to_string())
}
