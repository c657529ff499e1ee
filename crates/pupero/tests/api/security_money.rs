//! Issue 9, the money side: amount bounds and ledger overflow (item 8), the second factor on
//! withdrawals and on money-moving staff actions (item 2), withdrawals without a wallet,
//! cancelling a queued withdrawal, and idempotency keys reused with another body.

use pupero_api::ErrorCode;
use pupero_core::TradeState;
use std::future::Future;

use pupero_config::Service;
use pupero_core::{AuditAction, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use pupero_api::Paged;
use pupero_api::accounts::{AuditEntry, Enrolment};
use pupero_api::money::{StatementLine, WithdrawalAccepted, WithdrawalView};
use pupero_api::trades::TradeView;
use pupero_core::{EntryKind, WithdrawalStatus};

use crate::helpers::{
    Backend, Options, Party, TestApp, TestDb, align_to_fresh_step, db_test, error_code,
    error_field, settings_for, totp_code, typed,
};

/// A valid mainnet address (the platform's default network).
const ADDRESS: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U";
const OTHER_ADDRESS: &str = "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge";

fn limits() -> Vec<&'static str> {
    vec![
        "--login-rate-per-minute",
        "100000",
        "--register-rate-per-hour",
        "100000",
    ]
}

/// A platform whose hot wallet is configured but whose wallet service (and so its worker)
/// does not run: withdrawals are accepted and stay `queued`, so a test can act on them
/// without racing the worker.
async fn run_without_worker<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = TestDb::create(backend).await;
    let dir = std::env::temp_dir().join(format!(
        "pupero_money_{}_{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut args: Vec<String> = limits().into_iter().map(String::from).collect();
    args.extend(
        [
            "--monero-rpc-url",
            "http://127.0.0.1:9",
            "--wallet-service-url",
            "http://127.0.0.1:9",
        ]
        .map(String::from),
    );
    let settings = settings_for(&db.url, &dir, &args);
    let services: Vec<Service> = pupero::platform::AVAILABLE
        .into_iter()
        .filter(|s| *s != Service::Wallet)
        .collect();
    let platform = pupero::Platform::start(settings, &services)
        .await
        .expect("platform starts");
    let app = TestApp {
        frontend: platform.url(Service::Frontend).unwrap(),
        gateway: platform.url(Service::Gateway).unwrap(),
        login: platform.url(Service::Login).unwrap(),
        offers: platform.url(Service::Offers).unwrap(),
        transactions: platform.url(Service::Transactions).unwrap(),
        db_url: db.url.clone(),
        db: platform.db.clone().unwrap(),
        http: pupero_http::build_client("tests", reqwest::Client::builder()).unwrap(),
        keys_dir: dir.join("keys"),
    };
    let outcome = tokio::spawn(test(app)).await;
    platform.stop().await;
    db.drop_db().await;
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
}

/// Like `db_test!`, on a platform from [`run_without_worker`].
macro_rules! queued_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn body($app: TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run_without_worker(Backend::Sqlite, body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mariadb() {
                run_without_worker(Backend::MariaDb, body).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run_without_worker(Backend::Postgres, body).await
            }
        }
    };
}

