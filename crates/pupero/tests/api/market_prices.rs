//! The price feed and margin offers (issue 15 items 1 and 2): four price sources replayed
//! by a local HTTP server in their APIs' documented formats (the fixtures of
//! crates/pupero-offers/fixtures/prices), their median with outliers dropped, margin
//! offers priced from it and taken at the locked price, price guards, and the stale-feed
//! breaker. The server's answers change during a test; every wait below is for the next
//! refresh (PRICE_REFRESH_SECONDS=1) to have seen the change.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use pupero_api::Paged;
use pupero_api::offers::{MarketPrice, OfferView};
use pupero_api::trades::TradeView;
use pupero_core::{OfferHalt, PriceMode, Role};

use crate::helpers::{
    ErrorCode, PRICE_SOURCES as KINDS, Party, PriceReply as Reply, TestApp, error_code, error_of,
    eur_at, feed_test, typed,
};

/// Polls until `$check` (evaluated afresh each time) is `Some`, or fails naming `$what`:
/// the change it waits for needs a refresh first. (A macro: an async closure here makes
/// the test's future not `Send` for every lifetime.)
macro_rules! until {
    ($what:expr, $check:expr) => {{
        let mut found = None;
        for _ in 0..300 {
            found = $check;
            if found.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        found.unwrap_or_else(|| panic!("never happened: {}", $what))
    }};
}

/// Waits for the EUR market price to be `price` and fresh.
async fn eur_is(app: &TestApp, price: &str) -> MarketPrice {
    app.wait_for_market_price("EUR", price).await
}

async fn listed(app: &TestApp) -> Paged<OfferView> {
    let (status, body) = app.get("/offers?currency=EUR", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    typed(&body)
}

async fn margin_offer(app: &TestApp, seller: &Party, margin: &str, extra: Value) -> OfferView {
    let mut body = json!({"side": "sell", "currency": "EUR", "price_mode": "margin",
        "margin_percent": margin, "payment_method": "sepa", "min_amount": "0.1",
        "max_amount": "2", "payment_window_minutes": 30});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, body) = app.post("/offers", seller.t(), body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    typed(&body)
}

async fn take(app: &TestApp, buyer: &Party, offer: i64, price: &str) -> (StatusCode, Value) {
    app.post(
        "/transactions/trades",
        buyer.t(),
        json!({"offer_id": offer, "amount": "1", "price": price}),
    )
    .await
}

async fn funded_seller(app: &TestApp) -> Party {
    let admin = app.staff("admin", Role::Admin).await;
    let seller = app.party("seller").await;
    app.credit(&admin, seller.id, "10").await;
    seller
}

feed_test! {
    async fn the_market_price_is_the_median_of_the_sources_without_outliers(app, sources) {
        // EUR: Kraken 148.88, CoinGecko 149.02, CryptoCompare 149.10 → 149.02.
        let eur = eur_is(&app, "149.02").await;
        let mut names: Vec<&str> = eur.quotes.iter().map(|q| q.source.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["coingecko", "cryptocompare", "kraken"]);
        assert!(eur.quotes.iter().all(|q| q.used), "{eur:?}");
        // USD: all four, 162.15 / 162.27 / 162.31 / 162.40 → the middle two's mean.
        let usd = app.market_price("USD").await.unwrap();
        assert_eq!((usd.price.as_str(), usd.quotes.len()), ("162.29", 4));
        let shown = app.price_board().await;
        assert_eq!(shown.sources, KINDS);
        assert_eq!((shown.refresh_seconds, shown.stale_seconds), (1, 3));

        // One source far off is dropped; the others' median stands.
        sources.set("cryptocompare", Reply::Body(eur_at("cryptocompare", "300.00")));
        let eur = eur_is(&app, "148.95").await;
        let outlier = eur.quotes.iter().find(|q| q.source == "cryptocompare").unwrap();
        assert_eq!((outlier.price.as_str(), outlier.used), ("300.00", false));

        // A malformed body, an error status and a source that never answers: the one
        // left prices EUR alone, and nothing else breaks.
        sources.set("kraken", Reply::Body("<html>502 Bad Gateway</html>".into()));
        sources.set("coingecko", Reply::Status(429));
        sources.set("bitfinex", Reply::Hang);
        sources.set("cryptocompare", Reply::Body(eur_at("cryptocompare", "151.234")));
        let eur = eur_is(&app, "151.23").await;
        assert_eq!(eur.quotes.len(), 1, "{eur:?}");
    }
}

feed_test! {
    async fn a_margin_offer_is_taken_at_the_price_locked_when_it_opens(app, sources) {
        eur_is(&app, "149.02").await;
        let seller = funded_seller(&app).await;
        let buyer = app.party("buyer").await;
        // 149.02 × 1.025 = 152.7455 → 152.75
        let offer = margin_offer(&app, &seller, "2.5", json!({})).await;
        assert_eq!((offer.price_mode, offer.price.as_str()), (PriceMode::Margin, "152.75"));
        assert_eq!(offer.margin_percent.as_deref(), Some("2.50"));
        assert_eq!(offer.halted, None);
        assert_eq!(listed(&app).await.items[0].price, "152.75");

        let (status, body) = take(&app, &buyer, offer.id, "152.75").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let trade: TradeView = typed(&body);
        assert_eq!((trade.price.as_str(), trade.fiat_total.as_str()), ("152.75", "152.75"));

        // The market moves: the offer follows, the open trade keeps its price, and a
        // taker who saw the old price is refused with the new one.
        sources.eur("160.00");
        eur_is(&app, "160.00").await;
        until!(
            "the offer repriced",
            listed(&app).await.items.first().filter(|o| o.price == "164.00").map(|_| ())
        );
        let (status, body) = take(&app, &buyer, offer.id, "152.75").await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(error_code(&body), ErrorCode::OfferChanged);
        assert_eq!(error_of(&body).extra.get("price").map(String::as_str), Some("164.00"));
        let (status, body) = app
            .get(&format!("/transactions/trades/{}", trade.id), buyer.t())
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<TradeView>(&body).price, "152.75");
        let (status, body) = take(&app, &buyer, offer.id, "164.00").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(typed::<TradeView>(&body).price, "164.00");
        app.assert_ledger_consistent().await;
    }
}

feed_test! {
    async fn a_stale_feed_hides_margin_offers_and_refuses_them_but_not_fixed_ones(app, sources) {
        eur_is(&app, "149.02").await;
        let seller = funded_seller(&app).await;
        let buyer = app.party("buyer").await;
        let margin = margin_offer(&app, &seller, "-1", json!({})).await;
        let fixed = app.offer(&seller, "sell", "0.1", "2").await;
        assert_eq!(listed(&app).await.total, 2);

        for kind in KINDS {
            sources.set(kind, Reply::Status(503));
        }
        until!("EUR stale", app.market_price("EUR").await.filter(|p| !p.fresh));
        let page = listed(&app).await;
        assert_eq!(page.items.iter().map(|o| o.id).collect::<Vec<_>>(), [fixed]);
        let (_, body) = app.get(&format!("/offers/{}", margin.id), None).await;
        assert_eq!(typed::<OfferView>(&body).halted, Some(OfferHalt::PriceFeedStale));
        let (status, body) = take(&app, &buyer, margin.id, &margin.price).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(error_code(&body), ErrorCode::PriceFeedStale);
        let (status, body) = app
            .post("/offers", seller.t(), json!({"side": "sell", "currency": "EUR",
                "price_mode": "margin", "margin_percent": "1", "payment_method": "sepa",
                "min_amount": "0.1", "max_amount": "1", "payment_window_minutes": 30}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(error_code(&body), ErrorCode::PriceFeedStale);
        let (status, body) = take(&app, &buyer, fixed, "150.00").await;
        assert_eq!(status, StatusCode::CREATED, "fixed offers ignore the feed: {body}");

        // The feed comes back: so does the offer.
        sources.eur("149.02");
        eur_is(&app, "149.02").await;
        until!(
            "the margin offer listed again",
            listed(&app).await.items.iter().any(|o| o.id == margin.id).then_some(())
        );
        app.assert_ledger_consistent().await;
    }
}

feed_test! {
    async fn price_guards_pause_a_margin_offer_and_resume_it(app, sources) {
        eur_is(&app, "149.02").await;
        let seller = funded_seller(&app).await;
        let buyer = app.party("buyer").await;
        let offer = margin_offer(&app, &seller, "0", json!({"price_min": "140", "price_max": "155"})).await;
        assert_eq!((offer.price_min.as_deref(), offer.price_max.as_deref()), (Some("140.00"), Some("155.00")));
        assert_eq!(listed(&app).await.total, 1);

        for (market, halt) in [("160.00", OfferHalt::AbovePriceMax), ("130.00", OfferHalt::BelowPriceMin)] {
            sources.eur(market);
            eur_is(&app, market).await;
            // The repricing pass follows the feed: wait for this market's reason, not only
            // for a pause (from 160 to 130 the offer is paused already, for the old one).
            until!("the offer paused for this market", {
                let (_, body) = app.get(&format!("/offers/{}", offer.id), None).await;
                (typed::<OfferView>(&body).halted == Some(halt)).then_some(())
            });
            assert_eq!(listed(&app).await.total, 0, "a paused offer is not listed");
            let (status, body) = take(&app, &buyer, offer.id, market).await;
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert_eq!(error_code(&body), ErrorCode::OfferNotOpen);
        }
        sources.eur("150.00");
        eur_is(&app, "150.00").await;
        until!("the offer resumed", (listed(&app).await.total == 1).then_some(()));
        let (status, body) = take(&app, &buyer, offer.id, "150.00").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

feed_test! {
    async fn bad_pricing_is_refused_naming_the_field(app, sources) {
        let _ = &sources;
        eur_is(&app, "149.02").await;
        let seller = app.party("seller").await;
        let base = json!({"side": "sell", "currency": "EUR", "payment_method": "sepa",
            "min_amount": "0.1", "max_amount": "1", "payment_window_minutes": 30});
        for (extra, field) in [
            (json!({"price_mode": "float", "price": "150"}), "price_mode"),
            (json!({"price_mode": "margin"}), "margin_percent"),
            (json!({"price_mode": "margin", "margin_percent": "60"}), "margin_percent"),
            (json!({"price_mode": "margin", "margin_percent": "2,5"}), "margin_percent"),
            (json!({"price_mode": "margin", "margin_percent": "1", "price": "150"}), "price"),
            (json!({"price_mode": "fixed", "price": "150", "margin_percent": "1"}), "margin_percent"),
            (json!({"price": "150", "price_max": "160"}), "price_max"),
            (json!({"price_mode": "margin", "margin_percent": "1", "price_min": "170", "price_max": "160"}), "price_min"),
            (json!({"price_mode": "margin", "margin_percent": "1", "price_min": "cheap"}), "price_min"),
            (json!({}), "price"),
        ] {
            let mut body = base.clone();
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            let (status, answer) = app.post("/offers", seller.t(), body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{extra}: {answer}");
            assert_eq!(error_of(&answer).field.as_deref(), Some(field), "{extra}: {answer}");
        }
        let (_, mine) = app.get("/me/offers", seller.t()).await;
        assert_eq!(typed::<Paged<OfferView>>(&mine).total, 0, "nothing was created");
    }
}
