//! A margin offer and the inbox in real browsers (issue 15): a seller prices an offer at the
//! market plus 2.5 % on the web form, a buyer finds it at the computed price and opens a
//! trade, the market moves, and both trade pages keep the price and amounts locked at the
//! opening; meanwhile the seller's menu counts the trade's events, which the seller reads
//! in the inbox and marks read. The price APIs are replayed locally (see
//! `pupero_testkit::PriceSources`). Each runs on SQLite, MariaDB and PostgreSQL.
//!
//! The screenshots `market-offers`, `market-offer`, `market-trade` and `market-inbox` are
//! the README's (scripts/readme-screenshots.sh).

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use pupero_api::offers::OfferView;
use pupero_api::trades::TradeView;
use pupero_core::{Cents, Margin, Piconero, Role};

use crate::driver::{Browser, TIMEOUT};
use crate::helpers::{Party, TestApp, feed_test, typed};
use crate::steps::{shot, sign_in};

/// The XMR the buyer gets for 100.00 EUR at 152.75 EUR per XMR, rounded down to the
/// piconero: 10⁴ × 10¹² / 15 275 = 654 664 484 451.7…
const BOUGHT: &str = "0.654664484451";

/// A trader with a funded balance.
async fn funded(app: &TestApp, admin: &Party, username: &str) -> Party {
    let trader = app.party(username).await;
    app.credit(admin, trader.id, "5").await;
    trader
}