async fn withdraw(app: &TestApp, who: &Party, key: &str, body: Value) -> (StatusCode, Value) {
    let resp = app
        .http
        .post(format!("{}/transactions/withdraw", app.gateway))
        .bearer_auth(&who.token)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn open_with_key(app: &TestApp, who: &Party, key: &str, body: Value) -> (StatusCode, Value) {
    let resp = app
        .http
        .post(format!("{}/transactions/trades", app.gateway))
        .bearer_auth(&who.token)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Turns 2FA on for `who` and returns the secret and the current step; the step before it
/// is spent by the confirmation, so `step` and `step + 1` are the fresh codes left.
async fn enrol_2fa(app: &TestApp, who: &Party) -> (String, u64) {
    let step = align_to_fresh_step(20).await;
    let (status, enrol) = app
        .post(
            "/auth/2fa/enable",
            who.t(),
            json!({"password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{enrol}");
    let secret = typed::<Enrolment>(&enrol).secret;
    let (status, body) = app
        .post(
            "/auth/2fa/confirm",
            who.t(),
            json!({"code": totp_code(&secret, step - 1)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (secret, step)
}

fn zero() -> String {
    "0.000000000000".into()
}

async fn withdrawal_count(app: &TestApp, who: &Party) -> u64 {
    let (status, list) = app.get("/transactions/withdrawals", who.t()).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    typed::<Paged<WithdrawalView>>(&list).total
}

db_test! {
    // issue 9 item 8: this exact credit overflowed platform:adjustments into a REAL on SQLite.
    async fn an_admin_credit_beyond_the_limit_is_refused_and_changes_nothing(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let alice = app.party("alice").await;
        app.credit(&admin, alice.id, "1").await;
        for amount in ["9223372.036854775807", "10000.000000000001", "9223372.036854775808"] {
            for direction in ["credit", "debit"] {
                let (status, body) = app
                    .post("/transactions/admin/adjust", admin.t(), json!({"user_id": alice.id, "amount": amount, "direction": direction, "reason": "fat finger"}))
                    .await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{amount} {direction}: {body}");
                assert_eq!(error_code(&body), ErrorCode::AmountTooLarge, "{body}");
                assert_eq!(error_field(&body).as_deref(), Some("amount"));
            }
        }
        let bob = app.party("bob").await;
        let (status, body) = app
            .post("/transactions/transfer", admin.t(), json!({"from_user_id": alice.id, "to_user_id": bob.id, "amount": "9223372.036854775807", "reason": "x"}))
            .await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::AmountTooLarge));
        let (status, body) = withdraw(&app, &alice, "huge", json!({"address": ADDRESS, "amount": "9223372.036854775807"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::AmountTooLarge));
        let (status, body) = app
            .post("/offers", alice.t(), json!({"side": "sell", "currency": "EUR", "price": "150.00", "payment_method": "sepa",
                   "min_amount": "1", "max_amount": "10001", "payment_window_minutes": 30, "terms": "x"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_field(&body).as_deref(), Some("max_amount"));

        assert_eq!(app.balances(&alice).await, ("1.000000000000".into(), zero(), zero()));
        let (_, audit) = app.get("/transactions/admin/audit", admin.t()).await;
        let adjustments = typed::<Paged<AuditEntry>>(&audit).items.into_iter().filter(|e| e.action == AuditAction::Adjust).count();
        assert_eq!(adjustments, 1, "only the funding was recorded: {audit}");
        // The limit itself is allowed.
        app.credit(&admin, alice.id, "10000").await;
        assert_eq!(app.balances(&alice).await.0, "10001.000000000000");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // issue 9 item 8: checked arithmetic at the edge of BIGINT, on every backend: what fits is
    // exact, what would overflow (a user or the platform's counterpart) is refused, not stored.
    async fn credits_and_debits_at_the_edge_of_the_ledger_stay_exact(app, Options::with(&["--max-amount-xmr", "9000000", "--login-rate-per-minute", "100000", "--register-rate-per-hour", "100000"])) {
        let admin = app.staff("admin", Role::Admin).await;
        let alice = app.party("alice").await;
        let bob = app.party("bob").await;
        let adjust = async |user: i64, amount: &str, direction: &str| {
            app.post("/transactions/admin/adjust", admin.t(), json!({"user_id": user, "amount": amount, "direction": direction, "reason": "edge"})).await
        };
        for amount in ["9000000", "223372", "0.036854775807"] {
            let (status, body) = adjust(alice.id, amount, "credit").await;
            assert_eq!(status, StatusCode::OK, "{amount}: {body}");
        }
        assert_eq!(app.balances(&alice).await.0, "9223372.036854775807", "exactly i64::MAX piconero");

        // One piconero more would overflow alice; one more anywhere would overflow the
        // adjustments account (it is at -i64::MAX).
        let (status, body) = adjust(alice.id, "0.000000000001", "credit").await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::AmountTooLarge), "{body}");
        let (status, body) = adjust(bob.id, "0.000000000001", "credit").await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::AmountTooLarge), "{body}");
        assert_eq!(app.balances(&bob).await.0, zero());

        let (status, body) = adjust(alice.id, "9000000", "debit").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.balances(&alice).await.0, "223372.036854775807");
        let (status, body) = adjust(bob.id, "9000000", "credit").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = adjust(bob.id, "9000000.000000000001", "debit").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "above the limit: {body}");
        let (status, body) = adjust(alice.id, "223372.036854775808", "debit").await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::InsufficientFunds));
        let (status, _) = adjust(alice.id, "223372.036854775807", "debit").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(app.balances(&alice).await.0, zero());
        assert_eq!(app.balances(&bob).await.0, "9000000.000000000000");
        app.assert_ledger_consistent().await;
        // Every balance is still an integer that reads back.
        let (status, body) = adjust(alice.id, "1", "credit").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

mod ledger_verify_names_a_non_integer_balance_instead_of_crashing {
    use super::*;

    // issue 9 item 8: a REAL in a balance row (what the overflow left behind on SQLite) made
    // `ledger-verify` fail without saying where; it must name the row and exit non-zero.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        crate::helpers::run(Backend::Sqlite, Options::default(), |app| async move {
            use sea_orm::ConnectionTrait;
            let admin = app.staff("admin", Role::Admin).await;
            let alice = app.party("alice").await;
            app.credit(&admin, alice.id, "1").await;
            app.db
                .execute_unprepared(
                    "UPDATE ledger_accounts SET balance = 9.5e18 WHERE account_key = 'platform:adjustments'",
                )
                .await
                .unwrap();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_pupero"))
                .args(["admin", "ledger-verify", "--database-url", &app.db_url])
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{stdout}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(
                stdout.contains("platform:adjustments") && stdout.contains("not an integer"),
                "the report names the row: {stdout}\n{stderr}"
            );
            let report = pupero_transactions::ledger::verify(&app.db).await.unwrap();
            assert_eq!(report.unreadable_rows.len(), 1, "{report:?}");
            assert!(!report.is_consistent());
        })
        .await
    }
}

