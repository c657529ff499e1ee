//! A sanction committed by the moderation service but never told to login and offers
//! (the process died between its commit and its calls) still takes effect: the retell job
//! finds the account behind and tells it again. And a late telling of an older state never
//! replaces a newer one at login.

use std::time::Duration;

use pupero_api::internal::login::{AccountFacts, Restrictions};
use pupero_api::offers::OfferView;
use pupero_api::{ErrorCode, Paged};
use pupero_core::SanctionKind;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::helpers::{Options, TestApp, db_test, error_code, typed};
use crate::trading::market;

fn quick_retell() -> Options {
    let mut o = Options::default();
    o.args
        .extend(["--sanction-retell-seconds".into(), "1".into()]);
    o
}

/// What login holds on `user_id` now (asked as a service).
async fn facts(app: &TestApp, user_id: i64) -> AccountFacts {
    let token = app.keys().issue_service("transactions").unwrap().token;
    let (status, body) = app
        .call_at(
            &app.login,
            "GET",
            &format!("/internal/users/{user_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    typed(&body)
}

async fn listed(app: &TestApp) -> Vec<i64> {
    let (status, body) = app.get("/offers?limit=100", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    typed::<Paged<OfferView>>(&body)
        .items
        .iter()
        .map(|o| o.id)
        .collect()
}

async fn versions(app: &TestApp, user_id: i64) -> (i64, i64) {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let q = Query::select()
        .columns([Alias::new("version"), Alias::new("told_version")])
        .from(Alias::new("moderation_enforcement"))
        .and_where(Expr::col(Alias::new("user_id")).eq(user_id))
        .to_owned();
    let row = app
        .db
        .query_one(&q)
        .await
        .unwrap()
        .expect("the account has an enforcement row");
    (
        row.try_get("", "version").unwrap(),
        row.try_get("", "told_version").unwrap(),
    )
}

db_test! {
    async fn a_sanction_whose_telling_was_lost_is_told_again(app, quick_retell()) {
        let m = market(&app).await;
        assert!(listed(&app).await.contains(&m.offer));
        // What a moderation process that died right after its commit leaves behind: the
        // sanction and its counted change, and nothing told.
        let now = pupero_db::now_ms();
        for sql in [
            format!(
                "INSERT INTO moderation_sanctions (user_id, kind, reason, imposed_by, created_at_ms, expires_at_ms, lifted_at_ms, lifted_by, lift_reason) \
                 VALUES ({}, 'trade_ban', 'lost telling', {}, {now}, NULL, NULL, NULL, NULL)",
                m.seller.id, m.moderator.id
            ),
            format!("INSERT INTO moderation_enforcement (user_id, version, told_version) VALUES ({}, 1, 0)", m.seller.id),
        ] {
            app.db.execute_unprepared(&sql).await.unwrap();
        }

        // Not a timing assertion: the job runs every second, the wait is only a bound.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let told = facts(&app, m.seller.id).await.restrictions;
            if told.iter().any(|r| r.kind == SanctionKind::TradeBan && r.reason == "lost telling") {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "the lost sanction was never told to login");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while versions(&app, m.seller.id).await != (1, 1) {
            assert!(std::time::Instant::now() < deadline, "the account stays behind after its telling");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Enforced where the actions are: no new offers, and the old one left the listing.
        let (status, body) = app
            .post("/offers", m.seller.t(), json!({"side": "sell", "currency": "EUR", "price": "150.00", "payment_method": "sepa",
                   "min_amount": "0.1", "max_amount": "1", "payment_window_minutes": 30}))
            .await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::TradeBanned), "{body}");
        assert!(!listed(&app).await.contains(&m.offer), "a trade-banned seller's offer is still listed");
    }
}

db_test! {
    async fn an_older_telling_does_not_replace_a_newer_one(app) {
        let user = app.party("someone").await;
        let token = app.keys().issue_service("moderation").unwrap().token;
        let path = format!("/internal/users/{}/restrictions", user.id);
        let put = |body: serde_json::Value| {
            let (app, path, token) = (&app, path.clone(), token.clone());
            async move {
                let (status, body) = app.call_at(&app.login, "PUT", &path, Some(&token), Some(body)).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                typed::<Restrictions>(&body)
            }
        };
        let ban = json!({"sanction_id": 7, "kind": "ban", "reason": "newer", "expires_at_ms": null});
        let held = put(json!({"restrictions": [ban], "version": 5})).await;
        assert_eq!((held.restrictions.len(), held.version), (1, 5));

        // A slower telling of the state before the ban arrives after it: ignored.
        let held = put(json!({"restrictions": [], "version": 3})).await;
        assert_eq!((held.restrictions.len(), held.version), (1, 5), "an older telling replaced a newer one");
        assert_eq!(facts(&app, user.id).await.restrictions.len(), 1);

        // The same version again is the same telling (idempotent); a newer one applies.
        let held = put(json!({"restrictions": [ban], "version": 5})).await;
        assert_eq!((held.restrictions.len(), held.version), (1, 5));
        let held = put(json!({"restrictions": [], "version": 6})).await;
        assert_eq!((held.restrictions.len(), held.version), (0, 6));
        assert!(facts(&app, user.id).await.restrictions.is_empty());
    }
}
