//! When a recorded deposit may be credited: a pure rule over what the wallet says about the
//! transfer now, so each condition has a test.

use pupero_core::DepositStatus;

use crate::rpc::Transfer;

/// What the wallet says about an incoming transfer at this pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sighting {
    /// In a block (`in`), not only in the pool.
    pub in_block: bool,
    pub confirmations: u64,
    /// Not spendable yet (an unlock time, or too few blocks on top).
    pub locked: bool,
    /// Another transaction spending the same inputs was seen: it may never confirm.
    pub double_spend_seen: bool,
}

impl Sighting {
    pub fn of(transfer: &Transfer, in_block: bool) -> Self {
        Self {
            in_block,
            confirmations: transfer.confirmations,
            locked: transfer.locked,
            double_spend_seen: transfer.double_spend_seen,
        }
    }
}

/// Credit now: still pending, in a block, deep enough, spendable, and not contested.
/// Credited deposits are never credited again, and those under the minimum never are.
pub(crate) fn is_creditable(seen: Sighting, status: DepositStatus, required: u64) -> bool {
    status == DepositStatus::Pending
        && seen.in_block
        && !seen.locked
        && !seen.double_spend_seen
        && seen.confirmations >= required
}

#[cfg(test)]
mod tests {
    use super::*;

    const READY: Sighting = Sighting {
        in_block: true,
        confirmations: 10,
        locked: false,
        double_spend_seen: false,
    };

    #[test]
    fn a_deposit_is_creditable_only_when_every_condition_holds() {
        use DepositStatus::*;
        let table = [
            ("ready", READY, Pending, true),
            (
                "deeper than needed",
                Sighting {
                    confirmations: 500,
                    ..READY
                },
                Pending,
                true,
            ),
            (
                "one confirmation short",
                Sighting {
                    confirmations: 9,
                    ..READY
                },
                Pending,
                false,
            ),
            (
                "in the pool",
                Sighting {
                    in_block: false,
                    confirmations: 0,
                    ..READY
                },
                Pending,
                false,
            ),
            // A pool entry reporting confirmations is still not in a block.
            (
                "pool with confirmations",
                Sighting {
                    in_block: false,
                    ..READY
                },
                Pending,
                false,
            ),
            (
                "still locked",
                Sighting {
                    locked: true,
                    ..READY
                },
                Pending,
                false,
            ),
            (
                "double spend seen",
                Sighting {
                    double_spend_seen: true,
                    ..READY
                },
                Pending,
                false,
            ),
            ("already credited", READY, Credited, false),
            ("below the minimum", READY, BelowMinimum, false),
        ];
        for (case, seen, status, expected) in table {
            assert_eq!(is_creditable(seen, status, 10), expected, "{case}");
        }
    }

    #[test]
    fn zero_required_confirmations_still_needs_a_block() {
        let pool = Sighting {
            in_block: false,
            confirmations: 0,
            ..READY
        };
        assert!(!is_creditable(pool, DepositStatus::Pending, 0));
        let mined = Sighting {
            confirmations: 0,
            ..READY
        };
        assert!(is_creditable(mined, DepositStatus::Pending, 0));
    }
}
