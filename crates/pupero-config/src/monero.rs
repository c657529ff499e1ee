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

/// `MONERO_NETWORK`: which chain the platform runs on. Regtest keeps its own name here,
/// though its addresses are mainnet's: a regtest daemon must never pass for mainnet (its
/// coins are free), nor mainnet for regtest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneroNetwork {
    Mainnet,
    Testnet,
    Stagenet,
    Regtest,
}

impl MoneroNetwork {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mainnet => "mainnet",
            Self::Testnet => "testnet",
            Self::Stagenet => "stagenet",
            Self::Regtest => "regtest",
        }
    }

    /// The network whose addresses the platform accepts and its wallet has.
    pub fn addresses(self) -> Network {
        match self {
            Self::Mainnet | Self::Regtest => Network::Mainnet,
            Self::Testnet => Network::Testnet,
            Self::Stagenet => Network::Stagenet,
        }
    }

    /// What monerod's `get_info` says as `nettype` on this network (`fakechain` is how
    /// a `--regtest` daemon reports itself).
    pub fn daemon_nettype(self) -> &'static str {
        match self {
            Self::Mainnet => "mainnet",
            Self::Testnet => "testnet",
            Self::Stagenet => "stagenet",
            Self::Regtest => "fakechain",
        }
    }
}

impl std::fmt::Display for MoneroNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `MONERO_NETWORK`, in any case.
pub(crate) fn parse_network(s: &str) -> Result<MoneroNetwork, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "mainnet" => Ok(MoneroNetwork::Mainnet),
        "testnet" => Ok(MoneroNetwork::Testnet),
        "stagenet" => Ok(MoneroNetwork::Stagenet),
        "regtest" => Ok(MoneroNetwork::Regtest),
        _ => Err("expected mainnet, testnet, stagenet or regtest".to_owned()),
    }
}

/// `MIN_SWEEP_XMR`: an amount of XMR (up to 12 decimals), not negative.
pub(crate) fn parse_xmr(s: &str) -> Result<Piconero, String> {
    Piconero::parse_xmr(s).map_err(|e| e.to_string())
}
