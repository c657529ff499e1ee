//! The start-up check that `MONERO_NETWORK`, the daemon's chain and the hot wallet's
//! addresses agree. A platform set for testnet but wired to a mainnet wallet would hand out
//! real-money deposit addresses while refusing real withdrawal addresses, and one set for
//! mainnet on a regtest daemon would credit free coins as real: both are refused before
//! the service serves.

use pupero_config::MoneroNetwork;
use pupero_core::MoneroAddress;

use crate::rpc::{DaemonRpc, WalletRpc};

/// What was found on each side; `None` where it could not be read (that side is down).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub daemon_nettype: Option<String>,
    /// The primary address and the network its prefix names.
    pub wallet_address: Option<(String, &'static str)>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "MONERO_NETWORK is {expected}, but {}; point MONEROD_URL and MONERO_RPC_URL at a {expected} \
     daemon and wallet, or set MONERO_NETWORK to the network they run",
    mismatches.join(" and ")
)]
pub struct NetworkMismatch {
    pub expected: MoneroNetwork,
    pub mismatches: Vec<String>,
}

/// Reads the daemon's nettype and the wallet's primary address. A side that does not
/// answer is left unchecked (and logged): the wallet service already waits for a wallet
/// or daemon that is down, and it is checked again at the next start.
pub async fn observe(daemon: &DaemonRpc, wallet: &WalletRpc) -> Observed {
    let daemon_nettype = match daemon.nettype().await {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(error = %e, "the daemon's network could not be read at start; not checked");
            None
        }
    };
    let wallet_address = match wallet.primary_address().await {
        Ok(address) => match MoneroAddress::parse_any(&address) {
            Ok(parsed) => Some((address, parsed.network().as_str())),
            Err(e) => {
                tracing::warn!(error = %e, %address, "the wallet's address could not be read");
                None
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "the wallet's address could not be read at start; not checked");
            None
        }
    };
    Observed {
        daemon_nettype,
        wallet_address,
    }
}

/// Refuses when what was observed is not `expected`.
pub fn check(expected: MoneroNetwork, observed: &Observed) -> Result<(), NetworkMismatch> {
    let mut mismatches = Vec::new();
    if let Some(nettype) = &observed.daemon_nettype
        && nettype != expected.daemon_nettype()
    {
        let runs = if nettype == "fakechain" {
            "a regtest chain (nettype fakechain)".to_owned()
        } else {
            nettype.clone()
        };
        mismatches.push(format!("the daemon runs {runs}"));
    }
    if let Some((address, network)) = &observed.wallet_address
        && *network != expected.addresses().as_str()
    {
        mismatches.push(format!(
            "the hot wallet's primary address {address} is a {network} address"
        ));
    }
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(NetworkMismatch {
            expected,
            mismatches,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAINNET: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U";

    fn seen(nettype: Option<&str>, network: Option<&'static str>) -> Observed {
        Observed {
            daemon_nettype: nettype.map(str::to_owned),
            wallet_address: network.map(|n| (MAINNET.to_owned(), n)),
        }
    }

    #[test]
    fn each_network_accepts_its_own_daemon_and_addresses() {
        assert!(
            check(
                MoneroNetwork::Regtest,
                &seen(Some("fakechain"), Some("mainnet"))
            )
            .is_ok()
        );
        assert!(
            check(
                MoneroNetwork::Mainnet,
                &seen(Some("mainnet"), Some("mainnet"))
            )
            .is_ok()
        );
        assert!(
            check(
                MoneroNetwork::Testnet,
                &seen(Some("testnet"), Some("testnet"))
            )
            .is_ok()
        );
        assert!(
            check(
                MoneroNetwork::Stagenet,
                &seen(Some("stagenet"), Some("stagenet"))
            )
            .is_ok()
        );
        assert!(
            check(MoneroNetwork::Stagenet, &seen(None, None)).is_ok(),
            "what is down is not checked"
        );
    }

    #[test]
    fn a_mismatch_names_every_side_that_differs() {
        let e = check(
            MoneroNetwork::Mainnet,
            &seen(Some("fakechain"), Some("mainnet")),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("MONERO_NETWORK is mainnet") && text.contains("regtest chain"),
            "{text}"
        );
        assert!(!text.contains("address"), "the address matched: {text}");
        let e = check(
            MoneroNetwork::Regtest,
            &seen(Some("mainnet"), Some("mainnet")),
        )
        .unwrap_err();
        assert!(e.to_string().contains("the daemon runs mainnet"));
        let e = check(
            MoneroNetwork::Testnet,
            &seen(Some("fakechain"), Some("mainnet")),
        )
        .unwrap_err();
        assert_eq!(e.mismatches.len(), 2, "{e}");
        assert!(e.to_string().contains("is a mainnet address"));
    }
}
