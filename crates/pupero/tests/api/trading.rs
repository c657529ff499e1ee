use pupero_api::ErrorCode;
use pupero_api::Paged;
use pupero_api::trades::{TradeRole, TradeView};
use pupero_core::{Action, CancelReason, Piconero, Resolution, Role, TradeState};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Options, Party, TestApp, align_to_fresh_step, db_test, error_code, totp_code, typed,
};
use pupero_api::accounts::Enrolment;

/// Everyone a trade test needs: a funded seller with a sell offer, a buyer, a stranger,
/// a moderator and an admin.
pub struct Market {
    pub admin: Party,
    pub moderator: Party,
    pub seller: Party,
    pub buyer: Party,
    pub stranger: Party,
    pub offer: i64,
}

pub async fn market(app: &TestApp) -> Market {
    let admin = app.staff("admin", Role::Admin).await;
    let moderator = app.staff("moderator", Role::Moderator).await;
    let seller = app.party("seller").await;
    let buyer = app.party("buyer").await;
    let stranger = app.party("stranger").await;
    app.credit(&admin, seller.id, "10").await;
    let offer = app.offer(&seller, "sell", "0.1", "5").await;
    Market {
        admin,
        moderator,
        seller,
        buyer,
        stranger,
        offer,
    }
}

/// A trade answer read as the type the API promises (a misspelt field fails here).
fn trade(body: Value) -> TradeView {
    typed(&body)
}

fn trades(body: Value) -> Paged<TradeView> {
    typed(&body)
}

fn xmr(text: &str) -> Piconero {
    text.parse().unwrap()
}

fn dispute_body() -> Value {
    json!({"statement": "I paid and nothing happened"})
}