queued_test! {
    // issue 9 item 2: a user with 2FA withdrew the whole balance with an access token alone.
    async fn a_withdrawal_needs_a_fresh_code_when_2fa_is_on(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let alice = app.party("alice").await;
        app.credit(&admin, alice.id, "5").await;
        let (secret, step) = enrol_2fa(&app, &alice).await;
        let body = |totp: Option<String>| {
            let mut b = json!({"address": ADDRESS, "amount": "2"});
            if let Some(code) = totp {
                b["totp"] = json!(code);
            }
            b
        };
        let (status, answer) = withdraw(&app, &alice, "w-1", body(None)).await;
        assert_eq!((status, error_code(&answer)), (StatusCode::FORBIDDEN, ErrorCode::TotpRequired), "{answer}");
        let (status, answer) = withdraw(&app, &alice, "w-1", body(Some("12345x".into()))).await;
        assert_eq!((status, error_code(&answer)), (StatusCode::FORBIDDEN, ErrorCode::InvalidTotp), "{answer}");
        let (status, answer) = withdraw(&app, &alice, "w-1", body(Some(totp_code(&secret, step - 1)))).await;
        assert_eq!((status, error_code(&answer)), (StatusCode::FORBIDDEN, ErrorCode::TotpReplayed), "{answer}");
        assert_eq!(app.balances(&alice).await, ("5.000000000000".into(), zero(), zero()), "nothing moved");
        assert_eq!(withdrawal_count(&app, &alice).await, 0);

        let (status, first) = withdraw(&app, &alice, "w-1", body(Some(totp_code(&secret, step)))).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{first}");
        // A retry of the accepted request moves nothing and needs no new code.
        let (status, again) = withdraw(&app, &alice, "w-1", body(None)).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{again}");
        assert_eq!(typed::<WithdrawalAccepted>(&again), typed::<WithdrawalAccepted>(&first));
        // A new withdrawal needs a new code: the one just used is spent.
        let (status, answer) = withdraw(&app, &alice, "w-2", body(Some(totp_code(&secret, step)))).await;
        assert_eq!((status, error_code(&answer)), (StatusCode::FORBIDDEN, ErrorCode::TotpReplayed), "{answer}");
        assert_eq!(app.balances(&alice).await, ("3.000000000000".into(), zero(), "2.000000000000".into()));

        // Without 2FA, no code is asked for.
        let bob = app.party("bob").await;
        app.credit(&admin, bob.id, "1").await;
        let (status, answer) = withdraw(&app, &bob, "b-1", json!({"address": ADDRESS, "amount": "1"})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // issue 9 hardening: with no wallet configured a withdrawal answered 202 and its money sat
    // in `withdrawing` with nothing to send it; the README promises 503.
    async fn a_withdrawal_without_a_wallet_answers_503_and_moves_nothing(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let alice = app.party("alice").await;
        app.credit(&admin, alice.id, "2").await;
        let (status, body) = withdraw(&app, &alice, "no-wallet", json!({"address": ADDRESS, "amount": "1"})).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(error_code(&body), ErrorCode::ServiceUnavailable);
        assert_eq!(app.balances(&alice).await, ("2.000000000000".into(), zero(), zero()));
        assert_eq!(withdrawal_count(&app, &alice).await, 0);
        app.assert_ledger_consistent().await;
    }
}

queued_test! {
    // issue 9 hardening: a user cancels their own still-queued withdrawal; one entry returns it.
    async fn the_owner_cancels_a_queued_withdrawal_and_gets_the_money_back_once(app) {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        use pupero_transactions::entity::withdrawal;
        let admin = app.staff("admin", Role::Admin).await;
        let alice = app.party("alice").await;
        let mallory = app.party("mallory").await;
        app.credit(&admin, alice.id, "5").await;
        let (status, w) = withdraw(&app, &alice, "c-1", json!({"address": ADDRESS, "amount": "2"})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{w}");
        let id = typed::<WithdrawalAccepted>(&w).withdrawal_id;
        let cancel = async |who: &Party, id: i64| app.post(&format!("/transactions/withdrawals/{id}/cancel"), who.t(), json!({})).await;

        let (status, body) = cancel(&mallory, id).await;
        assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, ErrorCode::NotFound), "someone else's withdrawal");
        assert_eq!(cancel(&alice, 987_654).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.balances(&alice).await, ("3.000000000000".into(), zero(), "2.000000000000".into()));

        let (status, body) = cancel(&alice, id).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<WithdrawalView>(&body).status, WithdrawalStatus::Cancelled);
        assert_eq!(app.balances(&alice).await, ("5.000000000000".into(), zero(), zero()));
        let (status, body) = cancel(&alice, id).await;
        assert_eq!(status, StatusCode::OK, "a repeat is a no-op: {body}");
        assert_eq!(typed::<WithdrawalView>(&body).status, WithdrawalStatus::Cancelled);
        assert_eq!(app.balances(&alice).await.0, "5.000000000000", "refunded once");
        let (_, statement) = app.get("/transactions/ledger", alice.t()).await;
        let cancels = typed::<Paged<StatementLine>>(&statement).items.iter().filter(|e| e.kind == EntryKind::WithdrawalCancel).count();
        assert_eq!(cancels, 2, "one entry: withdrawing out, available in: {statement}");

        // Once the wallet has claimed it, it is too late.
        let (_, w) = withdraw(&app, &alice, "c-2", json!({"address": ADDRESS, "amount": "1"})).await;
        let claimed = typed::<WithdrawalAccepted>(&w).withdrawal_id;
        withdrawal::Entity::update_many()
            .col_expr(withdrawal::Column::Status, Expr::value("signing"))
            .filter(withdrawal::Column::Id.eq(claimed))
            .exec(&app.db)
            .await
            .unwrap();
        let (status, body) = cancel(&alice, claimed).await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::InvalidTransition), "{body}");
        assert_eq!(app.balances(&alice).await, ("4.000000000000".into(), zero(), "1.000000000000".into()));
        app.assert_ledger_consistent().await;
    }
}

