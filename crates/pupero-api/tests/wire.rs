//! The wire spelling of a few messages, and what is refused.

use pupero_api::internal::transactions::{Confirmed, Progress, Reason, Sent};
use pupero_api::internal::wallet::WalletDeposit;
use pupero_api::money::WithdrawalView;
use pupero_api::trades::{TradeRole, TradeView};
use pupero_core::{Action, DepositStatus, Piconero, TradeState, WithdrawalEvent, WithdrawalStatus};
use serde_json::json;

fn withdrawal(status: &str) -> serde_json::Value {
    json!({
        "id": 7, "address": "4...", "amount": "1.500000000000", "status": status,
        "tx_hashes": [], "fee": null, "error": null,
        "created_at": "2026-12-01T08:30:15Z", "relayed_at": null, "confirmed_at": null,
    })
}

#[test]
fn a_withdrawal_reads_as_its_types_and_writes_back_the_same_json() {
    let json = withdrawal("relayed");
    let w: WithdrawalView = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(w.status, WithdrawalStatus::Relayed);
    assert_eq!(w.amount, Piconero::new(1_500_000_000_000).unwrap());
    assert_eq!(serde_json::to_value(&w).unwrap(), json);
}

#[test]
fn a_misspelt_status_does_not_deserialize() {
    let err = serde_json::from_value::<WithdrawalView>(withdrawal("Relayed")).unwrap_err();
    assert!(err.to_string().contains("Relayed"), "{err}");
    let deposit = json!({
        "txid": "ab", "amount": "1.0", "confirmations": 1, "required_confirmations": 10,
        "status": "credit", "first_seen_ms": 0, "credited_at_ms": null,
    });
    assert!(serde_json::from_value::<WalletDeposit>(deposit.clone()).is_err());
    let mut good = deposit;
    good["status"] = json!("below_minimum");
    let d: WalletDeposit = serde_json::from_value(good).unwrap();
    assert_eq!(d.status, DepositStatus::BelowMinimum);
}

#[test]
fn an_amount_is_a_string_never_a_number() {
    let mut json = withdrawal("queued");
    json["amount"] = json!(1.5);
    assert!(serde_json::from_value::<WithdrawalView>(json).is_err());
}

#[test]
fn a_sent_report_without_a_fee_is_refused() {
    let missing = serde_json::from_value::<Sent>(json!({"tx_hashes": ["ab"]}));
    assert!(missing.unwrap_err().to_string().contains("fee"));
    let numeric = serde_json::from_value::<Sent>(json!({"tx_hashes": ["ab"], "fee": 30}));
    assert!(
        numeric.is_err(),
        "piconero as a JSON number could have lost digits"
    );
    let sent: Sent =
        serde_json::from_value(json!({"tx_hashes": ["ab"], "fee": "0.000030000000"})).unwrap();
    assert_eq!(sent.fee, Piconero::new(30_000_000).unwrap());
}

#[test]
fn a_report_carries_only_what_its_step_needs() {
    let release = Progress::Release(Reason::new("funds still locked"));
    assert_eq!(release.step(), WithdrawalEvent::Release);
    assert_eq!(
        serde_json::to_value(&release).unwrap(),
        json!({"reason": "funds still locked"})
    );
    let confirmed = Progress::Confirmed(Confirmed {});
    assert_eq!(confirmed.step(), WithdrawalEvent::Confirmed);
    assert_eq!(serde_json::to_value(&confirmed).unwrap(), json!({}));
    // A body meant for another step is refused, not read in part.
    let mixed = json!({"tx_hashes": [], "fee": "0.000000000000", "reason": ""});
    assert!(serde_json::from_value::<Sent>(mixed.clone()).is_err());
    assert!(serde_json::from_value::<Reason>(mixed).is_err());
}

#[test]
fn trade_actions_are_spelled_as_their_routes() {
    let json = json!({
        "id": 1, "offer_id": 2, "state": "paid", "seller_id": 3, "buyer_id": 4,
        "maker_id": 3, "taker_id": 4, "offer_side": "sell",
        "amount": "1.000000000000", "fee": "0.010000000000", "currency": "EUR",
        "price": "150.00", "fiat_total": "150.00", "payment_method": "sepa",
        "payment_window_minutes": 60, "terms": "", "payment_deadline": "2026-12-01T09:30:15Z",
        "created_at": "2026-12-01T08:30:15Z", "paid_at": "2026-12-01T08:40:15Z",
        "completed_at": null, "cancelled_at": null, "cancel_reason": null,
        "buyer_wants_cancel": false, "seller_wants_cancel": true, "dispute": null,
        "your_role": "buyer", "allowed_actions": ["dispute", "mutual-cancel"],
    });
    let t: TradeView = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(t.state, TradeState::Paid);
    assert_eq!(t.your_role, TradeRole::Buyer);
    assert_eq!(
        t.allowed_actions,
        vec![Action::Dispute, Action::MutualCancel]
    );
    assert_eq!(serde_json::to_value(&t).unwrap(), json);
    let mut snake = json;
    snake["allowed_actions"] = json!(["mutual_cancel"]);
    assert!(serde_json::from_value::<TradeView>(snake).is_err());
}