db_test! {
    async fn a_sell_offer_trade_runs_open_paid_release(app) {
        let m = market(&app).await;
        let (status, body) = app.open_trade(&m.buyer, m.offer, "2").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["amount"], "2.000000000000", "amounts travel as twelve-decimal strings");
        let t = trade(body);
        let id = t.id;
        assert_eq!(t.state, TradeState::AwaitingPayment);
        assert_eq!((t.seller_id, t.buyer_id), (m.seller.id, m.buyer.id));
        assert_eq!(t.amount, xmr("2"));
        assert_eq!(t.price, "150.00");
        assert_eq!(t.fiat_total, "300.00");
        assert_eq!(t.currency, "EUR");
        assert_eq!(t.your_role, TradeRole::Buyer);
        assert_eq!(t.allowed_actions, [Action::MarkPaid, Action::Cancel, Action::MutualCancel]);
        assert!(t.payment_deadline.ends_with('Z'));
        assert_eq!(app.balances(&m.seller).await, ("8.000000000000".into(), "2.000000000000".into(), "0.000000000000".into()));

        let seen = trade(app.get(&format!("/transactions/trades/{id}"), m.seller.t()).await.1);
        assert_eq!(seen.your_role, TradeRole::Seller);
        assert_eq!(seen.allowed_actions, [Action::MutualCancel]);

        let (status, t) = app.step(&m.buyer, id, "paid", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{t}");
        let t = trade(t);
        assert_eq!(t.state, TradeState::Paid);
        assert!(t.paid_at.is_some());
        let seen = trade(app.get(&format!("/transactions/trades/{id}"), m.seller.t()).await.1);
        assert_eq!(seen.allowed_actions, [Action::Release, Action::Dispute, Action::MutualCancel]);

        let (status, t) = app.step(&m.seller, id, "release", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{t}");
        let t = trade(t);
        assert_eq!(t.state, TradeState::Completed);
        assert!(t.completed_at.is_some());
        assert_eq!(t.allowed_actions, []);
        assert_eq!(app.balances(&m.seller).await.0, "8.000000000000");
        assert_eq!(app.balances(&m.seller).await.1, "0.000000000000");
        assert_eq!(app.balances(&m.buyer).await.0, "2.000000000000");

        let mine = trades(app.get("/transactions/trades?state=completed", m.buyer.t()).await.1);
        assert_eq!((mine.total, mine.items[0].id), (1, id));
        let none = trades(app.get("/transactions/trades", m.stranger.t()).await.1);
        assert_eq!(none.total, 0);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn on_a_buy_offer_the_taker_is_the_seller(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let maker = app.party("maker").await;
        let taker = app.party("taker").await;
        let offer = app.offer(&maker, "buy", "1", "3").await;
        let (status, body) = app.open_trade(&taker, offer, "1").await;
        assert_eq!(status, StatusCode::CONFLICT, "an unfunded taker cannot sell");
        assert_eq!(error_code(&body), ErrorCode::InsufficientFunds);
        app.credit(&admin, taker.id, "1").await;
        let (status, t) = app.open_trade(&taker, offer, "1").await;
        assert_eq!(status, StatusCode::CREATED, "{t}");
        let t = trade(t);
        assert_eq!((t.seller_id, t.buyer_id), (taker.id, maker.id));
        assert_eq!(t.your_role, TradeRole::Seller);
        assert_eq!(t.offer_side, pupero_core::OfferSide::Buy);
        let id = t.id;
        assert_eq!(app.step(&maker, id, "paid", json!({})).await.0, StatusCode::OK);
        assert_eq!(app.step(&taker, id, "release", json!({})).await.0, StatusCode::OK);
        assert_eq!(app.balances(&maker).await.0, "1.000000000000");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn opening_refuses_bad_requests_and_changes_nothing(app) {
        let m = market(&app).await;
        let cases: Vec<(&Party, Value, StatusCode, ErrorCode)> = vec![
            (&m.seller, json!({"offer_id": m.offer, "amount": "1", "price": "150.00"}), StatusCode::CONFLICT, ErrorCode::SelfTrade),
            (&m.buyer, json!({"offer_id": m.offer, "amount": "0.01", "price": "150.00"}), StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidField),
            (&m.buyer, json!({"offer_id": m.offer, "amount": "6", "price": "150.00"}), StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidField),
            (&m.buyer, json!({"offer_id": m.offer, "amount": "0", "price": "150.00"}), StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidField),
            (&m.buyer, json!({"offer_id": m.offer, "amount": "-1", "price": "150.00"}), StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidField),
            (&m.buyer, json!({"offer_id": m.offer, "amount": "1.0000000000001", "price": "150.00"}), StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidField),
            (&m.buyer, json!({"offer_id": m.offer, "amount": 1}), StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidBody),
            (&m.buyer, json!({"offer_id": m.offer}), StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidBody),
            (&m.buyer, json!({"offer_id": 999999, "amount": "1", "price": "150.00"}), StatusCode::NOT_FOUND, ErrorCode::NotFound),
        ];
        for (who, body, expected, code) in cases {
            let (status, answer) = app.post("/transactions/trades", who.t(), body.clone()).await;
            assert_eq!(status, expected, "{body}: {answer}");
            assert_eq!(error_code(&answer), code, "{body}: {answer}");
        }
        let (status, _) = app.post("/transactions/trades", None, json!({"offer_id": m.offer, "amount": "1", "price": "150.00"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app.call("PATCH", &format!("/offers/{}", m.offer), m.seller.t(), Some(json!({"status": "paused"}))).await;
        assert_eq!(status, StatusCode::OK);
        let (status, answer) = app.open_trade(&m.buyer, m.offer, "1").await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(error_code(&answer), ErrorCode::OfferNotOpen);
        assert_eq!(app.balances(&m.seller).await.0, "10.000000000000");
        let (_, none) = app.get("/transactions/trades", m.buyer.t()).await;
        assert_eq!(trades(none).total, 0);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn an_idempotency_key_opens_one_trade(app) {
        let m = market(&app).await;
        let send = || {
            app.http
                .post(format!("{}/transactions/trades", app.gateway))
                .bearer_auth(&m.buyer.token)
                .header("idempotency-key", "open-once-42")
                .json(&json!({"offer_id": m.offer, "amount": "1", "price": "150.00"}))
                .send()
        };
        let first = send().await.unwrap();
        assert_eq!(first.status(), StatusCode::CREATED);
        let first: TradeView = first.json().await.unwrap();
        let again = send().await.unwrap();
        assert_eq!(again.status(), StatusCode::OK);
        let again: TradeView = again.json().await.unwrap();
        assert_eq!(first, again, "the same trade, as it was");
        assert_eq!(app.balances(&m.seller).await.0, "9.000000000000", "escrowed once");
    }
}

/// Expected answer of every (who, action) in one state; anything allowed is left out and
/// tested by the flows. `Same` means the repeat of a step already taken: 200, unchanged.
async fn assert_refusals(
    app: &TestApp,
    m: &Market,
    id: i64,
    state: TradeState,
    table: &[(&str, &str, StatusCode)],
) {
    let anonymous = Party {
        id: 0,
        token: String::new(),
    };
    for (who, action, expected) in table {
        let party = match *who {
            "buyer" => &m.buyer,
            "seller" => &m.seller,
            "stranger" => &m.stranger,
            "moderator" => &m.moderator,
            "admin" => &m.admin,
            _ => &anonymous,
        };
        let body = if *action == "dispute" {
            dispute_body()
        } else {
            json!({})
        };
        let (status, answer) = if *who == "anonymous" {
            app.post(&format!("/transactions/trades/{id}/{action}"), None, body)
                .await
        } else {
            app.step(party, id, action, body).await
        };
        assert_eq!(status, *expected, "{who} {action} in {state}: {answer}");
        if status != StatusCode::OK {
            error_code(&answer);
        }
        assert_eq!(
            app.trade_state(&m.buyer, id).await,
            state,
            "{who} {action} changed the trade"
        );
    }
}

const ACTIONS: [&str; 5] = ["paid", "release", "cancel", "dispute", "mutual-cancel"];

/// Outsiders: anonymous 401, stranger 404, moderator 404 (no dispute yet), admin 403 (may
/// look, not act).
fn outsiders(disputed: bool) -> Vec<(&'static str, &'static str, StatusCode)> {
    let mut t = Vec::new();
    for a in ACTIONS {
        t.push(("anonymous", a, StatusCode::UNAUTHORIZED));
        t.push(("stranger", a, StatusCode::NOT_FOUND));
        t.push((
            "moderator",
            a,
            if disputed {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::NOT_FOUND
            },
        ));
        t.push(("admin", a, StatusCode::FORBIDDEN));
    }
    t
}

db_test! {
    async fn every_refused_transition_is_refused_in_every_state(app) {
        use StatusCode as S;
        let m = market(&app).await;
        let ok = S::OK;
        // AWAITING_PAYMENT
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let mut table = outsiders(false);
        table.extend([
            ("buyer", "release", S::FORBIDDEN), ("buyer", "dispute", S::CONFLICT),
            ("seller", "paid", S::FORBIDDEN), ("seller", "release", S::CONFLICT), ("seller", "cancel", S::FORBIDDEN),
            ("seller", "dispute", S::CONFLICT),
        ]);
        assert_refusals(&app, &m, t, TradeState::AwaitingPayment, &table).await;
        // PAID
        assert_eq!(app.step(&m.buyer, t, "paid", json!({})).await.0, ok);
        let mut table = outsiders(false);
        table.extend([
            ("buyer", "paid", ok), ("buyer", "release", S::FORBIDDEN), ("buyer", "cancel", S::CONFLICT),
            ("seller", "paid", S::FORBIDDEN), ("seller", "cancel", S::FORBIDDEN),
        ]);
        assert_refusals(&app, &m, t, TradeState::Paid, &table).await;
        // DISPUTED
        assert_eq!(app.step(&m.seller, t, "dispute", dispute_body()).await.0, ok);
        let mut table = outsiders(true);
        table.extend([
            ("buyer", "paid", S::CONFLICT), ("buyer", "release", S::FORBIDDEN), ("buyer", "cancel", S::CONFLICT),
            ("buyer", "dispute", ok), ("buyer", "mutual-cancel", S::CONFLICT),
            ("seller", "paid", S::FORBIDDEN), ("seller", "release", S::CONFLICT), ("seller", "cancel", S::FORBIDDEN),
            ("seller", "dispute", ok), ("seller", "mutual-cancel", S::CONFLICT),
        ]);
        assert_refusals(&app, &m, t, TradeState::Disputed, &table).await;
        // Resolve: moderators only, and only a disputed trade.
        let resolve = async |who: &Party| app.post(&format!("/transactions/trades/{t}/resolve"), who.t(), json!({"outcome": "buyer", "reason": "proof of payment"})).await;
        for who in [&m.buyer, &m.seller, &m.stranger] {
            assert_eq!(resolve(who).await.0, S::FORBIDDEN);
        }
        // COMPLETED
        let (status, body) = resolve(&m.moderator).await;
        assert_eq!(status, ok, "{body}");
        let resolved = trade(body);
        assert_eq!(resolved.state, TradeState::Completed);
        assert_eq!(resolved.dispute.and_then(|d| d.resolution), Some(Resolution::Buyer));
        let mut table = outsiders(true);
        table.extend([
            ("buyer", "paid", S::CONFLICT), ("buyer", "release", S::FORBIDDEN), ("buyer", "cancel", S::CONFLICT),
            ("buyer", "dispute", S::CONFLICT), ("buyer", "mutual-cancel", S::CONFLICT),
            ("seller", "paid", S::FORBIDDEN), ("seller", "release", ok), ("seller", "cancel", S::FORBIDDEN),
            ("seller", "dispute", S::CONFLICT), ("seller", "mutual-cancel", S::CONFLICT),
        ]);
        assert_refusals(&app, &m, t, TradeState::Completed, &table).await;
        assert_eq!(resolve(&m.moderator).await.0, S::CONFLICT, "a decided dispute stays decided");
        // CANCELLED
        let c = app.trade(&m.buyer, m.offer, "1").await;
        assert_eq!(app.step(&m.buyer, c, "cancel", json!({})).await.0, ok);
        let mut table = outsiders(false);
        table.extend([
            ("buyer", "paid", S::CONFLICT), ("buyer", "release", S::FORBIDDEN), ("buyer", "cancel", ok),
            ("buyer", "dispute", S::CONFLICT), ("buyer", "mutual-cancel", S::CONFLICT),
            ("seller", "paid", S::FORBIDDEN), ("seller", "release", S::CONFLICT), ("seller", "cancel", S::FORBIDDEN),
            ("seller", "dispute", S::CONFLICT), ("seller", "mutual-cancel", S::CONFLICT),
        ]);
        assert_refusals(&app, &m, c, TradeState::Cancelled, &table).await;
        let (status, _) = app.post(&format!("/transactions/trades/{c}/resolve"), m.moderator.t(), json!({"outcome": "buyer", "reason": "x"})).await;
        assert_eq!(status, S::NOT_FOUND, "a moderator sees only disputed trades");
        let (status, _) = app.post(&format!("/transactions/trades/{c}/resolve"), m.admin.t(), json!({"outcome": "buyer", "reason": "x"})).await;
        assert_eq!(status, S::FORBIDDEN, "an admin may look at any trade but not decide one without a dispute");
        let (status, _) = app.step(&m.buyer, c, "expire", json!({})).await;
        assert_eq!(status, S::NOT_FOUND, "expiry is the platform's, not an API action");
        // Balances: 1 XMR went to the buyer, 1 came back to the seller.
        assert_eq!(app.balances(&m.seller).await, ("9.000000000000".into(), "0.000000000000".into(), "0.000000000000".into()));
        assert_eq!(app.balances(&m.buyer).await.0, "1.000000000000");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn repeating_a_step_moves_money_once(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "3").await;
        for _ in 0..3 {
            let (status, body) = app.step(&m.buyer, t, "paid", json!({})).await;
            assert_eq!((status, trade(body).state), (StatusCode::OK, TradeState::Paid));
        }
        for _ in 0..3 {
            let (status, body) = app.step(&m.seller, t, "release", json!({})).await;
            assert_eq!((status, trade(body).state), (StatusCode::OK, TradeState::Completed));
        }
        assert_eq!(app.balances(&m.buyer).await.0, "3.000000000000");
        assert_eq!(app.balances(&m.seller).await.0, "7.000000000000");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn release_needs_a_fresh_code_when_the_seller_has_2fa(app) {
        let m = market(&app).await;
        let step = align_to_fresh_step(15).await;
        let (_, enrol) = app.post("/auth/2fa/enable", m.seller.t(), json!({"password": crate::helpers::PASSWORD})).await;
        let secret = typed::<Enrolment>(&enrol).secret;
        let (status, _) = app.post("/auth/2fa/confirm", m.seller.t(), json!({"code": totp_code(&secret, step - 1)})).await;
        assert_eq!(status, StatusCode::OK);
        let t = app.trade(&m.buyer, m.offer, "1").await;
        assert_eq!(app.step(&m.buyer, t, "paid", json!({})).await.0, StatusCode::OK);
        let (status, body) = app.step(&m.seller, t, "release", json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(error_code(&body), ErrorCode::TotpRequired);
        let (status, body) = app.step(&m.seller, t, "release", json!({"totp": "000000"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = app.step(&m.seller, t, "release", json!({"totp": totp_code(&secret, step - 1)})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a spent code does not release: {body}");
        assert_eq!(app.trade_state(&m.buyer, t).await, TradeState::Paid);
        let (status, body) = app.step(&m.seller, t, "release", json!({"totp": totp_code(&secret, step)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(trade(body).state, TradeState::Completed);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn unpaid_trades_expire_and_return_the_escrow(app) {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        use pupero_transactions::entity::trade;
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "4").await;
        let paid = app.trade(&m.buyer, m.offer, "1").await;
        assert_eq!(app.step(&m.buyer, paid, "paid", json!({})).await.0, StatusCode::OK);
        // Time passes: both deadlines are moved into the past (the window itself is 30 min).
        trade::Entity::update_many()
            .col_expr(trade::Column::PaymentDeadlineMs, Expr::value(pupero_db::now_ms() - 1000))
            .filter(trade::Column::Id.is_in([t, paid]))
            .exec(&app.db)
            .await
            .unwrap();
        let mut state = TradeState::AwaitingPayment;
        for _ in 0..100 {
            state = app.trade_state(&m.buyer, t).await;
            if state == TradeState::Cancelled {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(state, TradeState::Cancelled);
        let (_, body) = app.get(&format!("/transactions/trades/{t}"), m.buyer.t()).await;
        let expired = trade(body);
        assert_eq!(expired.state, TradeState::Cancelled);
        assert_eq!(expired.cancel_reason, Some(CancelReason::Expired));
        assert_eq!(app.trade_state(&m.buyer, paid).await, TradeState::Paid, "a paid trade never expires");
        assert_eq!(app.balances(&m.seller).await.0, "9.000000000000");
        assert_eq!(app.balances(&m.seller).await.1, "1.000000000000");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn mutual_cancel_needs_both_parties(app) {
        let m = market(&app).await;
        for paid_first in [false, true] {
            let t = app.trade(&m.buyer, m.offer, "2").await;
            if paid_first {
                assert_eq!(app.step(&m.buyer, t, "paid", json!({})).await.0, StatusCode::OK);
            }
            let (status, body) = app.step(&m.buyer, t, "mutual-cancel", json!({})).await;
            assert_eq!(status, StatusCode::OK);
            let voted = trade(body);
            assert!(voted.buyer_wants_cancel);
            assert_ne!(voted.state, TradeState::Cancelled);
            assert!(!voted.allows(Action::MutualCancel));
            let (status, body) = app.step(&m.buyer, t, "mutual-cancel", json!({})).await;
            assert_eq!(status, StatusCode::OK, "repeating a vote changes nothing");
            assert_ne!(trade(body).state, TradeState::Cancelled);
            let (status, body) = app.step(&m.seller, t, "mutual-cancel", json!({})).await;
            assert_eq!(status, StatusCode::OK);
            let cancelled = trade(body);
            assert_eq!(cancelled.state, TradeState::Cancelled);
            assert_eq!(cancelled.cancel_reason, Some(CancelReason::Mutual));
        }
        assert_eq!(app.balances(&m.seller).await, ("10.000000000000".into(), "0.000000000000".into(), "0.000000000000".into()));
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn the_platform_fee_goes_to_the_fees_account(app, Options::with(&["--platform-fee-bps", "150"])) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "2").await;
        let (_, body) = app.get(&format!("/transactions/trades/{t}"), m.buyer.t()).await;
        assert_eq!(body["fee"], "0.030000000000", "fees travel as twelve-decimal strings");
        assert_eq!(trade(body).fee, xmr("0.03"));
        app.step(&m.buyer, t, "paid", json!({})).await;
        app.step(&m.seller, t, "release", json!({})).await;
        assert_eq!(app.balances(&m.buyer).await.0, "1.970000000000");
        assert_eq!(app.balances(&m.seller).await.0, "8.000000000000");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn every_step_answers_with_the_trade_as_stored(app) {
        // A step answers with the row it wrote, without reading it back: the answer must be
        // what a read finds right after, field for field.
        let m = market(&app).await;
        let stored = async |who: &Party, t: i64| app.get(&format!("/transactions/trades/{t}"), who.t()).await.1;

        let (status, opened) = app.open_trade(&m.buyer, m.offer, "2").await;
        assert_eq!(status, StatusCode::CREATED, "{opened}");
        let t = trade(opened.clone()).id;
        assert_eq!(opened, stored(&m.buyer, t).await);
        let (_, paid) = app.step(&m.buyer, t, "paid", json!({})).await;
        assert_eq!(paid, stored(&m.buyer, t).await);
        let (_, disputed) = app.step(&m.seller, t, "dispute", dispute_body()).await;
        assert_eq!(trade(disputed.clone()).state, TradeState::Disputed);
        assert_eq!(disputed, stored(&m.seller, t).await);
        let (status, split) = app.post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(),
            json!({"outcome": "split", "buyer_share_bps": 2500, "reason": "half proof", "reason_code": "partial_payment"})).await;
        assert_eq!(status, StatusCode::OK, "{split}");
        assert_eq!(split, stored(&m.moderator, t).await);

        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (_, voted) = app.step(&m.seller, t, "mutual-cancel", json!({})).await;
        assert!(trade(voted.clone()).seller_wants_cancel);
        assert_eq!(voted, stored(&m.seller, t).await);
        let (_, cancelled) = app.step(&m.buyer, t, "mutual-cancel", json!({})).await;
        assert_eq!(trade(cancelled.clone()).cancel_reason, Some(CancelReason::Mutual));
        assert_eq!(cancelled, stored(&m.buyer, t).await);

        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (_, cancelled) = app.step(&m.buyer, t, "cancel", json!({})).await;
        assert_eq!(cancelled, stored(&m.buyer, t).await);

        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        let (_, released) = app.step(&m.seller, t, "release", json!({})).await;
        assert_eq!(trade(released.clone()).state, TradeState::Completed);
        assert_eq!(released, stored(&m.seller, t).await);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn both_parties_voting_to_cancel_at_once_cancel_the_trade(app) {
        // Each vote is written only if neither vote changed since it was read, so two votes
        // at the same moment cannot both be recorded without the trade being cancelled.
        let m = market(&app).await;
        for _ in 0..4 {
            let t = app.trade(&m.buyer, m.offer, "1").await;
            let (a, b) = tokio::join!(
                app.step(&m.buyer, t, "mutual-cancel", json!({})),
                app.step(&m.seller, t, "mutual-cancel", json!({})),
            );
            assert_eq!((a.0, b.0), (StatusCode::OK, StatusCode::OK), "{} {}", a.1, b.1);
            let now = trade(app.get(&format!("/transactions/trades/{t}"), m.buyer.t()).await.1);
            assert_eq!(now.state, TradeState::Cancelled, "both voted: {now:?}");
        }
        assert_eq!(app.balances(&m.seller).await.0, "10.000000000000");
        app.assert_ledger_consistent().await;
    }
}
