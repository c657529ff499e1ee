//! What the worker reports when a withdrawal cannot move forward now, decided from the
//! wallet's and the daemon's answers alone (no I/O here, so every case has a test).
//!
//! The line that matters is whether a transaction was built: before that, a withdrawal can
//! be given back (`release`, tried again later) or refused for good (`failed`, refunded);
//! after it, the stored transaction is the one that must go out, so the only way forward
//! is to relay it later (`note` keeps the reason visible meanwhile).

use pupero_core::WithdrawalEvent;

use crate::rpc::{BuiltTransfer, RpcError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Setback {
    /// Nothing built: give the claim back; a later pass claims it again.
    Release(String),
    /// Nothing built, and nothing will ever be: the ledger refunds.
    Fail(String),
    /// Built and stored: keep it signed and relay it on a later pass.
    Retry(String),
}

impl Setback {
    /// The progress route's step.
    pub(crate) fn step(&self) -> &'static str {
        match self {
            Setback::Release(_) => WithdrawalEvent::Release.as_str(),
            Setback::Fail(_) => WithdrawalEvent::Failed.as_str(),
            // A note changes no status; it only records why the send is waiting.
            Setback::Retry(_) => "note",
        }
    }

    pub(crate) fn reason(&self) -> &str {
        match self {
            Setback::Release(r) | Setback::Fail(r) | Setback::Retry(r) => r,
        }
    }
}

/// A built transaction set worth storing, or why there is none.
pub(crate) fn judge_build(
    result: Result<BuiltTransfer, RpcError>,
) -> Result<BuiltTransfer, Setback> {
    match result {
        // Every hash needs its metadata, or part of the set could never be relayed.
        Ok(b) if !b.tx_hash_list.is_empty() && b.tx_hash_list.len() == b.tx_metadata_list.len() => {
            Ok(b)
        }
        Ok(_) => Err(Setback::Release("the wallet built no transaction".into())),
        // The address passed our own check, so the wallet and we disagree: retrying
        // cannot help.
        Err(RpcError::InvalidAddress) => {
            Err(Setback::Fail("the wallet refused the address".into()))
        }
        // Funds arrive or unlock with the next blocks.
        Err(RpcError::NotEnoughUnlockedMoney | RpcError::NotEnoughMoney) => Err(Setback::Release(
            "waiting for the hot wallet to have enough unlocked funds".into(),
        )),
        Err(e) => Err(Setback::Release(format!("waiting for the wallet: {e}"))),
    }
}

/// Before relaying one transaction: whether the daemon has it already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BeforeRelay {
    /// In the pool or a block (relayed before a crash): relaying it again after it is
    /// mined would corrupt wallet-rpc's bookkeeping, so skip it.
    AlreadyOut,
    Relay,
    Wait(Setback),
}

pub(crate) fn before_relay(daemon_knows: Result<bool, RpcError>) -> BeforeRelay {
    match daemon_knows {
        Ok(true) => BeforeRelay::AlreadyOut,
        Ok(false) => BeforeRelay::Relay,
        Err(_) => BeforeRelay::Wait(Setback::Retry("waiting for the Monero daemon".into())),
    }
}

