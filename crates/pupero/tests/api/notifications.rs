//! The in-app inbox: every event is told to the right user by the change that causes it,
//! in the same transaction (a refused step tells nobody), and each user reads and marks
//! only their own.

use pupero_api::ErrorCode;
use pupero_api::notifications::{Inbox, NotificationView, ReadAll};
use pupero_core::NotificationKind as K;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{Party, TestApp, db_test, error_code, typed, xmr};
use crate::trading::market;

async fn inbox(app: &TestApp, who: &Party) -> Inbox {
    let (status, body) = app.get("/notifications", who.t()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    typed(&body)
}

/// The kinds in a user's inbox, oldest first.
async fn kinds(app: &TestApp, who: &Party) -> Vec<K> {
    let mut items = inbox(app, who).await.page.items;
    items.reverse();
    items.into_iter().map(|n| n.kind).collect()
}

db_test! {
    async fn each_trade_step_tells_the_other_party(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1.5").await;
        // The seller made the offer: they hear that someone took it; the taker hears nothing
        // of their own act.
        let seller = inbox(&app, &m.seller).await;
        assert_eq!((seller.unread, seller.page.total), (1, 1));
        let opened = &seller.page.items[0];
        assert_eq!((opened.kind, opened.trade_id, opened.amount), (K::TradeOpened, Some(t), Some(xmr("1.5"))));
        assert_eq!(opened.text, format!("Someone opened trade #{t} for 1.5 XMR on your offer."));
        assert!(opened.read_at.is_none());
        assert_eq!(inbox(&app, &m.buyer).await.page.total, 0);

        let (status, body) = app.post(&format!("/transactions/trades/{t}/messages"), m.buyer.t(), json!({"body": "sent the transfer"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(app.step(&m.buyer, t, "paid", json!({})).await.0, StatusCode::OK);
        assert_eq!(kinds(&app, &m.seller).await, [K::TradeOpened, K::MessageReceived, K::TradePaid]);
        assert_eq!(app.step(&m.seller, t, "release", json!({})).await.0, StatusCode::OK);
        assert_eq!(kinds(&app, &m.buyer).await, [K::TradeReleased]);
        let released = &inbox(&app, &m.buyer).await.page.items[0];
        assert_eq!(released.text, format!("The seller released 1.5 XMR to you in trade #{t}."));
        // Nobody else heard anything.
        assert_eq!(inbox(&app, &m.stranger).await.page.total, 0);
    }
}

db_test! {
    async fn disputes_and_cancellations_reach_both_sides(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.step(&m.buyer, t, "paid", json!({})).await;
        let (status, body) = app.step(&m.buyer, t, "dispute", json!({"statement": "paid, nothing released"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(kinds(&app, &m.seller).await, [K::TradeOpened, K::TradePaid, K::DisputeOpened]);
        let (status, body) = app.post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(),
            json!({"outcome": "seller", "reason": "no payment on the statement"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(kinds(&app, &m.buyer).await, [K::DisputeResolved]);
        assert_eq!(kinds(&app, &m.seller).await.last(), Some(&K::DisputeResolved));

        // A buyer's own cancel tells the seller only.
        let t2 = app.trade(&m.buyer, m.offer, "1").await;
        assert_eq!(app.step(&m.buyer, t2, "cancel", json!({})).await.0, StatusCode::OK);
        let seller = inbox(&app, &m.seller).await.page.items;
        assert_eq!((seller[0].kind, seller[0].trade_id), (K::TradeCancelled, Some(t2)));
        assert_eq!(kinds(&app, &m.buyer).await, [K::DisputeResolved]);
    }
}

db_test! {
    async fn a_refused_change_tells_nobody(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        app.trade(&m.stranger, m.offer, "5").await;
        let before = inbox(&app, &m.seller).await.page.total;
        assert_eq!(before, 2);
        // Not the buyer's step, and not the seller's: refused, and nothing is told.
        assert!(app.step(&m.buyer, t, "release", json!({})).await.0.is_client_error());
        assert!(app.step(&m.seller, t, "paid", json!({})).await.0.is_client_error());
        // A trade whose escrow fails (4 XMR left, 4.5 asked) is rolled back after its row
        // was written: its notice goes with it.
        let (status, body) = app.open_trade(&m.buyer, m.offer, "4.5").await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(error_code(&body), ErrorCode::InsufficientFunds);
        // An empty chat message is refused and tells nobody.
        let (status, _) = app.post(&format!("/transactions/trades/{t}/messages"), m.buyer.t(), json!({"body": "  "})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(inbox(&app, &m.seller).await.page.total, before);
        assert_eq!(inbox(&app, &m.buyer).await.page.total, 0);
    }
}

db_test! {
    async fn a_user_reads_and_marks_only_their_own(app) {
        let m = market(&app).await;
        app.trade(&m.buyer, m.offer, "1").await;
        app.trade(&m.buyer, m.offer, "1").await;
        let mine = inbox(&app, &m.seller).await;
        assert_eq!((mine.unread, mine.page.total), (2, 2));
        let first = mine.page.items[1].id;

        // Another user's id is "no such notification", and marks nothing.
        let (status, body) = app.post(&format!("/notifications/{first}/read"), m.stranger.t(), json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(error_code(&body), ErrorCode::NotFound);
        assert_eq!(inbox(&app, &m.seller).await.unread, 2);

        let (status, body) = app.post(&format!("/notifications/{first}/read"), m.seller.t(), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let read: NotificationView = typed(&body);
        assert!(read.read_at.is_some());
        // Again: the same answer, the first time kept.
        let (_, again) = app.post(&format!("/notifications/{first}/read"), m.seller.t(), json!({})).await;
        assert_eq!(typed::<NotificationView>(&again).read_at, read.read_at);
        let after = inbox(&app, &m.seller).await;
        assert_eq!((after.unread, after.page.total), (1, 2));
        let (_, unread_only) = app.get("/notifications?unread=true", m.seller.t()).await;
        let unread_only: Inbox = typed(&unread_only);
        assert_eq!(unread_only.page.total, 1);
        assert_ne!(unread_only.page.items[0].id, first);

        let (status, body) = app.post("/notifications/read-all", m.seller.t(), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<ReadAll>(&body).marked, 1);
        assert_eq!(inbox(&app, &m.seller).await.unread, 0);

        // Paging echoes the window; bad input is a 4xx naming the problem.
        let (_, page) = app.get("/notifications?limit=1&offset=1", m.seller.t()).await;
        let page: Inbox = typed(&page);
        assert_eq!((page.page.items.len(), page.page.total, page.page.limit, page.page.offset), (1, 2, 1, 1));
        let (status, body) = app.get("/notifications?limit=0", m.seller.t()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _) = app.post("/notifications/abc/read", m.seller.t(), json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(app.get("/notifications", None).await.0, StatusCode::UNAUTHORIZED);
    }
}

db_test! {
    async fn money_in_and_out_is_told_to_its_owner(app) {
        let user = app.party("depositor").await;
        let wallet = app.keys().only("wallet").issue_service("wallet").unwrap().token;
        let credit = json!({"deposit_key": "ab12:3", "user_id": user.id, "amount": "0.25", "txid": "ab12"});
        for _ in 0..2 {
            // The wallet may report a deposit twice: it is credited, and told, once.
            let (status, body) = app.call_at(&app.transactions, "POST", "/internal/deposits/credit", Some(wallet.as_str()), Some(credit.clone())).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let told = inbox(&app, &user).await;
        assert_eq!(told.page.total, 1);
        let n = &told.page.items[0];
        assert_eq!((n.kind, n.amount, n.trade_id), (K::DepositCredited, Some(xmr("0.25")), None));
        assert_eq!(n.text, "A deposit of 0.25 XMR was credited to your balance.");
    }
}

db_test! {
    async fn an_unpaid_trade_is_warned_once_before_it_expires(app, crate::helpers::Options::with(&[
        "--login-rate-per-minute", "100000", "--register-rate-per-hour", "100000",
        "--trade-expiry-warning-minutes", "15",
    ])) {
        use pupero_transactions::entity::trade;
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        // The offer's window is 60 minutes: no warning yet. Then the deadline comes
        // within the lead (10 minutes away).
        let soon = pupero_db::now_ms() + 10 * 60_000;
        trade::Entity::update_many()
            .col_expr(trade::Column::PaymentDeadlineMs, sea_orm::sea_query::Expr::value(soon))
            .filter(trade::Column::Id.eq(t))
            .exec(&app.db)
            .await
            .unwrap();
        let mut warned = Vec::new();
        for _ in 0..100 {
            warned = inbox(&app, &m.buyer).await.page.items;
            if !warned.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert_eq!((warned[0].kind, warned[0].trade_id), (K::TradeExpiring, Some(t)));
        // Later passes of the worker (every second here) do not warn again.
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        assert_eq!(kinds(&app, &m.buyer).await, [K::TradeExpiring]);
        assert_eq!(kinds(&app, &m.seller).await, [K::TradeOpened, K::TradeExpiring]);
    }
}

db_test! {
    async fn the_menu_counts_unread_and_the_inbox_page_marks_them_read(app) {
        use crate::web::Web;
        let m = market(&app).await;
        let web = Web::new(&app);
        web.sign_in("seller").await;
        let home = web.get("/trades").await;
        assert!(!home.body.contains("id=\"nav-unread\""), "nothing unread yet");
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let home = web.get("/trades").await;
        assert!(home.body.contains("id=\"nav-inbox\""), "{}", home.body);
        assert!(home.body.contains("aria-label=\"1 unread\""), "{}", home.body);
        let inbox = web.get("/notifications").await;
        assert_eq!(inbox.status, StatusCode::OK);
        assert!(inbox.body.contains(&format!("Someone opened trade #{t} for 1 XMR on your offer.")), "{}", inbox.body);
        assert!(inbox.body.contains(&format!("href=\"/trades/{t}\"")));
        let done = web.submit("/notifications", "/notifications/read-all", &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let after = web.follow(&done).await;
        assert!(!after.body.contains("id=\"nav-unread\""), "{}", after.body);
        assert!(after.body.contains("0 unread."));
    }
}