/// Other traders' offers and one finished trade, so the list looks like a market: a fixed
/// price, a margin under the market, and a buy offer.
async fn other_offers(app: &TestApp, admin: &Party) {
    let carl = funded(app, admin, "carl").await;
    let dora = funded(app, admin, "dora").await;
    let fixed = app.offer(&carl, "sell", "0.05", "1").await;
    let (status, body) = app
        .post(
            "/offers",
            dora.t(),
            json!({"side": "sell", "currency": "EUR",
            "price_mode": "margin", "margin_percent": "-1", "payment_method": "sepa",
            "min_amount": "0.2", "max_amount": "3", "payment_window_minutes": 60,
            "terms": "SEPA instant only."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .post(
            "/offers",
            carl.t(),
            json!({"side": "buy", "currency": "EUR",
            "price_mode": "margin", "margin_percent": "-2", "payment_method": "sepa",
            "min_amount": "0.1", "max_amount": "1", "payment_window_minutes": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Dora has bought from Carl once: a record to show next to his name.
    let trade = app.trade(&dora, fixed, "0.5").await;
    for (who, step) in [(&dora, "paid"), (&carl, "release")] {
        let (status, body) = app.step(who, trade, step, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{step}: {body}");
    }
}

/// The text of a listed offer's price cell.
async fn listed_price(browser: &Browser, offer: &str) -> String {
    browser
        .text(&format!(
            "tr[data-offer=\"{offer}\"] td[data-label=\"Price\"]"
        ))
        .await
}

/// Waits for the offers service to have repriced `offer` to `price` (its pass follows the
/// feed's refresh).
async fn wait_for_offer_price(app: &TestApp, offer: &str, price: &str) {
    let mut seen = String::new();
    for _ in 0..300 {
        let (status, body) = app.get(&format!("/offers/{offer}"), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        seen = typed::<OfferView>(&body).price;
        if seen == price {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("offer {offer} never repriced to {price} (still {seen})");
}

/// The trade page's facts (amount, price, total, parties) as one text.
async fn trade_facts(browser: &Browser) -> String {
    browser.text("dl.facts").await
}

/// The number on the menu's inbox link, if any.
async fn unread_badge(browser: &Browser) -> Option<String> {
    browser.wait_for("#nav-inbox", TIMEOUT).await;
    if browser.exists("#nav-unread").await {
        Some(browser.text("#nav-unread").await)
    } else {
        None
    }
}

feed_test! {
    async fn a_margin_offer_is_taken_at_its_locked_price_and_the_inbox_tells_the_seller(app, sources) {
        app.wait_for_market_price("EUR", "149.02").await;
        let admin = app.staff("olga", Role::Admin).await;
        other_offers(&app, &admin).await;
        let sara = funded(&app, &admin, "sara").await;
        let bea = app.party("bea").await;
        let seller = Browser::new().await;
        let buyer = Browser::new().await;
        tokio::join!(sign_in(&seller, &app, "sara"), sign_in(&buyer, &app, "bea"));

        // Sara prices her offer at the market plus a margin. Too large a margin is refused
        // naming the field as the form labels it; a decimal comma is read as a point.
        seller.goto(&format!("{}/offers/new", app.frontend)).await;
        seller.click("#side-sell").await;
        seller.fill("#currency", "EUR").await;
        seller.click("#mode-margin").await;
        seller.fill("#margin_percent", "60").await;
        seller.select("#payment_method", "sepa").await;
        seller.fill("#min_amount", "0.1").await;
        seller.fill("#max_amount", "2").await;
        seller.fill("#payment_window_minutes", "30").await;
        seller.fill("#terms", "SEPA transfer with the trade number as reference.").await;
        seller.submit_form("#offer-submit").await;
        let error = seller.text("#form-error").await;
        assert!(error.contains("Margin over the market (%)"), "{error}");
        seller.fill("#margin_percent", "2,5").await;
        seller.submit_form("#offer-submit").await;
        seller.wait_for_text("Your offer is live.", TIMEOUT).await;
        let offer = seller.current_path().await.trim_start_matches("/offers/").to_owned();
        // 149.02 × 1.025 = 152.7455, rounded half up to the cent.
        let market = Cents::parse_positive("149.02").unwrap();
        let margin = Margin::parse_percent("2.5").unwrap();
        assert_eq!(margin.apply(market).to_string(), "152.75");
        assert_eq!(seller.text("h1").await, "152.75 EUR per XMR");
        assert_eq!(seller.text("#offer-pricing").await, "market +2.50 %, now");

        // Bea finds it at that price among the others.
        buyer.goto(&format!("{}/?want=buy&currency=EUR", app.frontend)).await;
        assert_eq!(listed_price(&buyer, &offer).await, "152.75 EUR / XMR · market +2.50 %");
        // Dora's: 149.02 × 0.99 = 147.5298; Carl's fixed price does not follow the market.
        buyer.wait_for_text("147.53 EUR / XMR · market -1.00 %", TIMEOUT).await;
        buyer.wait_for_text("150.00 EUR / XMR", TIMEOUT).await;
        shot(&buyer, "market-offers").await;
        buyer.click(&format!("tr[data-offer=\"{offer}\"] a.button")).await;
        buyer.wait_for("#trade-form", TIMEOUT).await;
        assert_eq!(buyer.text("h1").await, "152.75 EUR per XMR");
        assert_eq!(buyer.text("#offer-pricing").await, "market +2.50 %, now");
        // 0.1 × 152.75 = 15.275 → 15.28; 2 × 152.75 = 305.50.
        assert_eq!(buyer.text("#offer-fiat-limits").await, "(15.28 – 305.50 EUR now)");
        shot(&buyer, "market-offer").await;

        // She asks for 100.00 EUR worth (instead of the XMR amount the form suggests): the
        // XMR is rounded down to the piconero.
        buyer.fill("#trade-amount", "").await;
        buyer.fill("#trade-fiat", "100").await;
        buyer.submit_form("#start-trade").await;
        buyer.wait_for_text("The seller's XMR is now held in escrow.", TIMEOUT).await;
        let trade_path = buyer.current_path().await;
        let trade_id: i64 = trade_path.trim_start_matches("/trades/").parse().unwrap();
        let amount = Piconero::parse_xmr(BOUGHT).unwrap();
        assert_eq!(amount.as_i64(), 654_664_484_451);
        // The total is the code's: amount × price, rounded half up to the cent.
        assert_eq!(Cents::total(amount, margin.apply(market)).to_string(), "100.00");
        let locked = |facts: &str| {
            assert!(facts.contains(&format!("{BOUGHT} XMR")), "{facts}");
            assert!(facts.contains("152.75 EUR per XMR"), "{facts}");
            assert!(facts.contains("100.00 EUR by SEPA"), "{facts}");
        };
        assert_eq!(buyer.text("#trade-amount").await, format!("{BOUGHT} XMR"));
        assert_eq!(buyer.text("#trade-fiat").await, "100.00 EUR");
        locked(&trade_facts(&buyer).await);
        let (status, body) = app.get(&format!("/transactions/trades/{trade_id}"), bea.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let opened: TradeView = typed(&body);
        assert_eq!((opened.amount, opened.price.as_str(), opened.fiat_total.as_str()), (amount, "152.75", "100.00"));

        // Sara's menu counts the new trade; she reads it in the inbox and marks it read.
        seller.goto(&format!("{}/", app.frontend)).await;
        assert_eq!(unread_badge(&seller).await.as_deref(), Some("1"));
        seller.click("#nav-inbox").await;
        seller.wait_for_path("/notifications", TIMEOUT).await;
        let opened_note = format!("Someone opened trade #{trade_id} for {BOUGHT} XMR on your offer.");
        assert_eq!(seller.text("#inbox li.unread a").await, opened_note);
        seller.submit_form("#inbox li.unread button").await;
        seller.wait_for_text("Marked as read.", TIMEOUT).await;
        assert_eq!(unread_badge(&seller).await, None);
        assert!(!seller.exists("#inbox li.unread").await);

        // A second look at the offer, before the market moves: its form carries the price
        // shown then.
        buyer.goto(&format!("{}/offers/{offer}", app.frontend)).await;
        buyer.wait_for("#trade-form", TIMEOUT).await;

        // The market moves to 160.00: the offer follows (160 × 1.025 = 164.00), the trade
        // does not.
        sources.eur("160.00");
        app.wait_for_market_price("EUR", "160.00").await;
        wait_for_offer_price(&app, &offer, "164.00").await;
        // The page still showing 152.75 opens nothing: the price it offered has changed.
        buyer.fill("#trade-amount", "0.5").await;
        buyer.submit_form("#start-trade").await;
        let refusal = buyer.text("#flash").await;
        assert!(refusal.contains("from 152.75 to 164.00 EUR per XMR"), "{refusal}");
        assert_eq!(buyer.text("h1").await, "164.00 EUR per XMR");
        buyer.goto(&format!("{}{trade_path}", app.frontend)).await;
        locked(&trade_facts(&buyer).await);
        buyer.submit_form("#action-paid").await;
        buyer.wait_for_text("Marked as paid", TIMEOUT).await;
        locked(&trade_facts(&buyer).await);

        // The payment is news for Sara: the badge is back, the inbox links to the trade.
        seller.goto(&format!("{}/", app.frontend)).await;
        assert_eq!(unread_badge(&seller).await.as_deref(), Some("1"));
        seller.click("#nav-inbox").await;
        seller.wait_for_path("/notifications", TIMEOUT).await;
        assert_eq!(
            seller.text("#inbox li.unread a").await,
            format!("The buyer marked trade #{trade_id} as paid: check the payment and release {BOUGHT} XMR.")
        );
        assert_eq!(seller.text("#inbox li:not(.unread) a").await, opened_note);
        assert_eq!(seller.attr("#inbox li.unread a", "href").await.as_deref(), Some(trade_path.as_str()));
        shot(&seller, "market-inbox").await;
        seller.click("#inbox li.unread a").await;
        seller.wait_for_path(&trade_path, TIMEOUT).await;
        seller.wait_for("#action-release", TIMEOUT).await;
        let facts = trade_facts(&seller).await;
        locked(&facts);
        assert!(facts.contains("sara (you)"), "{facts}");
        shot(&seller, "market-trade").await;
        // Opening the trade is not reading the inbox.
        assert_eq!(unread_badge(&seller).await.as_deref(), Some("1"));
        seller.click("#nav-inbox").await;
        seller.wait_for_path("/notifications", TIMEOUT).await;
        seller.submit_form("#inbox li.unread button").await;
        seller.wait_for_text("Marked as read.", TIMEOUT).await;
        assert_eq!(unread_badge(&seller).await, None);
        assert_eq!(seller.text("#inbox-unread").await, "0 unread.");

        // Sara releases: Bea gets exactly the locked amount.
        seller.goto(&format!("{}{trade_path}", app.frontend)).await;
        seller.eval("window.confirm = function () { return true; };").await;
        seller.submit_form("#action-release").await;
        seller.wait_for_text("Released.", TIMEOUT).await;
        assert_eq!(app.balances(&bea).await.0, BOUGHT);
        assert_eq!(app.balances(&sara).await.0, "4.345335515549");

        app.assert_ledger_consistent().await;
        for b in [seller, buyer] {
            b.close().await;
        }
    }
}