queued_test! {
    // issue 9 hardening: cancel and the wallet's claim race on the same queued row; exactly
    // one wins, so the money is either on its way or back, never both.
    async fn cancel_and_claim_race_and_exactly_one_wins(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let alice = app.party("alice").await;
        app.credit(&admin, alice.id, "10").await;
        let mut claimed_total = 0i64;
        for i in 0..8 {
            let (status, w) = withdraw(&app, &alice, &format!("race-{i}"), json!({"address": ADDRESS, "amount": "1"})).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{w}");
            let id = typed::<WithdrawalAccepted>(&w).withdrawal_id;
            let db = app.db.clone();
            let claim = tokio::spawn(async move { pupero_transactions::withdrawals::claim(&db, Some(id)).await });
            let (status, body) = app.post(&format!("/transactions/withdrawals/{id}/cancel"), alice.t(), json!({})).await;
            let claimed = claim.await.unwrap().map_err(|e| e.to_string()).unwrap();
            match (status, claimed) {
                (StatusCode::OK, None) => assert_eq!(typed::<WithdrawalView>(&body).status, WithdrawalStatus::Cancelled),
                (StatusCode::CONFLICT, Some(c)) => {
                    assert_eq!(c.id, id);
                    claimed_total += 1;
                }
                (status, claimed) => panic!("both or neither won: cancel {status} {body}, claim {claimed:?}"),
            }
        }
        let (available, escrow, withdrawing) = app.balances(&alice).await;
        assert_eq!(escrow, zero());
        assert_eq!(withdrawing, format!("{claimed_total}.000000000000"));
        assert_eq!(available, format!("{}.000000000000", 10 - claimed_total));
        app.assert_ledger_consistent().await;
    }
}