/// After `relay_tx` failed: `None` when the daemon has the transaction anyway (the relay
/// went out and only the answer was lost), else why the send waits.
pub(crate) fn after_relay_error(error: &RpcError, daemon_knows: bool) -> Option<Setback> {
    // -4 means "rejected" and "daemon down" alike: only the daemon can tell.
    if daemon_knows {
        None
    } else {
        Some(Setback::Retry(format!("relay failed, will retry: {error}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(hashes: usize, metadata: usize) -> BuiltTransfer {
        BuiltTransfer {
            tx_hash_list: (0..hashes).map(|i| format!("hash{i}")).collect(),
            tx_metadata_list: (0..metadata).map(|i| format!("meta{i}")).collect(),
            fee_list: vec![1; hashes],
            amount_list: vec![5; hashes],
        }
    }

    fn other(code: i64) -> RpcError {
        RpcError::Other {
            code,
            message: "boom".into(),
        }
    }

    #[test]
    fn each_build_answer_leads_to_its_report() {
        let release = |r: &str| Err(Setback::Release(r.into()));
        let funds = "waiting for the hot wallet to have enough unlocked funds";
        type Case = (
            &'static str,
            Result<BuiltTransfer, RpcError>,
            Result<(), Setback>,
        );
        let table: Vec<Case> = vec![
            ("one transaction", Ok(built(1, 1)), Ok(())),
            ("a split of two", Ok(built(2, 2)), Ok(())),
            (
                "nothing built",
                Ok(built(0, 0)),
                release("the wallet built no transaction"),
            ),
            (
                "a hash without metadata",
                Ok(built(2, 1)),
                release("the wallet built no transaction"),
            ),
            (
                "address refused (-2)",
                Err(RpcError::InvalidAddress),
                Err(Setback::Fail("the wallet refused the address".into())),
            ),
            (
                "funds locked (-37)",
                Err(RpcError::NotEnoughUnlockedMoney),
                release(funds),
            ),
            (
                "funds missing (-17)",
                Err(RpcError::NotEnoughMoney),
                release(funds),
            ),
            (
                "no daemon (-38)",
                Err(RpcError::NoDaemon),
                release("waiting for the wallet: the wallet has no connection to its daemon"),
            ),
            (
                "no wallet open (-13)",
                Err(RpcError::NoWalletOpen),
                release("waiting for the wallet: no wallet is open"),
            ),
            (
                "wallet-rpc down",
                Err(RpcError::Unreachable("connection refused".into())),
                release(
                    "waiting for the wallet: the wallet RPC is unreachable: connection refused",
                ),
            ),
            (
                "an unrelated failure (-4)",
                Err(other(-4)),
                release("waiting for the wallet: wallet RPC error -4: boom"),
            ),
        ];
        for (case, answer, expected) in table {
            let got = judge_build(answer).map(|_| ());
            assert_eq!(got, expected, "{case}");
        }
    }

    #[test]
    fn only_a_wallet_refusing_the_address_fails_a_withdrawal() {
        let errors = [
            RpcError::Unreachable("x".into()),
            RpcError::NoDaemon,
            RpcError::NotEnoughUnlockedMoney,
            RpcError::NotEnoughMoney,
            RpcError::InvalidAddress,
            RpcError::NoWalletOpen,
            RpcError::TransactionNotFound,
            other(0),
            other(-4),
            RpcError::Protocol("garbage".into()),
        ];
        for error in errors {
            let refused = matches!(error, RpcError::InvalidAddress);
            let setback = judge_build(Err(error)).err();
            assert_eq!(
                matches!(setback, Some(Setback::Fail(_))),
                refused,
                "{setback:?}"
            );
            assert!(setback.is_some());
        }
    }

    #[test]
    fn a_transaction_the_daemon_knows_is_never_relayed_again() {
        assert_eq!(before_relay(Ok(true)), BeforeRelay::AlreadyOut);
        assert_eq!(before_relay(Ok(false)), BeforeRelay::Relay);
        assert_eq!(
            before_relay(Err(RpcError::Unreachable("down".into()))),
            BeforeRelay::Wait(Setback::Retry("waiting for the Monero daemon".into()))
        );
    }

    #[test]
    fn a_failed_relay_waits_unless_the_daemon_has_the_transaction() {
        let table = [
            (other(-4), true, None),
            (
                other(-4),
                false,
                Some(Setback::Retry(
                    "relay failed, will retry: wallet RPC error -4: boom".into(),
                )),
            ),
            (
                RpcError::Unreachable("reset".into()),
                false,
                Some(Setback::Retry(
                    "relay failed, will retry: the wallet RPC is unreachable: reset".into(),
                )),
            ),
            (RpcError::Unreachable("reset".into()), true, None),
        ];
        for (error, knows, expected) in table {
            assert_eq!(
                after_relay_error(&error, knows),
                expected,
                "{error} / {knows}"
            );
        }
    }

    #[test]
    fn after_a_build_a_setback_never_releases_or_fails() {
        let setbacks = [
            before_relay(Err(RpcError::NoDaemon)),
            BeforeRelay::Wait(after_relay_error(&other(-4), false).unwrap()),
        ];
        for s in setbacks {
            let BeforeRelay::Wait(setback) = s else {
                panic!("expected a wait");
            };
            assert_eq!(setback.step(), "note");
        }
        assert_eq!(Setback::Release(String::new()).step(), "release");
        assert_eq!(Setback::Fail(String::new()).step(), "failed");
    }
}
