//! Signed receipts of ended trades (see `pupero_api::receipts` for the format).

use std::collections::BTreeMap;

use pupero_api::receipts::{
    RECEIPT_FORMAT, ReceiptEntry, ReceiptPosting, ReceiptTransition, SignedReceipt, TradeReceipt,
    signed_bytes,
};
use pupero_core::trade::Refusal;
use pupero_core::{Cents, TradeState, format_signed_xmr};
use pupero_http::{AuthUser, rfc3339};

use crate::TransactionsState;
use crate::entity::trade as trade_row;
use crate::store::ledger as ledger_store;
use crate::trades::{TradeError, load};

/// The signed receipt of trade `id`, for one of its two parties once it has ended. Anyone
/// else is told there is no such trade (as for the trade itself); an open trade has no
/// receipt yet (409).
pub async fn receipt(
    state: &TransactionsState,
    id: i64,
    caller: AuthUser,
) -> Result<SignedReceipt, TradeError> {
    let t = load(&state.db, id).await?;
    if caller.id != t.buyer_id && caller.id != t.seller_id {
        return Err(TradeError::NotFound);
    }
    if !t.state.is_final() {
        return Err(TradeError::Refused(Refusal::WrongState(t.state)));
    }
    let receipt = TradeReceipt {
        format: RECEIPT_FORMAT.into(),
        trade_id: t.id,
        offer_id: t.offer_id,
        seller_id: t.seller_id,
        buyer_id: t.buyer_id,
        amount: pupero_core::Piconero::new(t.amount)?,
        fee: pupero_core::Piconero::new(t.fee)?,
        price: Cents(t.price_cents).to_string(),
        fiat_total: Cents(t.fiat_total_cents).to_string(),
        currency: t.currency.clone(),
        payment_method: t.payment_method.clone(),
        state: t.state,
        cancel_reason: t.cancel_reason,
        resolution: t.resolution,
        buyer_share_bps: t.buyer_share_bps.and_then(|b| u32::try_from(b).ok()),
        transitions: transitions(&t),
        ledger_entries: entries(state, t.id).await?,
        issued_at: rfc3339(pupero_db::now_ms()),
    };
    let bytes = signed_bytes(&receipt).map_err(|e| TradeError::Corrupt(e.to_string()))?;
    Ok(SignedReceipt {
        receipt,
        algorithm: "ed25519".into(),
        public_key: state.signing_key.public_key().to_string(),
        signature: state.signing_key.sign_hex(&bytes),
    })
}

/// The states the trade passed through, from its row's timestamps, in time order.
fn transitions(t: &trade_row::Model) -> Vec<ReceiptTransition> {
    let mut steps: Vec<(i64, TradeState)> = [
        (Some(t.created_at_ms), TradeState::AwaitingPayment),
        (t.paid_at_ms, TradeState::Paid),
        (t.disputed_at_ms, TradeState::Disputed),
        (t.completed_at_ms, TradeState::Completed),
        (t.cancelled_at_ms, TradeState::Cancelled),
    ]
    .into_iter()
    .filter_map(|(at, state)| at.map(|at| (at, state)))
    .collect();
    // Stable: equal times keep the lifecycle's order.
    steps.sort_by_key(|(at, _)| *at);
    steps
        .into_iter()
        .map(|(at, state)| ReceiptTransition {
            state,
            at: rfc3339(at),
        })
        .collect()
}

async fn entries(
    state: &TransactionsState,
    trade_id: i64,
) -> Result<Vec<ReceiptEntry>, TradeError> {
    let journal =
        ledger_store::entries_for_reference(&state.db, &format!("trade:{trade_id}")).await?;
    let ids: Vec<i64> = journal.iter().map(|e| e.id).collect();
    let postings = ledger_store::postings_of_entries(&state.db, ids).await?;
    let account_ids: Vec<i64> = postings.iter().map(|p| p.account_id).collect();
    let keys: BTreeMap<i64, String> = ledger_store::accounts_by_id(&state.db, account_ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a.account_key))
        .collect();
    Ok(journal
        .into_iter()
        .map(|e| ReceiptEntry {
            entry_id: e.id,
            kind: e.kind,
            at: rfc3339(e.created_at_ms),
            postings: postings
                .iter()
                .filter(|p| p.entry_id == e.id)
                .map(|p| ReceiptPosting {
                    account: keys
                        .get(&p.account_id)
                        .cloned()
                        .unwrap_or_else(|| format!("account:{}", p.account_id)),
                    amount: format_signed_xmr(i128::from(p.amount)),
                })
                .collect(),
        })
        .collect())
}
