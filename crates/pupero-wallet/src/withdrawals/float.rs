//! The hot wallet's float, kept split across enough unlocked outputs that a burst of
//! withdrawals never waits for locked change.
//!
//! Every transaction locks its change for 10 blocks, so a wallet whose money sits in one
//! output can send once per 10 blocks. With `HOT_WALLET_OUTPUTS` set, the worker counts the
//! unlocked outputs of at least `HOT_WALLET_OUTPUT_MIN_XMR`; when fewer than half the
//! target are left (and no refill is still on its way), it sends the wallet to itself in
//! outputs of that size, up to the target (at most 15 per transaction, one output being
//! the change). The refill is a two-phase send like a withdrawal batch (stored before it is
//! relayed, never built twice), its fee is journaled once through the ledger's
//! `/internal/network-fees` (`platform:fees → platform:network_fees`), and it moves no
//! user's money.

use pupero_api::internal::transactions::{Charged, NetworkFeeCharge};
use pupero_core::Piconero;
use pupero_http::ApiError;

use crate::entity::send_batch::{self, BatchKind};
use crate::entity::withdrawal_send::SendStatus;
use crate::rpc::{Destination, Output};
use crate::{WalletState, store};

use super::{CONFIRMED_AT, hash_list, relay_all};

/// At most this many outputs besides the change fit one transaction.
const MAX_OUTPUTS: usize = 15;

/// What the operator asked the float to look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloatPolicy {
    /// Unlocked outputs to keep; 0: no refill.
    pub target: usize,
    /// The size of each output a refill makes, and the smallest that counts, in piconero.
    pub min: u64,
}

/// How many outputs of `policy.min` a refill should make now, given the wallet's unspent
/// outputs: none while at least half the target are ready; else up to the target, as
/// many as the unlocked money pays for (keeping one output's worth for the fee and the
/// change), and at most one transaction's worth.
pub(crate) fn refill_outputs(policy: FloatPolicy, outputs: &[Output]) -> usize {
    if policy.target == 0 || policy.min == 0 {
        return 0;
    }
    let spendable = outputs
        .iter()
        .filter(|o| o.unlocked && !o.spent && !o.frozen);
    let ready = spendable.clone().filter(|o| o.amount >= policy.min).count();
    if ready.saturating_mul(2) >= policy.target {
        return 0;
    }
    let unlocked: u64 = spendable.map(|o| o.amount).fold(0, u64::saturating_add);
    let affordable = usize::try_from((unlocked / policy.min).saturating_sub(1)).unwrap_or(0);
    (policy.target - ready).min(affordable).min(MAX_OUTPUTS)
}

/// Relays refills stored before a crash, watches sent ones to 10 confirmations, and starts
/// a new one when the float runs low and none is on its way.
pub(super) async fn top_up(
    state: &WalletState,
    fence: &pupero_db::lease::Fence,
) -> Result<(), ApiError> {
    let Some(policy) = state.float.filter(|p| p.target > 0) else {
        return Ok(());
    };
    for batch in store::sends::batches_with(&state.db, BatchKind::Refill, SendStatus::Built).await?
    {
        finish_refill(state, &batch).await?;
    }
    let wallet = state.wallet()?;
    let mut on_its_way = false;
    for batch in
        store::sends::batches_with(&state.db, BatchKind::Refill, SendStatus::Relayed).await?
    {
        let Some(hash) = batch.tx_hashes.split(',').next() else {
            continue;
        };
        match wallet.transfer_by_txid(hash).await {
            Ok(t) if t.confirmations >= CONFIRMED_AT => {
                store::sends::mark_batch(&state.db, batch.id, SendStatus::Confirmed).await?;
            }
            Ok(_) | Err(_) => on_its_way = true,
        }
    }
    if on_its_way {
        return Ok(());
    }
    let outputs = match wallet.unspent_outputs().await {
        Ok(outputs) => outputs,
        Err(e) => {
            tracing::debug!(error = %e, "float: cannot list outputs");
            return Ok(());
        }
    };
    let count = refill_outputs(policy, &outputs);
    if count == 0 {
        return Ok(());
    }
    let own = wallet
        .primary_address()
        .await
        .map_err(|e| ApiError::unavailable(format!("the wallet is unavailable: {e}")))?;
    let destinations = vec![
        Destination {
            address: own,
            amount: policy.min,
        };
        count
    ];
    let built = match wallet.build_batch(&destinations).await {
        Ok(b) if !b.tx_hash_list.is_empty() && b.tx_hash_list.len() == b.tx_metadata_list.len() => {
            b
        }
        Ok(_) => return Ok(()),
        // Funds locked or the wallet away: the next pass looks again.
        Err(e) => {
            tracing::info!(error = %e, outputs = count, "float refill not built now");
            return Ok(());
        }
    };
    let fee = i64::try_from(built.fee_list.iter().sum::<u64>()).map_err(ApiError::internal)?;
    let new = store::sends::NewBatch {
        kind: BatchKind::Refill,
        tx_hashes: &built.tx_hash_list,
        tx_metadata: &built.tx_metadata_list,
        fee,
        shares: &[],
    };
    let Some(id) = store::sends::insert_batch(&state.db, new, Some(fence)).await? else {
        return Ok(());
    };
    tracing::info!(batch_id = id, outputs = count, fee, "float refill built");
    let batch = store::sends::batch(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::internal("refill batch vanished"))?;
    finish_refill(state, &batch).await
}

