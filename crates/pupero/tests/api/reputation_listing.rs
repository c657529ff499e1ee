//! Reputation where decisions are made (issue 15 item 3): listings and offer pages carry
//! each owner's record, in bands that do not reveal a trader's exact volume; listings
//! filter and sort by it; the offers service learns each change before the change is
//! answered (the very next read shows it), and a telling lost to a crash is told again.

use std::time::{Duration, Instant};

use pupero_api::Paged;
use pupero_api::internal::offers::{TradeRecordTold, TradeRecordsTold};
use pupero_api::offers::{OfferView, TraderRecord};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::{Options, Party, TestApp, db_test, error_field, typed};
use crate::trading::market;
use crate::web::Web;

const DAY_MS: i64 = 86_400_000;

async fn listing(app: &TestApp, query: &str) -> Vec<OfferView> {
    let (status, body) = app.get(&format!("/offers?{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    typed::<Paged<OfferView>>(&body).items
}

/// The record the listing shows beside `offer` (read afresh each time).
async fn listed_record(app: &TestApp, offer: i64) -> TraderRecord {
    listing(app, "limit=100")
        .await
        .into_iter()
        .find(|o| o.id == offer)
        .unwrap_or_else(|| panic!("offer {offer} is not listed"))
        .owner_record
        .expect("a listed offer carries its owner's record")
}

async fn shown_record(app: &TestApp, offer: i64) -> TraderRecord {
    let (status, body) = app.get(&format!("/offers/{offer}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    typed::<OfferView>(&body)
        .owner_record
        .expect("an offer carries its owner's record")
}

/// Tells offers a trade record as the transactions service would.
async fn tell_record(app: &TestApp, user_id: i64, mut told: serde_json::Value) -> TradeRecordTold {
    told["user_id"] = json!(user_id);
    let token = app.keys().issue_service("transactions").unwrap().token;
    let (status, body) = app
        .call_at(
            &app.offers,
            "PUT",
            "/internal/traders/records",
            Some(&token),
            Some(json!({"records": [told]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut told: TradeRecordsTold = typed(&body);
    told.records.pop().expect("the record told")
}

fn record(completed: u64, reviews: u64, rating: Option<i64>, version: i64) -> serde_json::Value {
    json!({"completed_trades": completed, "cancellations": 0, "lost_disputes": 0,
           "reviews_count": reviews, "rating_hundredths": rating, "version": version})
}

/// A completed trade of `amount` between the market's seller and buyer.
async fn completed_trade(app: &TestApp, seller: &Party, buyer: &Party, offer: i64) -> i64 {
    let t = app.trade(buyer, offer, "1").await;
    let (status, body) = app.step(buyer, t, "paid", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.step(seller, t, "release", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t
}

db_test! {
    async fn the_record_is_shown_and_each_change_is_on_the_very_next_read(app) {
        let m = market(&app).await;
        let buying = app.offer(&m.buyer, "buy", "0.1", "1").await;
        // Read first, so a kept answer exists that each change must replace.
        let fresh = listed_record(&app, m.offer).await;
        assert_eq!(fresh.completed_trades, "0");
        assert_eq!(fresh.rating, None);
        assert_eq!(fresh.last_seen.as_deref(), Some("today"), "signing in is being seen");
        assert_eq!(fresh.account_age_days, Some(0));

        let t = completed_trade(&app, &m.seller, &m.buyer, m.offer).await;
        assert_eq!(listed_record(&app, m.offer).await.completed_trades, "1");
        assert_eq!(shown_record(&app, m.offer).await.completed_trades, "1");

        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/review"), m.buyer.t(), json!({"rating": 4}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let reviewed = listed_record(&app, m.offer).await;
        assert_eq!((reviewed.rating.as_deref(), reviewed.reviews.as_str()), (Some("4.0"), "1"));

        // The buyer cancels one: counted against the buyer, beside the buyer's own offer.
        assert_eq!(listed_record(&app, buying).await.cancellations, "0");
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = app.step(&m.buyer, t, "cancel", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let buyer = listed_record(&app, buying).await;
        assert_eq!((buyer.cancellations.as_str(), buyer.completed_trades.as_str()), ("1", "1"));

        // The seller loses a dispute: shown, and that trade is not a completed one.
        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        let (status, body) = app.step(&m.buyer, t, "dispute", json!({"statement": "paid, no release"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(listed_record(&app, m.offer).await.lost_disputes, "0");
        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(),
                  json!({"outcome": "buyer", "reason": "the bank statement shows the payment"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let seller = shown_record(&app, m.offer).await;
        assert_eq!((seller.lost_disputes.as_str(), seller.completed_trades.as_str()), ("1", "1"));
        assert_eq!(listed_record(&app, m.offer).await, seller);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn counts_are_banded_and_an_older_telling_changes_nothing(app) {
        let seller = app.party("volume").await;
        let offer = app.offer(&seller, "buy", "0.1", "1").await;
        for (completed, shown) in [(9, "9"), (37, "10+"), (50, "50+"), (499, "100+"), (500, "500+"), (12_345, "1000+")] {
            tell_record(&app, seller.id, record(completed, completed, Some(450), 10 + i64::try_from(completed).unwrap())).await;
            let r = listed_record(&app, offer).await;
            assert_eq!((r.completed_trades.as_str(), r.reviews.as_str()), (shown, shown), "{completed}");
            let (_, raw) = app.get(&format!("/offers/{offer}"), None).await;
            assert!(!shows_exactly(&raw, completed, shown), "the exact count leaked: {raw}");
        }
        // A slower telling of an older record arrives late: ignored.
        tell_record(&app, seller.id, record(3, 0, None, 11)).await;
        let r = listed_record(&app, offer).await;
        assert_eq!((r.completed_trades.as_str(), r.rating.as_deref()), ("1000+", Some("4.5")));
    }
}

db_test! {
    async fn one_telling_of_many_traders_applies_each_by_its_own_version(app) {
        let parties = [app.party("early").await, app.party("later").await, app.party("first").await];
        let mut offers = Vec::new();
        for p in &parties {
            offers.push(app.offer(p, "buy", "0.1", "1").await);
        }
        tell_record(&app, parties[0].id, record(5, 0, None, 5)).await;
        tell_record(&app, parties[1].id, record(5, 0, None, 5)).await;
        let token = app.keys().issue_service("transactions").unwrap().token;
        let put = async |records: Vec<serde_json::Value>| {
            app.call_at(&app.offers, "PUT", "/internal/traders/records", Some(&token), Some(json!({"records": records}))).await
        };
        let told = |p: &Party, completed: u64, version: i64| {
            let mut r = record(completed, 0, None, version);
            r["user_id"] = json!(p.id);
            r
        };
        // The same trader twice in one call: refused whole.
        let (status, body) = put(vec![told(&parties[2], 1, 1), told(&parties[2], 2, 2)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(listed_record(&app, offers[2]).await.completed_trades, "0");
        // An older version for one, a newer for another, a first for the third.
        let (status, body) = put(vec![told(&parties[0], 1, 4), told(&parties[1], 7, 6), told(&parties[2], 3, 1)]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let shown: Vec<String> = {
            let mut v = Vec::new();
            for &o in &offers {
                v.push(listed_record(&app, o).await.completed_trades);
            }
            v
        };
        assert_eq!(shown, ["5", "7", "3"]);
        // The versions kept are the newest admitted: a repeat of the older one still loses.
        let (status, _) = put(vec![told(&parties[1], 2, 5)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed_record(&app, offers[1]).await.completed_trades, "7");
    }
}

/// Whether any value in `v` is the count `n` itself: a number, or a string other than the
/// band shown. (Searching the text for `:{n}` also found the minute or second of a
/// timestamp, and failed whenever a run started at :37 or :50.)
fn shows_exactly(v: &serde_json::Value, n: u64, shown: &str) -> bool {
    use serde_json::Value;
    match v {
        Value::Number(x) => x.as_u64() == Some(n),
        Value::String(s) => *s == n.to_string() && s != shown,
        Value::Array(items) => items.iter().any(|i| shows_exactly(i, n, shown)),
        Value::Object(fields) => fields.values().any(|f| shows_exactly(f, n, shown)),
        _ => false,
    }
}

/// Sets what login told of `user`'s account age and last seen, straight in the offers
/// service's table (login only ever tells a later "last seen"). Done before the offers are
/// posted, whose writes drop every kept listing answer.
async fn age_and_seen(app: &TestApp, user: &Party, joined_days_ago: i64, seen_ms_ago: i64) {
    let now = pupero_db::now_ms();
    app.db
        .execute_unprepared(&format!(
            "UPDATE offer_trader_records SET joined_at_ms = {}, seen_at_ms = {} WHERE user_id = {}",
            now - joined_days_ago * DAY_MS,
            now - seen_ms_ago,
            user.id
        ))
        .await
        .unwrap();
}

db_test! {
    async fn listings_filter_and_sort_by_the_record(app) {
        let a = app.party("alice").await;
        let b = app.party("bob").await;
        let c = app.party("carol").await;
        let d = app.party("dave").await;
        // a and d are both in the 50+ band; d trades more, a is better rated.
        tell_record(&app, a.id, record(60, 10, Some(480), 1)).await;
        tell_record(&app, b.id, record(5, 2, Some(350), 1)).await;
        tell_record(&app, d.id, record(70, 3, Some(300), 1)).await;
        age_and_seen(&app, &a, 400, 2 * DAY_MS).await;
        age_and_seen(&app, &b, 40, 3_600_000).await;
        age_and_seen(&app, &c, 0, 40 * DAY_MS).await;
        age_and_seen(&app, &d, 0, 600_000).await;
        let oa = app.offer(&a, "buy", "0.1", "1").await;
        let ob = app.offer(&b, "buy", "0.1", "1").await;
        let oc = app.offer(&c, "buy", "0.1", "1").await;
        let od = app.offer(&d, "buy", "0.1", "1").await;
        let ids = |offers: Vec<OfferView>| offers.into_iter().map(|o| o.id).collect::<Vec<_>>();
        let set = |offers: Vec<OfferView>| {
            let mut v = ids(offers);
            v.sort_unstable();
            v
        };

        let shown = listed_record(&app, oa).await;
        assert_eq!(shown.completed_trades, "50+");
        assert_eq!((shown.rating.as_deref(), shown.reviews.as_str()), (Some("4.8"), "10+"));
        assert_eq!((shown.account_age_days, shown.last_seen.as_deref()), (Some(400), Some("this_week")));
        assert_eq!(listed_record(&app, oc).await.last_seen.as_deref(), Some("long_ago"));
        assert_eq!(listed_record(&app, ob).await.last_seen.as_deref(), Some("today"));

        for (query, expected) in [
            ("min_completed_trades=50", vec![oa, od]),
            ("min_completed_trades=5", vec![oa, ob, od]),
            ("min_completed_trades=0", vec![oa, ob, oc, od]),
            ("min_rating=4", vec![oa]),
            ("min_rating=3.5", vec![oa, ob]),
            ("min_account_age_days=30", vec![oa, ob]),
            ("min_account_age_days=365", vec![oa]),
            ("seen_within_days=1", vec![ob, od]),
            ("seen_within_days=7", vec![oa, ob, od]),
            ("min_rating=3&seen_within_days=1", vec![ob, od]),
        ] {
            let mut expected = expected;
            expected.sort_unstable();
            assert_eq!(set(listing(&app, query).await), expected, "{query}");
        }
        // Trades sort by the band shown (a and d tie at 50+, then the better rated first).
        assert_eq!(ids(listing(&app, "sort=trades_desc").await), vec![oa, od, ob, oc]);
        assert_eq!(ids(listing(&app, "sort=rating_desc").await), vec![oa, ob, od, oc]);
        assert_eq!(ids(listing(&app, "sort=seen_desc").await), vec![od, ob, oa, oc]);
        let page = listing(&app, "sort=rating_desc&min_completed_trades=5&limit=1&offset=1").await;
        assert_eq!(ids(page), vec![ob]);
    }
}

db_test! {
    async fn bad_record_parameters_are_refused_naming_them(app) {
        for (query, field) in [
            ("min_completed_trades=37", "min_completed_trades"),
            ("min_completed_trades=-1", "min_completed_trades"),
            ("min_completed_trades=many", "min_completed_trades"),
            ("min_rating=6", "min_rating"),
            ("min_rating=0.5", "min_rating"),
            ("min_rating=good", "min_rating"),
            ("min_account_age_days=-3", "min_account_age_days"),
            ("min_account_age_days=1.5", "min_account_age_days"),
            ("seen_within_days=0", "seen_within_days"),
            ("seen_within_days=week", "seen_within_days"),
            ("sort=best", "sort"),
        ] {
            let (status, body) = app.get(&format!("/offers?{query}"), None).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
            assert_eq!(error_field(&body).as_deref(), Some(field), "{query}: {body}");
        }
    }
}

fn quick_retell() -> Options {
    let mut o = Options::default();
    o.args
        .extend(["--record-retell-seconds".into(), "1".into()]);
    o
}

async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    // Not a timing assertion: the job runs every second, the wait is only a bound.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn one_i64(app: &TestApp, sql: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row: {sql}"));
    row.try_get_by_index::<i64>(0).unwrap()
}

db_test! {
    async fn a_record_whose_telling_was_lost_is_told_again(app, quick_retell()) {
        let m = market(&app).await;
        let t = completed_trade(&app, &m.seller, &m.buyer, m.offer).await;
        assert_eq!(listed_record(&app, m.offer).await.rating, None);
        // What a transactions process that died right after its commit leaves behind: the
        // review and its counted change, and nothing told.
        let now = pupero_db::now_ms();
        for sql in [
            format!(
                "INSERT INTO reviews (trade_id, reviewer_id, reviewee_id, rating, comment, created_at_ms) \
                 VALUES ({t}, {}, {}, 5, 'lost telling', {now})",
                m.buyer.id, m.seller.id
            ),
            format!("UPDATE trader_record_tellings SET version = version + 1 WHERE user_id = {}", m.seller.id),
        ] {
            app.db.execute_unprepared(&sql).await.unwrap();
        }
        eventually("the lost review was never told to offers", || async {
            listed_record(&app, m.offer).await.rating.as_deref() == Some("5.0")
        })
        .await;
        let versions = format!("SELECT version - told_version FROM trader_record_tellings WHERE user_id = {}", m.seller.id);
        eventually("the trader stays behind after the telling", || async {
            one_i64(&app, &versions).await == 0
        })
        .await;

        // Login's "last seen" the same way: noted, never told.
        let seen = now + 5_000;
        app.db
            .execute_unprepared(&format!(
                "UPDATE login_presence SET seen_at_ms = {seen}, told_seen_ms = 0 WHERE user_id = {}",
                m.seller.id
            ))
            .await
            .unwrap();
        let told = format!("SELECT seen_at_ms FROM offer_trader_records WHERE user_id = {}", m.seller.id);
        eventually("the lost last-seen was never told to offers", || async {
            one_i64(&app, &told).await == seen
        })
        .await;
    }
}

db_test! {
    async fn the_web_pages_show_the_record_and_filter_by_it(app) {
        let m = market(&app).await;
        completed_trade(&app, &m.seller, &m.buyer, m.offer).await;
        let other = app.party("newcomer").await;
        let quiet = app.offer(&other, "buy", "0.1", "1").await;

        let web = Web::new(&app);
        let home = web.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        for needle in ["name=\"min_completed_trades\"", "name=\"min_rating\"", "name=\"seen_within_days\"",
                       "name=\"min_account_age_days\"", "name=\"sort\"", "class=\"record-trades\">1 trade<",
                       "seen today"] {
            assert!(home.body.contains(needle), "{needle} missing from the offers page");
        }
        let filtered = web.get("/?min_completed_trades=1&sort=trades_desc").await;
        assert_eq!(filtered.status, StatusCode::OK);
        assert!(filtered.body.contains(&format!("data-offer=\"{}\"", m.offer)), "{}", filtered.body);
        assert!(!filtered.body.contains(&format!("data-offer=\"{quiet}\"")), "a trader without trades passed the filter");
        let refused = web.get("/?min_rating=9").await;
        assert!(refused.body.contains("id=\"filter-error\"") && refused.body.contains("min_rating"), "{}", refused.body);

        web.sign_in("buyer").await;
        let page = web.get(&format!("/offers/{}", m.offer)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"offer-owner-record\""), "{}", page.body);
        assert!(page.body.contains("1 trade<"), "{}", page.body);
        assert!(page.body.contains("href=\"/u/seller\" id=\"offer-owner-profile\""), "{}", page.body);
    }
}
