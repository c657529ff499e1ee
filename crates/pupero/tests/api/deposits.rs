use std::time::Duration;

use pupero_api::Paged;
use pupero_api::money::{DepositAddressView, DepositView, Deposits, StatementLine};
use pupero_core::{DepositStatus, EntryKind, MoneroAddress, Network, PICONERO_PER_XMR};
use reqwest::StatusCode;

use crate::chain;
use crate::helpers::{Party, TestApp, db_test, typed, xmr};

async fn deposits(app: &TestApp, who: &Party) -> Vec<DepositView> {
    let (status, body) = app.get("/transactions/deposits", who.t()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    typed::<Deposits>(&body).deposits
}

/// Polls until `check` holds on the caller's deposits (the sweeper runs every second).
async fn wait_for(
    app: &TestApp,
    who: &Party,
    what: &str,
    check: impl Fn(&[DepositView]) -> bool,
) -> Vec<DepositView> {
    for _ in 0..120 {
        let list = deposits(app, who).await;
        if check(&list) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!(
        "timed out waiting for {what}: {:?}",
        deposits(app, who).await
    );
}

db_test! {
    async fn a_deposit_is_seen_pending_then_credited_exactly_once(app, chain::options(&["--min-sweep-xmr", "0.01"]).await) {
        let _turn = chain::chain_turn().await;
        let fixture = chain::fixture().await;
        let alice = app.party("alice").await;
        let (status, body) = app.get("/transactions/deposit-address", alice.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let address = typed::<DepositAddressView>(&body).address;
        let parsed = MoneroAddress::parse(&address, Network::Mainnet).unwrap();
        assert_eq!(parsed.kind(), pupero_core::AddressKind::Subaddress);
        assert!(body.get("qr_svg").is_none(), "rendering is the frontend's: {body}");
        let (_, again) = app.get("/transactions/deposit-address", alice.t()).await;
        assert_eq!(typed::<DepositAddressView>(&again).address, address, "one address per user");
        let bob = app.party("bob").await;
        let (_, other) = app.get("/transactions/deposit-address", bob.t()).await;
        assert_ne!(typed::<DepositAddressView>(&other).address, address);
        assert_eq!(app.get("/transactions/deposit-address", None).await.0, StatusCode::UNAUTHORIZED);

        let amount = 3 * PICONERO_PER_XMR as u64;
        let txid = fixture.user().transfer_now(&address, amount).await.unwrap();
        let dust = fixture.user().transfer_now(&address, 1_000_000_000).await.unwrap();
        let list = wait_for(&app, &alice, "the deposit in the pool", |l| l.len() == 2).await;
        let main = list.iter().find(|d| d.txid == txid).unwrap();
        assert_eq!((main.status, main.amount, main.required_confirmations), (DepositStatus::Pending, xmr("3"), 10));
        assert_eq!(app.balances(&alice).await.0, "0.000000000000", "nothing is credited from the pool");
        assert!(deposits(&app, &bob).await.is_empty(), "deposits belong to their subaddress only");

        fixture.mine(1).await;
        wait_for(&app, &alice, "the first confirmation", |l| l.iter().any(|d| d.txid == txid && d.confirmations >= 1)).await;
        assert_eq!(app.balances(&alice).await.0, "0.000000000000", "not before 10 confirmations");

        fixture.mine(9).await;
        let list = wait_for(&app, &alice, "the credit", |l| l.iter().any(|d| d.txid == txid && d.status == DepositStatus::Credited)).await;
        let below = list.iter().find(|d| d.txid == dust).unwrap();
        assert_eq!(below.status, DepositStatus::BelowMinimum);
        assert_eq!(app.balances(&alice).await.0, "3.000000000000");

        // More blocks and more sweeps credit nothing twice.
        fixture.mine(2).await;
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(app.balances(&alice).await.0, "3.000000000000");
        let statement: Paged<StatementLine> = typed(&app.get("/transactions/ledger", alice.t()).await.1);
        assert_eq!(statement.total, 1, "one ledger line for one deposit");
        assert_eq!(statement.items[0].kind, EntryKind::Deposit);
        app.assert_ledger_consistent().await;
    }
}