queued_test! {
    // issue 9 hardening: the same Idempotency-Key with a different body answered with the
    // first result as if it were the second request; it is refused with 422.
    async fn an_idempotency_key_reused_with_another_body_is_refused(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let alice = app.party("alice").await;
        app.credit(&admin, alice.id, "5").await;
        let (status, first) = withdraw(&app, &alice, "same", json!({"address": ADDRESS, "amount": "1"})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{first}");
        for other in [json!({"address": ADDRESS, "amount": "2"}), json!({"address": OTHER_ADDRESS, "amount": "1"})] {
            let (status, body) = withdraw(&app, &alice, "same", other.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{other}: {body}");
            assert_eq!(error_code(&body), ErrorCode::IdempotencyKeyReused);
        }
        let (status, again) = withdraw(&app, &alice, "same", json!({"address": ADDRESS, "amount": "1.000"})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{again}");
        assert_eq!(typed::<WithdrawalAccepted>(&again), typed::<WithdrawalAccepted>(&first), "the same request, written differently");
        assert_eq!(app.balances(&alice).await, ("4.000000000000".into(), zero(), "1.000000000000".into()));

        // Trades: the same key on another amount or another offer.
        let seller = app.party("seller").await;
        app.credit(&admin, seller.id, "10").await;
        let offer = app.offer(&seller, "sell", "0.1", "5").await;
        let second_offer = app.offer(&seller, "sell", "0.1", "5").await;
        let buyer = app.party("buyer").await;
        let (status, trade) = open_with_key(&app, &buyer, "open-1", json!({"offer_id": offer, "amount": "1", "price": "150.00"})).await;
        assert_eq!(status, StatusCode::CREATED, "{trade}");
        for other in [json!({"offer_id": offer, "amount": "2", "price": "150.00"}), json!({"offer_id": second_offer, "amount": "1", "price": "150.00"})] {
            let (status, body) = open_with_key(&app, &buyer, "open-1", other.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{other}: {body}");
            assert_eq!(error_code(&body), ErrorCode::IdempotencyKeyReused);
        }
        let (status, again) = open_with_key(&app, &buyer, "open-1", json!({"offer_id": offer, "amount": "1", "price": "150.00"})).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(typed::<TradeView>(&again).id, typed::<TradeView>(&trade).id);
        assert_eq!(app.balances(&seller).await, ("9.000000000000".into(), "1.000000000000".into(), zero()));
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // issue 9 item 2: money-moving staff actions (adjust, transfer, dispute resolution) need a
    // fresh code from a staff member who has 2FA.
    async fn money_moving_staff_actions_need_a_fresh_code_with_2fa(app) {
        let m = crate::trading::market(&app).await;
        let (secret, step) = enrol_2fa(&app, &m.admin).await;
        let adjust = |totp: Option<String>| {
            let mut b = json!({"user_id": m.buyer.id, "amount": "1", "direction": "credit", "reason": "goodwill"});
            if let Some(code) = totp {
                b["totp"] = json!(code);
            }
            app.post("/transactions/admin/adjust", m.admin.t(), b)
        };
        let (status, body) = adjust(None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::TotpRequired), "{body}");
        let (status, body) = adjust(Some("12345x".into())).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::InvalidTotp), "{body}");
        assert_eq!(app.balances(&m.buyer).await.0, zero(), "nothing moved");
        let (status, body) = adjust(Some(totp_code(&secret, step))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = adjust(Some(totp_code(&secret, step))).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::TotpReplayed), "{body}");

        let transfer = |totp: Option<String>| {
            let mut b = json!({"from_user_id": m.buyer.id, "to_user_id": m.stranger.id, "amount": "0.5", "reason": "refund"});
            if let Some(code) = totp {
                b["totp"] = json!(code);
            }
            app.post("/transactions/transfer", m.admin.t(), b)
        };
        let (status, body) = transfer(None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::TotpRequired), "{body}");
        let (status, body) = transfer(Some(totp_code(&secret, step + 1))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.balances(&m.buyer).await.0, "0.500000000000");

        // Dispute resolution by a moderator with 2FA.
        let (mod_secret, mod_step) = enrol_2fa(&app, &m.moderator).await;
        let t = app.trade(&m.buyer, m.offer, "2").await;
        assert_eq!(app.step(&m.buyer, t, "paid", json!({})).await.0, StatusCode::OK);
        let (status, body) = app.step(&m.buyer, t, "dispute", json!({"statement": "paid, nothing came"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let path = format!("/transactions/trades/{t}/resolve");
        let resolve = |totp: Option<String>| {
            let mut b = json!({"outcome": "buyer", "reason": "the bank statement shows it"});
            if let Some(code) = totp {
                b["totp"] = json!(code);
            }
            app.post(&path, m.moderator.t(), b)
        };
        let (status, body) = resolve(None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::TotpRequired), "{body}");
        assert_eq!(app.trade_state(&m.buyer, t).await, TradeState::Disputed);
        let (status, body) = resolve(Some(totp_code(&mod_secret, mod_step))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<TradeView>(&body).state, TradeState::Completed);
        app.assert_ledger_consistent().await;
    }
}

queued_test! {
    // issue 9 hardening, the web half: a queued withdrawal has a Cancel button on the balances
    // page that returns the money; a 2FA admin's adjustment form asks for a code.
    async fn the_balances_page_cancels_a_queued_withdrawal_and_staff_forms_ask_for_a_code(app) {
        use crate::web::Web;
        let admin = app.staff("admin", Role::Admin).await;
        let wes = app.party("wes").await;
        app.credit(&admin, wes.id, "2").await;
        let (status, w) = withdraw(&app, &wes, "web-1", json!({"address": ADDRESS, "amount": "1.5"})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{w}");
        let id = typed::<WithdrawalAccepted>(&w).withdrawal_id;

        let web = Web::new(&app);
        web.sign_in("wes").await;
        let page = web.get("/balances").await;
        assert!(page.body.contains(&format!("id=\"cancel-withdrawal-{id}\"")), "{}", page.body);
        let refused = web.post_raw(&format!("/withdrawals/{id}/cancel"), &[], &[]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "no CSRF token, no cancel");
        let done = web.submit("/balances", &format!("/withdrawals/{id}/cancel"), &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let page = web.follow(&done).await;
        assert!(page.body.contains("is cancelled"), "{}", page.body);
        assert!(!page.body.contains(&format!("id=\"cancel-withdrawal-{id}\"")), "no button once cancelled");
        assert_eq!(app.balances(&wes).await, ("2.000000000000".into(), zero(), zero()));

        let staff = Web::new(&app);
        staff.sign_in("admin").await;
        // The code is asked on the adjustment's confirmation page (nothing moves before it).
        let wes_id = wes.id.to_string();
        let review = [("user_id", wes_id.as_str()), ("amount", "1"), ("direction", "credit"), ("reason", "check")];
        let confirm = staff.submit("/admin", "/admin/adjust", &review).await;
        assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
        assert!(!confirm.body.contains("id=\"adjust-totp\""), "no 2FA, no code field");
        enrol_2fa(&app, &admin).await;
        let confirm = staff.submit("/admin", "/admin/adjust", &review).await;
        assert!(confirm.body.contains("id=\"adjust-totp\""), "the confirmation asks for the code");
        app.assert_ledger_consistent().await;
    }
}
