//! Issue 9, the trade holes: bait-and-switch (item 4), a stale mutual-cancel vote (item 6),
//! escrow griefing (item 7), deletion racing a trade (item 9), and the offers of disabled
//! and deleted accounts (item 10, the listing half).

use pupero_api::ErrorCode;
use std::time::{Duration, Instant};

use pupero_core::{Role, TradeState};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use pupero_api::Paged;
use pupero_api::offers::OfferView;
use pupero_api::trades::TradeView;

use crate::helpers::{
    Options, PASSWORD, Party, TestApp, db_test, error_code, error_field, error_of, typed,
};
use crate::trading::market;
use crate::web::{Page, Web};

fn escrow_of(b: &(String, String, String)) -> &str {
    &b.1
}

async fn trades_of_buyer(app: &TestApp, buyer_id: i64) -> u64 {
    use pupero_transactions::entity::trade;
    trade::Entity::find()
        .filter(trade::Column::BuyerId.eq(buyer_id))
        .count(&app.db)
        .await
        .unwrap()
}

db_test! {
    // Issue 9 item 4: the maker repriced 200.00 → 0.01 between the taker's view and click,
    // and 5 XMR went into escrow for 0.05 EUR. The taker now sends the price it saw.
    async fn a_price_changed_since_the_taker_saw_it_opens_nothing(app) {
        let m = market(&app).await;
        let (_, seen) = app.get(&format!("/offers/{}", m.offer), m.buyer.t()).await;
        assert_eq!(typed::<OfferView>(&seen).price, "150.00");
        let (status, _) = app
            .call("PATCH", &format!("/offers/{}", m.offer), m.seller.t(), Some(json!({"price": "0.01"})))
            .await;
        assert_eq!(status, StatusCode::OK);

        let (status, answer) = app
            .post("/transactions/trades", m.buyer.t(), json!({"offer_id": m.offer, "amount": "5", "price": "150.00"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
        assert_eq!(error_code(&answer), ErrorCode::OfferChanged);
        let terms = error_of(&answer).extra;
        let term = |k: &str| terms.get(k).map(String::as_str);
        assert_eq!(term("price"), Some("0.01"), "the current terms come back: {answer}");
        assert_eq!((term("currency"), term("max_amount")), (Some("EUR"), Some("5.000000000000")));

        // Without the price it saw, the taker is told which field is missing.
        let (status, answer) = app
            .post("/transactions/trades", m.buyer.t(), json!({"offer_id": m.offer, "amount": "5"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(error_field(&answer).as_deref(), Some("price"));
        let (status, answer) = app
            .post("/transactions/trades", m.buyer.t(), json!({"offer_id": m.offer, "amount": "5", "price": "cheap"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(error_field(&answer).as_deref(), Some("price"));

        assert_eq!(app.balances(&m.seller).await, ("10.000000000000".into(), "0.000000000000".into(), "0.000000000000".into()));
        assert_eq!(trades_of_buyer(&app, m.buyer.id).await, 0, "nothing opened");

        // Agreeing to the price now shown opens the trade at that price.
        let (status, t) = app
            .post("/transactions/trades", m.buyer.t(), json!({"offer_id": m.offer, "amount": "5", "price": "0.01"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{t}");
        let t: TradeView = typed(&t);
        assert_eq!((t.price.as_str(), t.fiat_total.as_str()), ("0.01", "0.05"));
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // Issue 9 item 4, web: the start-trade form carries the price it showed; when the maker
    // changed it meanwhile, the page comes back with the change and the new terms.
    async fn the_start_trade_page_shows_a_price_changed_meanwhile(app) {
        let admin = app.staff("root", Role::Admin).await;
        let seller = app.party("sol").await;
        app.credit(&admin, seller.id, "3").await;
        let offer = app.offer(&seller, "sell", "0.1", "2").await;
        let buyer = Web::new(&app);
        buyer.register("bob").await;
        let page = buyer.get(&format!("/offers/{offer}")).await;
        assert!(page.body.contains(r#"name="price" value="150.00""#), "the form carries the price shown: {}", page.body);

        let (status, _) = app
            .call("PATCH", &format!("/offers/{offer}"), seller.t(), Some(json!({"price": "120.00"})))
            .await;
        assert_eq!(status, StatusCode::OK);
        let answer = buyer
            .submit(&format!("/offers/{offer}"), &format!("/offers/{offer}/trade"), &[("amount", "1"), ("key", "k1"), ("price", "150.00")])
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        assert_eq!(answer.location(), format!("/offers/{offer}"), "back to the offer, no trade");
        let shown: Page = buyer.follow(&answer).await;
        assert!(shown.body.contains("flash-error"), "{}", shown.body);
        assert!(shown.body.contains("changed"), "says what happened: {}", shown.body);
        assert!(shown.body.contains(r#"name="price" value="120.00""#), "shows the new terms: {}", shown.body);
        assert_eq!(escrow_of(&app.balances(&seller).await), "0.000000000000");

        // Starting again from the page as it is now opens the trade.
        let opened = buyer
            .submit(&format!("/offers/{offer}"), &format!("/offers/{offer}/trade"), &[("amount", "1"), ("key", "k2"), ("price", "120.00")])
            .await;
        assert!(opened.location().starts_with("/trades/"), "{}", opened.location());
        assert_eq!(escrow_of(&app.balances(&seller).await), "1.000000000000");
    }
}

db_test! {
    // Issue 9 item 6: a buyer's cancel vote cast before paying survived `paid`; the seller
    // then cancelled and kept the XMR after the fiat was sent, and the buyer's dispute got 409.
    async fn a_cancel_vote_cast_before_paying_does_not_survive_paid(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "2").await;
        let (status, body) = app.step(&m.buyer, t, "mutual-cancel", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(typed::<TradeView>(&body).buyer_wants_cancel);
        let (status, body) = app.step(&m.buyer, t, "paid", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!typed::<TradeView>(&body).buyer_wants_cancel, "the vote was for the unpaid trade");

        let (status, body) = app.step(&m.seller, t, "mutual-cancel", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let proposed: TradeView = typed(&body);
        assert_eq!(proposed.state, TradeState::Paid, "the seller's click is only a proposal now");
        assert!(proposed.seller_wants_cancel);
        assert_eq!(escrow_of(&app.balances(&m.seller).await), "2.000000000000", "the escrow is still held");

        let (status, body) = app.step(&m.buyer, t, "dispute", json!({"statement": "I paid, the seller tries to cancel"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let disputed: TradeView = typed(&body);
        assert_eq!((disputed.state, disputed.seller_wants_cancel), (TradeState::Disputed, false));
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // Issue 9 item 7: a buyer holding 0 XMR opened 5 trades and locked a seller's whole
    // 10 XMR. A new taker may hold MAX_OPEN_TRADES_NEW_TAKER (default 2), even when the
    // opens arrive all at once.
    async fn a_new_taker_cannot_lock_more_than_the_cap_even_all_at_once(app) {
        let m = market(&app).await;
        let opens = (0..8).map(|_| app.open_trade(&m.buyer, m.offer, "1"));
        let results = futures::future::join_all(opens).await;
        let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        assert_eq!(created, 2, "{results:?}");
        for (status, body) in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
            assert_eq!(*status, StatusCode::TOO_MANY_REQUESTS, "{body}");
            assert_eq!(error_code(body), ErrorCode::OpenTradeLimit);
            let error = error_of(body);
            assert!(error.message.contains("MAX_OPEN_TRADES_NEW_TAKER"), "{body}");
            assert_eq!(error.extra.get("limit").map(String::as_str), Some("2"));
        }
        assert_eq!(app.balances(&m.seller).await, ("8.000000000000".into(), "2.000000000000".into(), "0.000000000000".into()));
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // Issue 9 item 7: the cap grows to MAX_OPEN_TRADES_PER_TAKER once the taker has
    // completed NEW_TAKER_COMPLETED_TRADES trades; finished trades free their slot.
    async fn the_taker_cap_grows_with_completed_trades(app, Options::with(&[
        "--login-rate-per-minute", "100000", "--register-rate-per-hour", "100000",
        "--max-open-trades-new-taker", "1", "--max-open-trades-per-taker", "2", "--new-taker-completed-trades", "1",
    ])) {
        let m = market(&app).await;
        let first = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = app.open_trade(&m.buyer, m.offer, "1").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert_eq!(error_code(&body), ErrorCode::OpenTradeLimit);
        app.step(&m.buyer, first, "paid", json!({})).await;
        let (status, body) = app.step(&m.seller, first, "release", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        app.trade(&m.buyer, m.offer, "1").await;
        app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = app.open_trade(&m.buyer, m.offer, "1").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(error_of(&body).message.contains("MAX_OPEN_TRADES_PER_TAKER"), "{body}");
        assert_eq!(escrow_of(&app.balances(&m.seller).await), "2.000000000000");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // Issue 9 item 7: one offer holds at most MAX_OPEN_TRADES_PER_OFFER open trades,
    // whoever the takers are and however concurrent.
    async fn one_offer_holds_at_most_its_cap_of_open_trades(app, Options::with(&[
        "--login-rate-per-minute", "100000", "--register-rate-per-hour", "100000", "--max-open-trades-per-offer", "3",
    ])) {
        let m = market(&app).await;
        let mut takers: Vec<Party> = Vec::new();
        for i in 0..6 {
            takers.push(app.party(&format!("taker{i}")).await);
        }
        let opens = takers.iter().map(|t| app.open_trade(t, m.offer, "1"));
        let results = futures::future::join_all(opens).await;
        let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
        assert_eq!(created, 3, "{results:?}");
        for (status, body) in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
            assert_eq!(*status, StatusCode::CONFLICT, "{body}");
            assert_eq!(error_code(body), ErrorCode::OfferTradeLimit);
        }
        assert_eq!(escrow_of(&app.balances(&m.seller).await), "3.000000000000");
        app.assert_ledger_consistent().await;
    }
}

async fn is_deleted(app: &TestApp, user_id: i64) -> bool {
    use pupero_login::entity::user;
    user::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .deleted_at_ms
        .is_some()
}

async fn delete_account(app: &TestApp, who: &Party) -> (StatusCode, serde_json::Value) {
    app.call(
        "DELETE",
        "/auth/me",
        who.t(),
        Some(json!({"current_password": PASSWORD})),
    )
    .await
}

db_test! {
    // Issue 9 item 9: deleting an account ~19 ms before a trade open left a deleted account
    // with an open trade. Each round races a deletion against an open by the same account,
    // with the open started at moments spread over the deletion's last stretch (where its
    // holdings check and its erasure happen). Every round must end in exactly one of
    // (deleted, no trade) or (trade open, deletion refused with 409 account_in_use).
    async fn deleting_an_account_and_opening_a_trade_never_both_happen(app) {
        let m = market(&app).await;
        // How long each side takes here, to aim the opens at the deletion's decisive moment.
        let probe = app.party("probe").await;
        let started = Instant::now();
        let (status, body) = delete_account(&app, &probe).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let deletion = started.elapsed();
        let probe = app.party("probe2").await;
        let started = Instant::now();
        let t = app.trade(&probe, m.offer, "0.1").await;
        let opening = started.elapsed();
        app.step(&probe, t, "cancel", json!({})).await;

        let rounds: u32 = 16;
        let earliest = deletion.saturating_sub(opening + Duration::from_millis(120));
        let span = opening + Duration::from_millis(140);
        let mut outcomes = (0, 0);
        for round in 0..rounds {
            let who = app.party(&format!("racer{round}")).await;
            let delay = earliest + span * round / rounds;
            let open = async {
                tokio::time::sleep(delay).await;
                app.open_trade(&who, m.offer, "0.1").await
            };
            let ((deleted_status, deleted_body), (opened_status, opened_body)) =
                tokio::join!(delete_account(&app, &who), open);
            let deleted = is_deleted(&app, who.id).await;
            let trades = trades_of_buyer(&app, who.id).await;
            assert!(
                deleted != (trades > 0),
                "round {round}: deleted = {deleted}, trades = {trades}; delete {deleted_status} {deleted_body}, open {opened_status} {opened_body}"
            );
            if deleted {
                assert_eq!(deleted_status, StatusCode::NO_CONTENT, "{deleted_body}");
                assert_ne!(opened_status, StatusCode::CREATED, "{opened_body}");
                outcomes.0 += 1;
            } else {
                assert_eq!(opened_status, StatusCode::CREATED, "{opened_body}");
                assert_eq!(deleted_status, StatusCode::CONFLICT, "{deleted_body}");
                assert_eq!(error_code(&deleted_body), ErrorCode::AccountInUse);
                let id = typed::<TradeView>(&opened_body).id;
                let (status, body) = app.step(&who, id, "cancel", json!({})).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                outcomes.1 += 1;
            }
        }
        eprintln!("deleted first: {}, opened first: {}", outcomes.0, outcomes.1);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    // Issue 9 item 10: a disabled account's offers stayed listed and takeable (a seller's
    // 2 XMR got locked with a deleted buyer). Disabled and deleted makers' offers vanish
    // from listings and offer pages and cannot be taken; enabling shows them again.
    async fn offers_of_disabled_and_deleted_accounts_are_hidden_and_not_takeable(app) {
        let m = market(&app).await;
        let listed = async |owner: i64| {
            let (status, page) = app.get(&format!("/offers?owner_id={owner}"), None).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            typed::<Paged<OfferView>>(&page).total
        };
        assert_eq!(listed(m.seller.id).await, 1);

        let (status, body) = app
            .post(&format!("/auth/admin/users/{}/disable", m.seller.id), m.admin.t(), json!({"disabled": true}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(listed(m.seller.id).await, 0, "gone from the listing");
        let (_, all) = app.get("/offers", None).await;
        assert!(typed::<Paged<OfferView>>(&all).items.iter().all(|o| o.owner_id != m.seller.id), "{all}");
        let (status, _) = app.get(&format!("/offers/{}", m.offer), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "gone from its page");
        let (status, body) = app.open_trade(&m.buyer, m.offer, "1").await;
        assert!(status == StatusCode::NOT_FOUND || status == StatusCode::CONFLICT, "{status} {body}");
        assert_eq!(escrow_of(&app.balances(&m.seller).await), "0.000000000000");

        let (status, body) = app
            .post(&format!("/auth/admin/users/{}/disable", m.seller.id), m.admin.t(), json!({"disabled": false}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(listed(m.seller.id).await, 1, "back once enabled");
        let (status, _) = app.get(&format!("/offers/{}", m.offer), None).await;
        assert_eq!(status, StatusCode::OK);
        app.trade(&m.buyer, m.offer, "1").await;

        // A deleted account's offers go too (a buy offer: no funds needed to leave).
        let leaver = app.party("leaver").await;
        let buy_offer = app.offer(&leaver, "buy", "0.1", "1").await;
        assert_eq!(listed(leaver.id).await, 1);
        let (status, body) = delete_account(&app, &leaver).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(listed(leaver.id).await, 0);
        let (status, _) = app.get(&format!("/offers/{buy_offer}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Disabling ended the seller's sessions: they sign in again to try.
        let seller = Party { id: m.seller.id, token: app.login("seller").await.access };
        let (status, body) = app.open_trade(&seller, buy_offer, "0.5").await;
        assert!(status == StatusCode::NOT_FOUND || status == StatusCode::CONFLICT, "{status} {body}");
        assert_eq!(escrow_of(&app.balances(&m.seller).await), "1.000000000000", "only the trade opened above");
        app.assert_ledger_consistent().await;
    }
}
