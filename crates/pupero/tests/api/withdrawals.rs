use pupero_api::ErrorCode;
use std::time::Duration;

use pupero_api::Paged;
use pupero_api::internal::transactions::Charged;
use pupero_api::money::{
    DepositAddressView, Deposits, WalletBalance, WithdrawalAccepted, WithdrawalView,
};
use pupero_core::{DepositStatus, PICONERO_PER_XMR, Piconero, Role, WithdrawalStatus};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::chain;
use crate::helpers::{Party, TestApp, db_test, error_code, error_field, error_of, typed};

pub(crate) async fn withdraw(
    app: &TestApp,
    who: &Party,
    key: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = app
        .http
        .post(format!("{}/transactions/withdraw", app.gateway))
        .bearer_auth(&who.token)
        .json(&body);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn wait_status(
    app: &TestApp,
    who: &Party,
    id: i64,
    wanted: WithdrawalStatus,
) -> WithdrawalView {
    let mut last = Value::Null;
    for _ in 0..160 {
        let (status, body) = app
            .get(&format!("/transactions/withdrawals/{id}"), who.t())
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let withdrawal: WithdrawalView = typed(&body);
        if withdrawal.status == wanted {
            return withdrawal;
        }
        last = body;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("withdrawal {id} never became {wanted}: {last}");
}

/// Funds `who` on the platform with a real deposit, credited after 10 confirmations.
pub(crate) async fn deposit(app: &TestApp, who: &Party, xmr: u64) {
    let fixture = chain::fixture().await;
    let (_, body) = app.get("/transactions/deposit-address", who.t()).await;
    let address = typed::<DepositAddressView>(&body).address;
    fixture
        .user()
        .transfer_now(&address, xmr * PICONERO_PER_XMR as u64)
        .await
        .unwrap();
    fixture.mine(10).await;
    // Generous: the sweeper runs every second, but the whole suite shares two cores. The
    // chain is shared too: a transfer that reached the pool only after those blocks were
    // mined waits for more, so a block is added every 10 s of waiting (more confirmations
    // change nothing else).
    let mut list = Deposits {
        deposits: Vec::new(),
    };
    for attempt in 1..=360 {
        let (_, body) = app.get("/transactions/deposits", who.t()).await;
        list = typed(&body);
        if list
            .deposits
            .iter()
            .any(|d| d.status == DepositStatus::Credited)
        {
            return;
        }
        if attempt % 40 == 0 {
            fixture.mine(1).await;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("deposit never credited: {list:?}");
}

db_test! {
    async fn a_withdrawal_reaches_the_external_wallet_exactly_once(app, chain::options(&["--rabbitmq-poll-interval-seconds", "1"]).await) {
        let _turn = chain::chain_turn().await;
        let fixture = chain::fixture().await;
        let alice = app.party("alice").await;
        deposit(&app, &alice, 5).await;
        assert_eq!(app.balances(&alice).await.0, "5.000000000000");

        // Refusals change nothing.
        let receiver = fixture.user().create_address("withdrawals").await.unwrap().address;
        let good = json!({"address": receiver, "amount": "2"});
        let (status, body) = withdraw(&app, &alice, None, good.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error_field(&body).as_deref(), Some("Idempotency-Key"));
        let bad_checksum = format!("{}{}", &receiver[..94], if receiver.ends_with('1') { "2" } else { "1" });
        let testnet = "9vuRsLyEKAF3QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMiWrweK";
        for (body, field) in [
            (json!({"address": bad_checksum, "amount": "2"}), "address"),
            (json!({"address": testnet, "amount": "2"}), "address"),
            (json!({"address": "not an address", "amount": "2"}), "address"),
            (json!({"address": receiver, "amount": "0"}), "amount"),
            (json!({"address": receiver, "amount": "-1"}), "amount"),
            (json!({"address": receiver, "amount": "1.0000000000001"}), "amount"),
        ] {
            let (status, answer) = withdraw(&app, &alice, Some("bad"), body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
            assert_eq!(error_field(&answer).as_deref(), Some(field), "{body}: {answer}");
        }
        let (status, answer) = withdraw(&app, &alice, Some("too-much"), json!({"address": receiver, "amount": "6"})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(error_code(&answer), ErrorCode::InsufficientFunds);
        assert_eq!(app.balances(&alice).await, ("5.000000000000".into(), "0.000000000000".into(), "0.000000000000".into()));

        let (status, first) = withdraw(&app, &alice, Some("payout-1"), good.clone()).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{first}");
        let first: WithdrawalAccepted = typed(&first);
        assert_eq!(first.status, WithdrawalStatus::Queued);
        let id = first.withdrawal_id;
        let (status, again) = withdraw(&app, &alice, Some("payout-1"), good.clone()).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let again: WithdrawalAccepted = typed(&again);
        assert_eq!(again.withdrawal_id, id, "the same key is the same withdrawal");
        assert_eq!(app.balances(&alice).await.0, "3.000000000000", "reserved once");

        let relayed = wait_status(&app, &alice, id, WithdrawalStatus::Relayed).await;
        let hashes = relayed.tx_hashes;
        assert_eq!(hashes.len(), 1);
        assert!(relayed.fee.is_some_and(|fee| !fee.is_zero()), "the network fee is recorded");
        assert_eq!(relayed.amount, Piconero::parse_xmr("2").unwrap());
        assert!(fixture.daemon().knows_transaction(&hashes[0]).await.unwrap());
        assert_eq!(app.balances(&alice).await, ("3.000000000000".into(), "0.000000000000".into(), "0.000000000000".into()));

        fixture.mine(10).await;
        let confirmed = wait_status(&app, &alice, id, WithdrawalStatus::Confirmed).await;
        assert!(confirmed.confirmed_at.is_some());
        let received = fixture.user().incoming(None).await.unwrap();
        let paid: Vec<_> = received.incoming.iter().filter(|t| t.txid == hashes[0]).collect();
        assert_eq!(paid.len(), 1, "exactly one transaction");
        assert_eq!(paid[0].amount, 2 * PICONERO_PER_XMR as u64, "exactly the amount asked for (the platform pays the fee)");

        let (_, list) = app.get("/transactions/withdrawals", alice.t()).await;
        let list: Paged<WithdrawalView> = typed(&list);
        assert_eq!((list.total, list.items[0].id), (1, id));
        let stranger = app.party("stranger").await;
        assert_eq!(app.get(&format!("/transactions/withdrawals/{id}"), stranger.t()).await.0, StatusCode::NOT_FOUND);

        // Solvency: the hot wallet holds at least what the platform owes.
        let admin = app.staff("admin", Role::Admin).await;
        let (status, wallet) = app.get("/monero/balance", admin.t()).await;
        assert_eq!(status, StatusCode::OK, "{wallet}");
        let held = pupero_core::Piconero::parse_xmr(&typed::<WalletBalance>(&wallet).balance).unwrap();
        assert!(held >= pupero_core::Piconero::parse_xmr("3").unwrap(), "{wallet}");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pupero"))
            .args(["admin", "solvency", "--database-url", &app.db_url, "--monero-rpc-url", &fixture.hot_url, "--monero-rpc-auth-scheme", "none"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("users are owed 3.000000000000 XMR"));
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // The wallet's reports are typed by their step: an unknown step is 404, and a report
    // without what its step carries (a `signed` without its fee) is 422, never a fee of 0.
    async fn a_progress_report_carries_exactly_what_its_step_needs(app) {
        let wallet = app.keys().only("wallet").issue_service("wallet").unwrap().token;
        let report = |step: &str, body: Value| {
            let path = format!("/internal/withdrawals/1/{step}");
            let (app, wallet) = (&app, wallet.clone());
            async move { app.call_at(&app.transactions, "POST", &path, Some(&wallet), Some(body)).await }
        };
        for step in ["sent", "claim", "cancel", "Signed"] {
            let (status, body) = report(step, json!({})).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{step}: {body}");
            assert_eq!(error_code(&body), ErrorCode::NotFound);
        }
        let (status, body) = report("signed", json!({"tx_hashes": ["ab"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(error_of(&body).message.contains("fee"), "{body}");
        let (status, body) = report("relayed", json!({"tx_hashes": ["ab"], "fee": 30})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a fee is a string of XMR: {body}");
        let (status, body) = report("confirmed", json!({"reason": "a body of another step"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
}

/// Issue 11: a hundred withdrawals requested at once, from a hot wallet funded by one
/// deposit, all relayed within 15 blocks. The float is split first (a self-send journaled
/// as a network fee), then the withdrawals go out in batches of up to 15. Blocks are
/// mined one at a time only when the worker makes no progress, and the count is printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_withdrawals_at_once_are_relayed_within_fifteen_blocks() {
    use pupero_transactions::entity::{journal_entry, withdrawal};
    use pupero_wallet::entity::send_batch::{self, BatchKind};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    use crate::helpers::{Backend, run};

    const COUNT: usize = 100;
    const EACH: u64 = PICONERO_PER_XMR as u64 / 20;
    let _turn = chain::chain_turn().await;
    let fixture = chain::fixture().await;
    let options = chain::options(&[
        "--rabbitmq-poll-interval-seconds",
        "1",
        "--hot-wallet-outputs",
        "16",
        "--hot-wallet-output-min-xmr",
        "1",
    ])
    .await;
    run(Backend::Sqlite, options, move |app| async move {
        let alice = app.party("alice").await;
        deposit(&app, &alice, 30).await;

        // The float is split by a self-send once the deposit is spendable; its fee is the
        // platform's, journaled once. The chain's hot wallet is shared by the whole binary:
        // when other tests' deposits already left it enough unlocked outputs of 1 XMR, there
        // is nothing to split, and the burst below is the test.
        let hot = pupero_wallet::rpc::WalletRpc::new(&fixture.hot_url, None).unwrap();
        let split_already = || async {
            let outputs = hot.unspent_outputs().await.unwrap_or_default();
            let big = outputs.iter().filter(|o| o.unlocked && !o.spent && !o.frozen && o.amount >= PICONERO_PER_XMR as u64).count();
            big >= 8
        };
        let refill = async {
            for _ in 0..240 {
                let found = send_batch::Entity::find()
                    .filter(send_batch::Column::Kind.eq(BatchKind::Refill))
                    .one(&app.db)
                    .await
                    .unwrap();
                if let Some(b) = found.filter(|b| b.status != pupero_wallet::entity::withdrawal_send::SendStatus::Built) {
                    return Some(b);
                }
                if split_already().await {
                    return None;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            panic!("the float was never split");
        }
        .await;
        let fees = journal_entry::Entity::find()
            .filter(journal_entry::Column::Kind.eq(pupero_core::EntryKind::NetworkFee))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(fees, u64::from(refill.is_some()), "the refill's fee is journaled once");
        fixture.mine(10).await;

        let mut receivers = Vec::new();
        for i in 0..COUNT {
            receivers.push(fixture.user().create_address(&format!("burst-{i}")).await.unwrap());
        }
        let mut requests = tokio::task::JoinSet::new();
        for (i, receiver) in receivers.iter().enumerate() {
            let (http, url, token, receiver) = (
                app.http.clone(),
                format!("{}/transactions/withdraw", app.gateway),
                alice.token.clone(),
                receiver.address.clone(),
            );
            requests.spawn(async move {
                let resp = http
                    .post(url)
                    .bearer_auth(token)
                    .header("idempotency-key", format!("burst-{i}"))
                    .json(&json!({"address": receiver, "amount": "0.05"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), StatusCode::ACCEPTED);
            });
        }
        let requested = std::time::Instant::now();
        while let Some(done) = requests.join_next().await {
            done.unwrap();
        }
        let relayed = || async {
            withdrawal::Entity::find()
                .filter(withdrawal::Column::Status.is_in([WithdrawalStatus::Relayed, WithdrawalStatus::Confirmed]))
                .count(&app.db)
                .await
                .unwrap()
        };
        let mut blocks = 0;
        let mut last = relayed().await;
        let mut still = 0;
        while last < COUNT as u64 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let now = relayed().await;
            if now > last {
                (last, still) = (now, 0);
                continue;
            }
            still += 1;
            // Four seconds without progress: the worker waits for the chain.
            if still >= 8 {
                fixture.mine(1).await;
                blocks += 1;
                still = 0;
                assert!(blocks <= 15, "{last} of {COUNT} relayed after {blocks} blocks");
            }
        }
        let rows = withdrawal::Entity::find().all(&app.db).await.unwrap();
        let transactions: std::collections::BTreeSet<&str> = rows.iter().map(|w| w.tx_hashes.as_str()).collect();
        println!(
            "figure: {COUNT} withdrawals requested at once: all relayed after {blocks} mined blocks and {:.1} s, in {} transactions",
            requested.elapsed().as_secs_f64(),
            transactions.len()
        );

        fixture.mine(10).await;
        let received = fixture.user().incoming(None).await.unwrap();
        for (i, receiver) in receivers.iter().enumerate() {
            let paid: Vec<_> = received.incoming.iter().filter(|t| t.subaddr_index.minor == receiver.address_index).map(|t| t.amount).collect();
            assert_eq!(paid, vec![EACH], "receiver {i}: exactly once, exactly its amount");
        }
        assert_eq!(
            app.balances(&alice).await,
            ("25.000000000000".into(), "0.000000000000".into(), "0.000000000000".into())
        );
        app.assert_ledger_consistent().await;
        assert!(refill.is_none_or(|r| r.fee > 0));
    })
    .await;
}

db_test! {
    // A float refill's fee is journaled once per transaction, only at the wallet's word, and
    // a malformed report changes nothing.
    async fn a_refills_network_fee_is_journaled_exactly_once(app) {
        use pupero_transactions::entity::journal_entry;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

        let token = |service: &str| app.keys().only(service).issue_service(service).unwrap().token;
        let charge = |token: String, body: Value| {
            let app = &app;
            async move { app.call_at(&app.transactions, "POST", "/internal/network-fees", Some(&token), Some(body)).await }
        };
        let hash = "c0".repeat(32);
        let journaled = || async {
            journal_entry::Entity::find()
                .filter(journal_entry::Column::Kind.eq(pupero_core::EntryKind::NetworkFee))
                .count(&app.db)
                .await
                .unwrap()
        };
        for (body, field) in [
            (json!({"tx_hashes": [], "fee": "0.000030000000"}), "tx_hashes"),
            (json!({"tx_hashes": ["abc"], "fee": "0.000030000000"}), "tx_hashes"),
            (json!({"tx_hashes": [hash, "zz".repeat(32)], "fee": "0.000030000000"}), "tx_hashes"),
            (json!({"tx_hashes": [hash], "fee": "0"}), "fee"),
        ] {
            let (status, answer) = charge(token("wallet"), body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
            assert_eq!(error_field(&answer).as_deref(), Some(field), "{body}: {answer}");
        }
        let (status, answer) = charge(token("wallet"), json!({"tx_hashes": [hash], "fee": -1})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a fee is a string of XMR: {answer}");
        let (status, _) = charge(token("offers"), json!({"tx_hashes": [hash], "fee": "0.000030000000"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only the wallet reports its fees");
        assert_eq!(journaled().await, 0, "refusals journal nothing");

        let body = json!({"tx_hashes": [hash], "fee": "0.000030940000"});
        let (status, first) = charge(token("wallet"), body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert!(typed::<Charged>(&first).charged);
        let (status, again) = charge(token("wallet"), body).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert!(!typed::<Charged>(&again).charged, "a repeat moves nothing");
        assert_eq!(journaled().await, 1);
        let report = pupero_transactions::ledger::verify(&app.db).await.unwrap();
        assert!(report.is_consistent(), "{report:?}");
    }
}
