//! The moderation service (issue 14): reports merged into cases, sanctions enforced by the
//! service that owns each action (at the moment of use, leftover tokens included), expiry
//! without a job, appeals, and the conflict-of-interest rule.

use std::time::Duration;

use pupero_core::Role;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use pupero_api::Paged;
use pupero_api::moderation::{
    AppealView, CaseDetail, CaseView, OfferRemoved, ReportView, SanctionView,
};
use pupero_api::offers::OfferView;
use pupero_api::trades::TradeView;
use pupero_core::{AppealStatus, CaseResolution, CaseStatus, SanctionKind, TradeState};

use crate::helpers::{ErrorCode, Party, TestApp, db_test, error_code, error_of, typed};
use crate::trading::market;

const ADDRESS: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U";

/// An RFC 3339 time `secs` seconds from now, and the instant (epoch ms).
fn in_secs(secs: i64) -> (String, i64) {
    let at = pupero_db::now_ms() + secs * 1000;
    (pupero_http::rfc3339(at), at)
}

/// Waits until the clock has passed `at_ms` (a sanction's end): not a timing assertion,
/// the checks after it hold whenever they run.
async fn wait_past(at_ms: i64) {
    while pupero_db::now_ms() <= at_ms + 50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn try_sanction(
    app: &TestApp,
    staff: &Party,
    user: i64,
    kind: &str,
    reason: &str,
    expires_at: Option<&str>,
) -> (StatusCode, Value) {
    let mut body = json!({"user_id": user, "kind": kind, "reason": reason});
    if let Some(at) = expires_at {
        body["expires_at"] = json!(at);
    }
    app.post("/moderation/sanctions", staff.t(), body).await
}

async fn sanction(
    app: &TestApp,
    staff: &Party,
    user: i64,
    kind: &str,
    reason: &str,
    expires_at: Option<&str>,
) -> SanctionView {
    let (status, body) = try_sanction(app, staff, user, kind, reason, expires_at).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let view: SanctionView = typed(&body);
    assert!(view.active, "{body}");
    view
}

async fn lift(app: &TestApp, staff: &Party, id: i64) -> (StatusCode, Value) {
    app.post(
        &format!("/moderation/sanctions/{id}/lift"),
        staff.t(),
        json!({"reason": "reviewed"}),
    )
    .await
}

async fn chat(app: &TestApp, who: &Party, trade: i64) -> (StatusCode, Value) {
    app.post(
        &format!("/transactions/trades/{trade}/messages"),
        who.t(),
        json!({"body": "hello"}),
    )
    .await
}

async fn withdraw(app: &TestApp, who: &Party, key: &str) -> (StatusCode, Value) {
    let resp = app
        .http
        .post(format!("{}/transactions/withdraw", app.gateway))
        .bearer_auth(&who.token)
        .header("idempotency-key", key)
        .json(&json!({"address": ADDRESS, "amount": "0.5"}))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The listing, read twice (the second read is the kept answer, which must agree).
async fn listed(app: &TestApp) -> Vec<i64> {
    let (status, first) = app.get("/offers?limit=100", None).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (_, second) = app.get("/offers?limit=100", None).await;
    assert_eq!(first, second, "a kept answer differs from a fresh one");
    typed::<Paged<OfferView>>(&second)
        .items
        .iter()
        .map(|o| o.id)
        .collect()
}

fn refused(status: StatusCode, body: &Value, code: ErrorCode) {
    assert_eq!(
        (status, error_code(body)),
        (StatusCode::FORBIDDEN, code),
        "{body}"
    );
}

db_test! {
    async fn mute_trade_ban_and_warn_block_only_their_own_actions(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;

        // A mute stops chat, and only chat: the muted seller still posts offers.
        let mute = sanction(&app, &m.moderator, m.seller.id, "mute", "insults in chat", None).await;
        assert_eq!(mute.kind, SanctionKind::Mute);
        let (status, body) = chat(&app, &m.seller, t).await;
        refused(status, &body, ErrorCode::AccountMuted);
        assert!(error_of(&body).message.contains("insults in chat"), "{body}");
        assert_eq!(chat(&app, &m.buyer, t).await.0, StatusCode::CREATED, "the other party still chats");
        app.offer(&m.seller, "sell", "0.1", "1").await;

        // A trade ban stops new trades and offers, but the open trade runs to its end.
        let ban = sanction(&app, &m.moderator, m.buyer.id, "trade_ban", "chargeback pattern", None).await;
        let (status, body) = app.open_trade(&m.buyer, m.offer, "1").await;
        refused(status, &body, ErrorCode::TradeBanned);
        let (status, body) = app
            .post("/offers", m.buyer.t(), json!({"side": "buy", "currency": "EUR", "price": "150.00", "payment_method": "sepa",
                   "min_amount": "0.1", "max_amount": "1", "payment_window_minutes": 30}))
            .await;
        refused(status, &body, ErrorCode::TradeBanned);
        assert_eq!(chat(&app, &m.buyer, t).await.0, StatusCode::CREATED, "a trade ban is not a mute");
        assert_eq!(app.step(&m.buyer, t, "paid", json!({})).await.0, StatusCode::OK);
        let (status, body) = app.step(&m.seller, t, "release", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<TradeView>(&body).state, TradeState::Completed);

        // Lifted, each is gone at once.
        let (status, body) = lift(&app, &m.moderator, mute.id).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(!typed::<SanctionView>(&body).active);
        let t2 = app.trade(&m.stranger, m.offer, "0.5").await;
        assert_eq!(chat(&app, &m.seller, t2).await.0, StatusCode::CREATED);
        assert_eq!(lift(&app, &m.moderator, mute.id).await.0, StatusCode::CONFLICT, "lifted twice");
        assert_eq!(lift(&app, &m.moderator, ban.id).await.0, StatusCode::OK);
        app.trade(&m.buyer, m.offer, "0.5").await;

        // A warning blocks nothing.
        sanction(&app, &m.moderator, m.stranger.id, "warn", "first notice", None).await;
        assert_eq!(chat(&app, &m.stranger, t2).await.0, StatusCode::CREATED);
        app.offer(&m.stranger, "buy", "0.1", "1").await;
        app.trade(&m.stranger, m.offer, "0.2").await;
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn a_withdrawal_hold_is_an_admins_and_stops_only_withdrawals(app) {
        let m = market(&app).await;
        let (status, body) = try_sanction(&app, &m.moderator, m.seller.id, "withdrawal_hold", "aml review", None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::Forbidden), "{body}");
        let hold = sanction(&app, &m.admin, m.seller.id, "withdrawal_hold", "source of funds review", None).await;

        let (status, body) = withdraw(&app, &m.seller, "held-1").await;
        refused(status, &body, ErrorCode::WithdrawalHeld);
        assert!(error_of(&body).message.contains("source of funds review"), "{body}");
        // Nothing was reserved, and trading and chat go on.
        assert_eq!(app.balances(&m.seller).await.2, "0.000000000000");
        let t = app.trade(&m.buyer, m.offer, "1").await;
        assert_eq!(chat(&app, &m.seller, t).await.0, StatusCode::CREATED);
        app.offer(&m.seller, "sell", "0.1", "1").await;
        // Others' withdrawals are not held.
        let (_, body) = withdraw(&app, &m.buyer, "other-1").await;
        assert_ne!(error_code(&body), ErrorCode::WithdrawalHeld, "{body}");

        // Only an admin lifts it; then the seller's withdrawal is no longer held.
        assert_eq!(lift(&app, &m.moderator, hold.id).await.0, StatusCode::FORBIDDEN);
        assert_eq!(lift(&app, &m.admin, hold.id).await.0, StatusCode::OK);
        let (_, body) = withdraw(&app, &m.seller, "held-2").await;
        assert_ne!(error_code(&body), ErrorCode::WithdrawalHeld, "{body}");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn suspend_and_ban_shut_the_account_out_and_timed_ones_end_by_themselves(app) {
        let m = market(&app).await;
        let buyer_session = app.login("buyer").await;
        let stranger_offer = app.offer(&m.stranger, "buy", "0.1", "1").await;
        assert!(listed(&app).await.contains(&m.offer));

        // The timed sanctions end 15 s after they begin: the checks made while they are in
        // force are a few requests each, far inside that even on a loaded machine.
        let (until, suspension_end) = in_secs(15);
        sanction(&app, &m.moderator, m.buyer.id, "suspend", "cooling off", Some(&until)).await;
        let (status, body) = app.post("/auth/login", None, json!({"username": "buyer", "password": crate::helpers::PASSWORD})).await;
        refused(status, &body, ErrorCode::AccountSuspended);
        assert!(error_of(&body).message.contains("cooling off"), "{body}");
        let (status, body) = app.post("/auth/token/refresh", None, json!({"refresh_token": buyer_session.refresh})).await;
        refused(status, &body, ErrorCode::AccountSuspended);
        // The leftover access token cannot act anywhere.
        let (status, body) = app.open_trade(&m.buyer, m.offer, "1").await;
        refused(status, &body, ErrorCode::AccountSuspended);
        let (status, body) = app.get("/auth/me", m.buyer.t()).await;
        refused(status, &body, ErrorCode::AccountSuspended);
        let (status, body) = app.post("/moderation/reports", m.buyer.t(), json!({"target": "user", "target_id": m.seller.id, "category": "spam", "text": "x"})).await;
        refused(status, &body, ErrorCode::AccountSuspended);
        // But it still reads its sanctions, with the reason, the end and how to appeal.
        let (status, body) = app.get("/moderation/sanctions/mine", m.buyer.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mine: Vec<SanctionView> = typed(&body);
        assert_eq!(mine.len(), 1);
        assert_eq!((mine[0].kind, mine[0].reason.as_str(), mine[0].expires_at.as_deref()), (SanctionKind::Suspend, "cooling off", Some(until.as_str())));
        assert!(mine[0].appeal_until.is_some() && mine[0].how_to_appeal.contains("/moderation/appeals"), "{body}");

        // A timed trade ban and a ban: the sellers' offers leave the listing on the next read.
        let (ban_until, ban_end) = in_secs(15);
        sanction(&app, &m.moderator, m.seller.id, "trade_ban", "fake reviews", Some(&ban_until)).await;
        let ban = sanction(&app, &m.moderator, m.stranger.id, "ban", "stolen account", None).await;
        let shown = listed(&app).await;
        assert!(!shown.contains(&m.offer) && !shown.contains(&stranger_offer), "{shown:?}");
        assert_eq!(app.get(&format!("/offers/{}", m.offer), None).await.0, StatusCode::NOT_FOUND);
        let (status, body) = app.post("/auth/login", None, json!({"username": "stranger", "password": crate::helpers::PASSWORD})).await;
        refused(status, &body, ErrorCode::AccountBanned);
        let (status, body) = chat(&app, &m.stranger, 1).await;
        refused(status, &body, ErrorCode::AccountBanned);

        // The timed ones end by themselves: no job, no write.
        wait_past(suspension_end.max(ban_end)).await;
        assert!(listed(&app).await.contains(&m.offer), "the trade ban ended");
        let buyer = app.login("buyer").await;
        let buyer = Party { id: m.buyer.id, token: buyer.access };
        app.trade(&buyer, m.offer, "1").await;
        let (_, body) = app.get("/moderation/sanctions/mine", buyer.t()).await;
        assert!(!typed::<Vec<SanctionView>>(&body)[0].active);
        assert_eq!(lift(&app, &m.moderator, mine[0].id).await.0, StatusCode::CONFLICT, "an expired sanction is over");

        // The ban lasts until lifted.
        assert!(!listed(&app).await.contains(&stranger_offer));
        assert_eq!(lift(&app, &m.moderator, ban.id).await.0, StatusCode::OK);
        assert!(listed(&app).await.contains(&stranger_offer));
        app.login("stranger").await;
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn appeals_go_to_another_moderator_once_within_the_window(app) {
        let m = market(&app).await;
        let other = app.staff("moderator2", Role::Moderator).await;
        let user = m.buyer.clone();
        let s = sanction(&app, &m.moderator, user.id, "mute", "spam links", None).await;
        let appeal = async |who: &Party, id: i64, text: &str| app.post("/moderation/appeals", who.t(), json!({"sanction_id": id, "text": text})).await;

        assert_eq!(appeal(&m.stranger, s.id, "not mine").await.0, StatusCode::NOT_FOUND);
        assert_eq!(appeal(&user, s.id, "  ").await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = appeal(&user, s.id, "the links were my own shop").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let filed: AppealView = typed(&body);
        assert_eq!(filed.status, AppealStatus::Pending);
        let (status, body) = appeal(&user, s.id, "again").await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::AlreadyAppealed));
        let (status, body) = app.get("/moderation/appeals", other.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<Paged<AppealView>>(&body).items.iter().map(|a| a.id).collect::<Vec<_>>(), vec![filed.id]);
        assert_eq!(app.get("/moderation/appeals", user.t()).await.0, StatusCode::FORBIDDEN);

        let decide = async |who: &Party, id: i64, body: Value| app.post(&format!("/moderation/appeals/{id}/decide"), who.t(), body).await;
        let (status, body) = decide(&m.moderator, filed.id, json!({"decision": "lift", "reason": "fine"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::ConflictOfInterest), "the sanctioner: {body}");
        assert_eq!(decide(&user, filed.id, json!({"decision": "lift", "reason": "fine"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(decide(&other, filed.id, json!({"decision": "pardon", "reason": "x"})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = decide(&other, filed.id, json!({"decision": "lift", "reason": "the shop is real"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<AppealView>(&body).status, AppealStatus::Lifted);
        assert_eq!(decide(&other, filed.id, json!({"decision": "uphold", "reason": "x"})).await.0, StatusCode::CONFLICT);
        let (_, body) = app.get("/moderation/sanctions/mine", user.t()).await;
        let mine: Vec<SanctionView> = typed(&body);
        assert!(!mine[0].active && mine[0].appeal.as_ref().map(|a| a.status) == Some(AppealStatus::Lifted), "{body}");
        let t = app.trade(&user, m.offer, "1").await;
        assert_eq!(chat(&app, &user, t).await.0, StatusCode::CREATED, "the mute is lifted everywhere");

        // Upheld: the sanction stays.
        let muted = sanction(&app, &m.moderator, user.id, "mute", "again", None).await;
        let (_, body) = appeal(&user, muted.id, "please").await;
        let upheld: AppealView = typed(&body);
        let (status, body) = decide(&other, upheld.id, json!({"decision": "uphold", "reason": "clear evidence"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<AppealView>(&body).status, AppealStatus::Upheld);
        let (status, body) = chat(&app, &user, t).await;
        refused(status, &body, ErrorCode::AccountMuted);

        // Past the window, or over, no appeal.
        let old = sanction(&app, &m.moderator, m.stranger.id, "warn", "old", None).await;
        app.db
            .execute_unprepared(&format!("UPDATE moderation_sanctions SET created_at_ms = created_at_ms - {} WHERE id = {}", 31_i64 * 86_400_000, old.id))
            .await
            .unwrap();
        let (status, body) = appeal(&m.stranger, old.id, "late").await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::AppealWindowClosed), "{body}");
        let over = sanction(&app, &m.moderator, m.stranger.id, "mute", "brief", None).await;
        assert_eq!(lift(&app, &other, over.id).await.0, StatusCode::OK);
        let (status, body) = appeal(&m.stranger, over.id, "lifted already").await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::AppealWindowClosed), "{body}");

        // Nobody sanctions themselves; only admins sanction staff.
        let (status, body) = try_sanction(&app, &m.moderator, m.moderator.id, "warn", "me", None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::ConflictOfInterest));
        assert_eq!(try_sanction(&app, &m.moderator, other.id, "warn", "peer", None).await.0, StatusCode::FORBIDDEN);
        sanction(&app, &m.admin, other.id, "warn", "peer review", None).await;

        // Nobody decides a dispute they are a party to.
        let own = app.trade(&m.moderator, m.offer, "0.5").await;
        app.step(&m.moderator, own, "paid", json!({})).await;
        let (status, body) = app.step(&m.moderator, own, "dispute", json!({"statement": "seller silent"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app.post(&format!("/transactions/trades/{own}/resolve"), m.moderator.t(), json!({"outcome": "buyer", "reason": "mine"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::ConflictOfInterest), "{body}");
        let (status, body) = app.post(&format!("/transactions/trades/{own}/resolve"), other.t(), json!({"outcome": "seller", "reason": "no payment shown"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn reports_merge_per_target_and_rise_in_the_queue(app) {
        let m = market(&app).await;
        let third = app.party("third").await;
        let other = app.staff("moderator2", Role::Moderator).await;
        let report = async |who: &Party, body: Value| app.post("/moderation/reports", who.t(), body).await;
        let about_seller = |text: &str| json!({"target": "user", "target_id": m.seller.id, "category": "scam", "text": text});

        let (status, body) = report(&m.buyer, about_seller("asked to pay outside")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let first: ReportView = typed(&body);
        assert_eq!(first.status, CaseStatus::Open);
        for who in [&m.stranger, &third] {
            let (status, body) = report(who, about_seller("same here")).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            assert_eq!(typed::<ReportView>(&body).case_id, first.case_id, "merged");
        }
        let (status, body) = report(&m.buyer, about_seller("again")).await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::AlreadyReported));
        let (status, body) = report(&m.buyer, json!({"target": "offer", "target_id": m.offer, "category": "spam", "text": "copy-paste ad"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let offer_case = typed::<ReportView>(&body).case_id;
        let (status, body) = report(&m.buyer, json!({"target": "user", "target_id": other.id, "category": "harassment", "text": "rude moderator"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let about_other = typed::<ReportView>(&body).case_id;

        // The queue: most distinct reporters first, escalated at the threshold (3).
        let queue = async |query: &str| {
            let (status, body) = app.get(&format!("/moderation/queue{query}"), m.moderator.t()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            typed::<Paged<CaseView>>(&body)
        };
        let all = queue("").await;
        assert_eq!(all.total, 3);
        assert_eq!((all.items[0].id, all.items[0].reporters, all.items[0].escalated), (first.case_id, 3, true));
        assert!(all.items[1..].iter().all(|c| c.reporters == 1 && !c.escalated && c.priority < all.items[0].priority));
        assert_eq!(queue("?target=offer").await.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![offer_case]);
        assert_eq!(queue("?category=harassment").await.total, 1);
        assert_eq!(app.get("/moderation/queue?status=bogus", m.moderator.t()).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.get("/moderation/queue", m.buyer.t()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/moderation/queue", None).await.0, StatusCode::UNAUTHORIZED);

        // The reported moderator may not touch the case about them.
        let (status, body) = app.post(&format!("/moderation/cases/{about_other}/claim"), other.t(), json!({})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::ConflictOfInterest), "{body}");
        assert_eq!(app.get(&format!("/moderation/cases/{about_other}"), other.t()).await.0, StatusCode::FORBIDDEN);

        // Claim, note, resolve; the reporters see where their reports stand.
        let case_path = format!("/moderation/cases/{}", first.case_id);
        let (status, body) = app.post(&format!("{case_path}/claim"), m.moderator.t(), json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(typed::<CaseView>(&body).assignee_id, Some(m.moderator.id));
        assert_eq!(queue("?assignee=me").await.total, 1);
        assert_eq!(app.post(&format!("{case_path}/notes"), m.moderator.t(), json!({"text": "checked their trades"})).await.0, StatusCode::CREATED);
        let (_, body) = app.get(&case_path, m.moderator.t()).await;
        let detail: CaseDetail = typed(&body);
        assert_eq!((detail.reports.len(), detail.notes.len(), detail.case.status), (3, 1, CaseStatus::Claimed));
        assert_eq!(app.post(&format!("{case_path}/resolve"), m.moderator.t(), json!({"resolution": "actioned", "reason": ""})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = app.post(&format!("{case_path}/resolve"), m.moderator.t(), json!({"resolution": "actioned", "reason": "seller warned"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.post(&format!("{case_path}/resolve"), m.moderator.t(), json!({"resolution": "dismissed", "reason": "x"})).await.0, StatusCode::CONFLICT);
        let (_, body) = app.get("/moderation/reports/mine", m.stranger.t()).await;
        let mine: Paged<ReportView> = typed(&body);
        assert_eq!((mine.total, mine.items[0].status, mine.items[0].resolution), (1, CaseStatus::Resolved, Some(CaseResolution::Actioned)));
        assert_eq!(queue("?status=resolved").await.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![first.case_id]);
        // A new report of the same target opens a new case.
        let (_, body) = report(&m.buyer, about_seller("it goes on")).await;
        assert_ne!(typed::<ReportView>(&body).case_id, first.case_id);

        // Trades and messages: only their parties report them; nobody reports themselves.
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = chat(&app, &m.buyer, t).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let message = body["id"].as_i64().unwrap();
        assert_eq!(report(&m.stranger, json!({"target": "trade", "target_id": t, "category": "scam", "text": "x"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(report(&m.seller, json!({"target": "trade", "target_id": t, "category": "payment_fraud", "text": "fake receipt"})).await.0, StatusCode::CREATED);
        assert_eq!(report(&m.seller, json!({"target": "message", "target_id": message, "category": "harassment", "text": "rude"})).await.0, StatusCode::CREATED);
        assert_eq!(report(&m.buyer, json!({"target": "message", "target_id": message, "category": "spam", "text": "mine"})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(report(&m.stranger, json!({"target": "message", "target_id": message, "category": "spam", "text": "x"})).await.0, StatusCode::NOT_FOUND);

        // Bad input changes nothing.
        for (body, status) in [
            (json!({"target": "user", "target_id": m.seller.id, "category": "rude", "text": "x"}), StatusCode::UNPROCESSABLE_ENTITY),
            (json!({"target": "planet", "target_id": 1, "category": "spam", "text": "x"}), StatusCode::UNPROCESSABLE_ENTITY),
            (json!({"target": "user", "target_id": m.seller.id, "category": "spam"}), StatusCode::UNPROCESSABLE_ENTITY),
            (json!({"target": "user", "target_id": m.seller.id, "category": "spam", "text": "x".repeat(2001)}), StatusCode::UNPROCESSABLE_ENTITY),
            (json!({"target": "user", "target_id": third.id, "category": "spam", "text": "me"}), StatusCode::UNPROCESSABLE_ENTITY),
            (json!({"target": "user", "target_id": 999_999, "category": "spam", "text": "x"}), StatusCode::NOT_FOUND),
            (json!({"target": "offer", "target_id": 999_999, "category": "spam", "text": "x"}), StatusCode::NOT_FOUND),
        ] {
            let (got, answer) = report(&third, body.clone()).await;
            assert_eq!(got, status, "{body} → {answer}");
        }
        assert_eq!(app.post("/moderation/reports", None, about_seller("x")).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(typed::<Paged<ReportView>>(&app.get("/moderation/reports/mine", third.t()).await.1).total, 1);

        // Sanctions are staff's: bad input is named, others are refused.
        let (status, _) = try_sanction(&app, &m.buyer, m.seller.id, "ban", "x", None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for (kind, reason, expires, field) in [
            ("exile", "x", None, None),
            ("ban", "", None, Some("reason")),
            ("suspend", "x", Some("tomorrow"), Some("expires_at")),
            ("suspend", "x", Some("2001-01-01T00:00:00Z"), Some("expires_at")),
        ] {
            let (status, body) = try_sanction(&app, &m.moderator, m.seller.id, kind, reason, expires).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{kind} {body}");
            if field.is_some() {
                assert_eq!(crate::helpers::error_field(&body).as_deref(), field, "{body}");
            }
        }
        assert_eq!(try_sanction(&app, &m.moderator, 999_999, "ban", "x", None).await.0, StatusCode::NOT_FOUND);
        let (_, body) = app.get(&format!("/moderation/sanctions?user_id={}", m.seller.id), m.moderator.t()).await;
        assert_eq!(typed::<Paged<SanctionView>>(&body).total, 0, "nothing was imposed");

        // Staff take an offer down with a reason; the trade open on it runs on.
        let remove = async |who: &Party, offer: i64, reason: &str| app.post(&format!("/moderation/offers/{offer}/remove"), who.t(), json!({"reason": reason})).await;
        let own = app.offer(&other, "buy", "0.1", "1").await;
        let (status, body) = remove(&other, own, "mine").await;
        assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, ErrorCode::ConflictOfInterest), "{body}");
        assert_eq!(remove(&m.buyer, m.offer, "scam").await.0, StatusCode::FORBIDDEN);
        assert_eq!(remove(&m.moderator, m.offer, " ").await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = remove(&m.moderator, m.offer, "misleading terms").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let removed: OfferRemoved = typed(&body);
        assert_eq!((removed.owner_id, removed.reason.as_str(), removed.removed_by), (m.seller.id, "misleading terms", m.moderator.id));
        assert_eq!(app.get(&format!("/offers/{}", m.offer), None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(remove(&m.moderator, m.offer, "again").await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.step(&m.buyer, t, "paid", json!({})).await.0, StatusCode::OK);
    }
}

db_test! {
    async fn moderation_internal_routes_are_not_reachable_through_the_gateway(app) {
        let user = app.party("someone").await;
        for (method, path) in [
            ("GET", "/moderation/internal/anything"),
            ("PUT", "/auth/internal/users/1/restrictions"),
            ("PUT", "/offers/internal/owners/1/barred"),
            ("GET", "/transactions/internal/trades/1/parties"),
            ("GET", "/transactions/internal/messages/1"),
        ] {
            let (status, body) = app.call(method, path, user.t(), Some(json!({"restrictions": [], "barred": true, "until_ms": null}))).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
        }
        // At login itself, only the moderation service may set restrictions.
        let path = format!("/internal/users/{}/restrictions", user.id);
        let body = json!({"restrictions": [{"sanction_id": 1, "kind": "ban", "reason": "forged", "expires_at_ms": null}], "version": 1});
        let (status, _) = app.call_at(&app.login, "PUT", &path, user.t(), Some(body.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a user's token");
        let keys = app.keys();
        let frontend = keys.issue_service("frontend").unwrap().token;
        let (status, _) = app.call_at(&app.login, "PUT", &path, Some(&frontend), Some(body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "another service");
        app.me(&user.token).await;
    }
}