/// Relays a stored refill (unless the daemon has it), journals its fee once, and marks it
/// relayed.
#[tracing::instrument(skip_all, fields(batch_id = batch.id), err(level = "warn"))]
async fn finish_refill(state: &WalletState, batch: &send_batch::Model) -> Result<(), ApiError> {
    let hashes = hash_list(&batch.tx_hashes);
    if let Err(setback) = relay_all(state, &hashes, &batch.metadata).await? {
        tracing::warn!(reason = setback.reason(), "float refill waits");
        return Ok(());
    }
    let fee = Piconero::new(batch.fee).map_err(ApiError::internal)?;
    if !fee.is_zero() {
        let _: Charged = state
            .transactions
            .post(
                "/internal/network-fees",
                &NetworkFeeCharge {
                    tx_hashes: hashes,
                    fee,
                },
            )
            .await?;
    }
    store::sends::mark_batch(&state.db, batch.id, SendStatus::Relayed).await?;
    tracing::info!(batch_id = batch.id, tx = %batch.tx_hashes, "float refill relayed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const XMR: u64 = 1_000_000_000_000;

    fn output(amount: u64, unlocked: bool) -> Output {
        Output {
            amount,
            spent: false,
            unlocked,
            frozen: false,
        }
    }

    fn policy(target: usize) -> FloatPolicy {
        FloatPolicy { target, min: XMR }
    }

    #[test]
    fn no_refill_while_half_the_target_is_ready_or_when_turned_off() {
        let ready: Vec<_> = (0..8).map(|_| output(XMR, true)).collect();
        assert_eq!(refill_outputs(policy(16), &ready), 0);
        assert_eq!(refill_outputs(policy(0), &[output(100 * XMR, true)]), 0);
        assert_eq!(
            refill_outputs(
                FloatPolicy { target: 16, min: 0 },
                &[output(100 * XMR, true)]
            ),
            0
        );
    }

    #[test]
    fn a_low_float_is_refilled_up_to_the_target_within_one_transaction() {
        let one_big = [output(100 * XMR, true)];
        assert_eq!(refill_outputs(policy(10), &one_big), 9);
        assert_eq!(
            refill_outputs(policy(40), &one_big),
            15,
            "one transaction at most"
        );
    }

    #[test]
    fn only_unlocked_unspent_unfrozen_money_counts_and_pays() {
        let mut outputs = vec![output(100 * XMR, false)];
        assert_eq!(
            refill_outputs(policy(10), &outputs),
            0,
            "locked money cannot pay"
        );
        outputs.push(output(XMR / 2, true));
        assert_eq!(
            refill_outputs(policy(10), &outputs),
            0,
            "too little unlocked"
        );
        let mut spent = output(50 * XMR, true);
        spent.spent = true;
        let mut frozen = output(50 * XMR, true);
        frozen.frozen = true;
        assert_eq!(refill_outputs(policy(10), &[spent, frozen]), 0);
        // 4.5 XMR unlocked pays three outputs of 1 XMR and keeps one for fee and change.
        let small: Vec<_> = (0..9).map(|_| output(XMR / 2, true)).collect();
        assert_eq!(refill_outputs(policy(10), &small), 3);
    }
}
