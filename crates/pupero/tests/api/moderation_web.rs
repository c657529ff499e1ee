//! Issue 14 items 7 and 8: staff find users by name (the login service's staff search),
//! and the moderation pages over plain HTTP: who may open them, CSRF on their forms, and
//! report → case → sanction → appeal → lift as the pages do it. (The browser test drives
//! the same journey in Chromium.)

use reqwest::StatusCode;
use serde_json::json;

use pupero_api::Paged;
use pupero_api::accounts::StaffUserView;
use pupero_api::moderation::{CaseView, ReportView, SanctionView};
use pupero_api::money::BalancesView;
use pupero_core::{CaseStatus, Role};

use crate::helpers::{ErrorCode, Party, TestApp, db_test, error_of, typed};
use crate::trading::market;
use crate::web::{Page, Web};

async fn search(app: &TestApp, who: &Party, query: &str) -> (StatusCode, serde_json::Value) {
    app.get(&format!("/auth/staff/users?{query}"), who.t())
        .await
}

fn names(body: &serde_json::Value) -> (Vec<String>, u64) {
    let page: Paged<StaffUserView> = typed(body);
    (
        page.items.into_iter().map(|u| u.username).collect(),
        page.total,
    )
}

db_test! {
    /// Staff find people by part of their name, names starting with it first, a page at a
    /// time; `_` is a username character, not a wildcard.
    async fn staff_find_users_by_part_of_their_name(app) {
        let moderator = app.staff("mod", Role::Moderator).await;
        let admin = app.staff("root", Role::Admin).await;
        for name in ["alice", "malice", "Alison", "bob_x", "bobax"] {
            app.party(name).await;
        }
        let (status, body) = search(&app, &moderator, "q=ali").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(names(&body), (vec!["alice".into(), "Alison".into(), "malice".into()], 3));
        // Case does not matter; an admin may search too.
        let (status, body) = search(&app, &admin, "q=ALIC").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(names(&body), (vec!["alice".into(), "malice".into()], 2));
        // `b_x` is the literal text: `bobax` (b, any letter, x) is no match.
        let (_, body) = search(&app, &moderator, "q=b_x").await;
        assert_eq!(names(&body), (vec!["bob_x".into()], 1));
        // Paginated: the same order, a page at a time.
        let (_, first) = search(&app, &moderator, "q=ali&limit=2").await;
        let (_, second) = search(&app, &moderator, "q=ali&limit=2&offset=2").await;
        assert_eq!(names(&first), (vec!["alice".into(), "Alison".into()], 3));
        assert_eq!(names(&second), (vec!["malice".into()], 3));
        let (_, none) = search(&app, &moderator, "q=zzz").await;
        assert_eq!(names(&none), (vec![], 0));

        // One account by number, for the staff user page.
        let (_, body) = search(&app, &moderator, "q=alice").await;
        assert_eq!(names(&body), (vec!["alice".into(), "malice".into()], 2));
        let id = typed::<Paged<StaffUserView>>(&body).items[0].id;
        let (status, body) = app.get(&format!("/auth/staff/users/{id}"), moderator.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let view: StaffUserView = typed(&body);
        assert_eq!((view.username.as_str(), view.role, view.disabled), ("alice", Role::User, false));
        assert!(body.get("email").is_none(), "a search shows no email: {body}");
        let (status, body) = app.get("/auth/staff/users/999999", moderator.t()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
}

db_test! {
    /// The search is for staff: a normal user is refused, an anonymous caller asked to sign
    /// in; a bad search is a 422 naming `q` (or the paging field).
    async fn the_user_search_is_staff_only_and_refuses_bad_input(app) {
        let moderator = app.staff("mod", Role::Moderator).await;
        let user = app.party("jill").await;
        for path in ["/auth/staff/users?q=jil", &format!("/auth/staff/users/{}", user.id)] {
            let (status, body) = app.get(path, user.t()).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
            let (status, _) = app.get(path, None).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        }
        let long = format!("q={}", "a".repeat(33));
        for (query, field) in [
            ("", "q"),
            ("q=", "q"),
            ("q=%20%20", "q"),
            ("q=a%20b", "q"),
            ("q=a%25", "q"),
            ("q=%27--", "q"),
            (long.as_str(), "q"),
            ("q=jil&limit=0", "limit"),
            ("q=jil&limit=1000", "limit"),
        ] {
            let (status, body) = search(&app, &moderator, query).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
            let error = error_of(&body);
            assert_eq!(error.code, ErrorCode::InvalidField, "{query}: {body}");
            assert_eq!(error.field.as_deref(), Some(field), "{query}: {body}");
        }
        let (status, body) = search(&app, &moderator, "q=abc&limit=abc").await;
        assert!(status.is_client_error(), "{body}");
    }
}

/// The CSRF token of a page's form (posted with its own fields, as a browser does).
async fn post_from(web: &Web, page: &Page, action: &str, fields: &[(&str, &str)]) -> Page {
    let token = page.csrf();
    let mut all = vec![("_csrf", token.as_str())];
    all.extend_from_slice(fields);
    web.post_raw(action, &all, &[("sec-fetch-site", "same-origin")])
        .await
}

/// The id attribute `id` is on the page.
fn has(page: &Page, id: &str) -> bool {
    page.body.contains(&format!("id=\"{id}\""))
}

const STAFF_PAGES: &[&str] = &[
    "/moderation/queue",
    "/moderation/queue?status=resolved",
    "/moderation/cases/1",
    "/moderation/sanctions",
    "/moderation/appeals",
    "/admin/users?q=jil",
    "/admin/users/1",
];

db_test! {
    /// The console is for staff: signed out, its pages ask to sign in; a normal user gets
    /// 403 with no console; the user's own pages open, and every form on them carries the
    /// CSRF token, without which nothing is filed.
    async fn moderation_pages_follow_roles_and_forms_carry_csrf(app) {
        let anonymous = Web::new(&app);
        for path in STAFF_PAGES.iter().chain(&["/reports", "/sanctions", "/report?target=user&id=1"]) {
            let page = anonymous.get(path).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
            assert!(page.location().starts_with("/login?next="), "{path}: {}", page.location());
        }
        let target = app.party("mallory").await;
        let web = Web::new(&app);
        web.register("jill").await;
        for path in STAFF_PAGES {
            let page = web.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}: {}", page.body);
            assert!(!page.body.contains("queue-filters") && !page.body.contains("sanction-form"), "{path}");
        }
        // The profile offers the report link; the report form carries the token.
        let profile = web.get("/u/mallory").await;
        assert!(profile.body.contains(&format!("href=\"/report?target=user&amp;id={}\"", target.id)), "{}", profile.body);
        let own = web.get("/u/jill").await;
        assert!(!has(&own, "report-user"), "nobody reports themself");
        let form_path = format!("/report?target=user&id={}", target.id);
        let form = web.get(&form_path).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(has(&form, "report-form") && form.body.contains("name=\"_csrf\""), "{}", form.body);
        let id = target.id.to_string();
        let fields = [("target", "user"), ("target_id", id.as_str()), ("category", "scam"), ("text", "asked me to pay outside")];
        let forged = web.post_raw("/report", &fields, &[("sec-fetch-site", "same-origin")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "no token, no report");
        let mine = web.get("/reports").await;
        assert!(has(&mine, "no-reports"), "nothing was filed: {}", mine.body);
        // A bad category is named and files nothing.
        let bad = post_from(&web, &form, "/report", &[("target", "user"), ("target_id", &id), ("category", "nonsense"), ("text", "x")]).await;
        assert_eq!(bad.status, StatusCode::SEE_OTHER);
        assert!(has(&web.get("/reports").await, "no-reports"));
        let sanctions = web.get("/sanctions").await;
        assert_eq!(sanctions.status, StatusCode::OK);
        assert!(has(&sanctions, "no-sanctions"), "{}", sanctions.body);
        // A bad report link is a 400 page, not a form about nothing.
        assert_eq!(web.get("/report?target=planet&id=1").await.status, StatusCode::BAD_REQUEST);
    }
}

db_test! {
    /// Report → case → claim → sanction → appeal → lift, through the pages: the reporter
    /// follows the report, a moderator works the case from the queue, the muted trader's
    /// chat form gives way to the reason and a link, they appeal, another moderator lifts
    /// it, and the chat form is back.
    async fn a_report_becomes_a_sanction_that_is_appealed_and_lifted_on_the_pages(app) {
        let m = market(&app).await;
        let trade = app.trade(&m.buyer, m.offer, "1").await;
        app.staff("second", Role::Moderator).await;
        let buyer = Web::new(&app);
        buyer.sign_in("buyer").await;
        let seller = Web::new(&app);
        seller.sign_in("seller").await;
        let moderator = Web::new(&app);
        moderator.sign_in("moderator").await;
        let second = Web::new(&app);
        second.sign_in("second").await;

        // The buyer reports the seller from the seller's profile.
        let form = buyer.get(&format!("/report?target=user&id={}", m.seller.id)).await;
        assert!(form.body.contains("Report user seller"), "{}", form.body);
        let id = m.seller.id.to_string();
        let sent = post_from(&buyer, &form, "/report", &[("target", "user"), ("target_id", &id), ("category", "harassment"), ("text", "insults in the trade chat")]).await;
        assert_eq!(sent.location(), "/reports", "{}", sent.body);
        let mine = buyer.follow(&sent).await;
        assert!(mine.body.contains("is with the moderators") && mine.body.contains("insults in the trade chat"), "{}", mine.body);
        assert!(mine.body.contains("Waiting for a moderator"), "{}", mine.body);

        // The moderator finds it in the queue and opens the case.
        let (_, body) = app.get("/moderation/queue", m.moderator.t()).await;
        let case = typed::<Paged<CaseView>>(&body).items[0].id;
        let queue = moderator.get("/moderation/queue").await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
        assert!(has(&queue, &format!("case-{case}")) && queue.body.contains("user seller"), "{}", queue.body);
        let filtered = moderator.get("/moderation/queue?target=offer").await;
        assert!(has(&filtered, "no-cases"), "a filter hides the user case");
        let bad_filter = moderator.get("/moderation/queue?status=sideways").await;
        assert_eq!(bad_filter.status, StatusCode::UNPROCESSABLE_ENTITY, "the API names a bad filter");
        let page = moderator.get(&format!("/moderation/cases/{case}")).await;
        assert!(page.body.contains("insults in the trade chat") && has(&page, "claim"), "{}", page.body);
        let claimed = post_from(&moderator, &page, &format!("/moderation/cases/{case}/claim"), &[]).await;
        let page = moderator.follow(&claimed).await;
        assert!(page.body.contains("You have this case") && !has(&page, "claim"), "{}", page.body);
        let mine = moderator.get("/moderation/queue?assignee=me").await;
        assert!(has(&mine, &format!("case-{case}")));
        let noted = post_from(&moderator, &page, &format!("/moderation/cases/{case}/notes"), &[("text", "checked the chat log")]).await;
        let page = moderator.follow(&noted).await;
        assert!(page.body.contains("checked the chat log"), "{}", page.body);
        // A bad length is refused with the reason, and nothing is imposed.
        let bad = post_from(&moderator, &page, &format!("/moderation/cases/{case}/sanction"), &[("user_id", &id), ("kind", "mute"), ("reason", "insults"), ("days", "0")]).await;
        assert!(bad.set_cookies().iter().any(|c| c.starts_with("pupero_flash=")));
        let (_, none) = app.get("/moderation/sanctions/mine", m.seller.t()).await;
        assert_eq!(none, json!([]), "a refused form imposed nothing");
        let muted = post_from(&moderator, &page, &format!("/moderation/cases/{case}/sanction"), &[("user_id", &id), ("kind", "mute"), ("reason", "insults in the trade chat"), ("days", "7")]).await;
        let page = moderator.follow(&muted).await;
        assert!(page.body.contains("Muted (no trade chat) imposed"), "{}", page.body);
        let resolved = post_from(&moderator, &page, &format!("/moderation/cases/{case}/resolve"), &[("resolution", "actioned"), ("reason", "muted for a week")]).await;
        let page = moderator.follow(&resolved).await;
        assert!(!has(&page, "sanction-form") && page.body.contains("muted for a week"), "{}", page.body);
        assert!(has(&moderator.get("/moderation/queue?status=resolved").await, &format!("case-{case}")));
        let (_, body) = app.get("/moderation/reports/mine", m.buyer.t()).await;
        assert_eq!(typed::<Paged<ReportView>>(&body).items[0].status, CaseStatus::Resolved);
        assert!(buyer.get("/reports").await.body.contains("Resolved: action was taken"));

        // The muted seller: the chat form gives way to the reason and the way to appeal.
        let trade_page = seller.get(&format!("/trades/{trade}")).await;
        assert!(has(&trade_page, "blocked") && !has(&trade_page, "chat-form"), "{}", trade_page.body);
        assert!(trade_page.body.contains("insults in the trade chat") && trade_page.body.contains("href=\"/sanctions\""));
        let other_side = buyer.get(&format!("/trades/{trade}")).await;
        assert!(has(&other_side, "chat-form") && !has(&other_side, "blocked"), "the buyer is not muted");
        let sanctions = seller.get("/sanctions").await;
        let (_, body) = app.get("/moderation/sanctions/mine", m.seller.t()).await;
        let sanction = typed::<Vec<SanctionView>>(&body)[0].id;
        assert!(sanctions.body.contains("insults in the trade chat") && has(&sanctions, &format!("appeal-form-{sanction}")), "{}", sanctions.body);
        let appealed = post_from(&seller, &sanctions, &format!("/sanctions/{sanction}/appeal"), &[("text", "it was a misunderstanding")]).await;
        let sanctions = seller.follow(&appealed).await;
        assert!(sanctions.body.contains("Waiting for a moderator") && !has(&sanctions, &format!("appeal-form-{sanction}")), "{}", sanctions.body);

        // The moderator who imposed it cannot decide it; another one lifts it.
        let appeals = moderator.get("/moderation/appeals").await;
        assert!(appeals.body.contains("it was a misunderstanding"), "{}", appeals.body);
        let (_, body) = app.get("/moderation/appeals", m.moderator.t()).await;
        let appeal = body["items"][0]["id"].as_i64().unwrap();
        let own = post_from(&moderator, &appeals, &format!("/moderation/appeals/{appeal}/decide"), &[("decision", "lift"), ("reason", "fine")]).await;
        assert!(own.set_cookies().iter().any(|c| c.starts_with("pupero_flash=")));
        assert!(seller.get("/sanctions").await.body.contains("in force"), "refused: still in force");
        let appeals = second.get("/moderation/appeals").await;
        let lifted = post_from(&second, &appeals, &format!("/moderation/appeals/{appeal}/decide"), &[("decision", "lift"), ("reason", "a misunderstanding, settled")]).await;
        let appeals = second.follow(&lifted).await;
        assert!(appeals.body.contains("the sanction is lifted") && has(&appeals, "no-appeals"), "{}", appeals.body);
        let sanctions = seller.get("/sanctions").await;
        assert!(sanctions.body.contains(&format!("id=\"sanction-{sanction}-lifted\"")) && sanctions.body.contains("Accepted: the sanction was lifted"), "{}", sanctions.body);
        let trade_page = seller.get(&format!("/trades/{trade}")).await;
        assert!(has(&trade_page, "chat-form") && !has(&trade_page, "blocked"), "{}", trade_page.body);
        let (status, body) = app.post(&format!("/transactions/trades/{trade}/messages"), m.seller.t(), json!({"body": "thanks"})).await;
        assert_eq!(status, StatusCode::CREATED, "the chat works again: {body}");

        // The other report links: the trade (for its parties), the other side's chat
        // message, the offer (not for its owner); a message report goes through the form.
        let message = body["id"].as_i64().unwrap();
        let trade_page = buyer.get(&format!("/trades/{trade}")).await;
        assert!(has(&trade_page, "report-trade") && has(&trade_page, &format!("report-message-{message}")), "{}", trade_page.body);
        assert!(!has(&seller.get(&format!("/trades/{trade}")).await, &format!("report-message-{message}")), "nobody reports their own message");
        assert!(has(&buyer.get(&format!("/offers/{}", m.offer)).await, "report-offer"));
        assert!(!has(&seller.get(&format!("/offers/{}", m.offer)).await, "report-offer"), "nobody reports their own offer");
        let form = buyer.get(&format!("/report?target=message&id={message}")).await;
        let message_id = message.to_string();
        let sent = post_from(&buyer, &form, "/report", &[("target", "message"), ("target_id", &message_id), ("category", "harassment"), ("text", "rude")]).await;
        assert_eq!(sent.location(), "/reports", "{}", sent.body);
        assert!(buyer.get("/reports").await.body.contains(&format!("chat message #{message}")));

        // The history shows it, lifted, with the user's page a click away.
        let history = second.get("/moderation/sanctions").await;
        assert!(history.body.contains("insults in the trade chat") && history.body.contains(&format!("/admin/users/{}", m.seller.id)), "{}", history.body);
    }
}

db_test! {
    /// Staff find a user by name and open their page; an adjustment shows whose balance
    /// and how much before anything moves; the audit page links the adjusted user.
    async fn admins_find_users_by_name_and_confirm_adjustments(app) {
        app.staff("root", Role::Admin).await;
        let jill = app.party("jill").await;
        let admin = Web::new(&app);
        admin.sign_in("root").await;
        let found = admin.get("/admin/users?q=JIL").await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        assert!(has(&found, &format!("found-{}", jill.id)), "{}", found.body);
        let bad = admin.get("/admin/users?q=a%20b").await;
        assert!(has(&bad, "form-error") && bad.body.contains("only what a username holds"), "{}", bad.body);
        let page = admin.get(&format!("/admin/users/{}", jill.id)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(has(&page, "staff-user-balances") && has(&page, "no-user-sanctions"), "{}", page.body);

        let console = admin.get("/admin").await;
        let id = jill.id.to_string();
        let fields = [("user_id", id.as_str()), ("amount", "1.5"), ("direction", "credit"), ("reason", "cash paid in person")];
        let confirm = post_from(&admin, &console, "/admin/adjust", &fields).await;
        assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
        assert!(has(&confirm, "adjust-confirm") && confirm.body.contains("jill") && confirm.body.contains("1.5 XMR"), "{}", confirm.body);
        let (_, body) = app.get(&format!("/transactions/balances/{}", jill.id), Some(&app.login("root").await.access)).await;
        assert!(typed::<BalancesView>(&body).available.is_zero(), "nothing moved before the confirmation");
        let unknown = post_from(&admin, &console, "/admin/adjust", &[("user_id", "999999"), ("amount", "1"), ("direction", "credit"), ("reason", "x")]).await;
        assert_eq!(unknown.status, StatusCode::SEE_OTHER, "an unknown user is named, not confirmed");
        let mut confirmed = fields.to_vec();
        confirmed.push(("confirm", "yes"));
        let done = post_from(&admin, &confirm, "/admin/adjust", &confirmed).await;
        let shown = admin.follow(&done).await;
        assert!(shown.body.contains("available balance is now 1.5 XMR"), "{}", shown.body);
        let audit = admin.get("/admin/audit").await;
        let money = &audit.body[audit.body.find("id=\"audit-money\"").unwrap()..];
        assert!(money.contains("adjusted the balance of") && money.contains(&format!("href=\"/admin/users/{}\"", jill.id)) && money.contains("user jill"), "{money}");
        let page = admin.get(&format!("/admin/users/{}", jill.id)).await;
        assert!(page.body.contains("cash paid in person"), "the audit trail on the user page: {}", page.body);
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    /// The admin's user page lists the user's trades from `GET /transactions/admin/users/{id}/trades`,
    /// which only an admin may call (a moderator or the user themself gets 403); a bad state
    /// filter is named.
    async fn an_admin_reads_a_users_trades_and_nobody_else_does(app) {
        let m = market(&app).await;
        let trade = app.trade(&m.buyer, m.offer, "1").await;
        let path = format!("/transactions/admin/users/{}/trades", m.buyer.id);
        let (status, body) = app.get(&path, m.admin.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page: Paged<pupero_api::trades::TradeView> = typed(&body);
        assert_eq!((page.total, page.items[0].id), (1, trade));
        let (_, body) = app.get(&format!("/transactions/admin/users/{}/trades", m.stranger.id), m.admin.t()).await;
        assert_eq!(typed::<Paged<pupero_api::trades::TradeView>>(&body).total, 0);
        for who in [&m.moderator, &m.buyer] {
            let (status, body) = app.get(&path, who.t()).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        }
        let (status, body) = app.get(&format!("{path}?state=sideways"), m.admin.t()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_of(&body).field.as_deref(), Some("state"));

        let admin = Web::new(&app);
        admin.sign_in("admin").await;
        let page = admin.get(&format!("/admin/users/{}", m.buyer.id)).await;
        assert!(has(&page, "staff-user-trades") && page.body.contains(&format!("href=\"/trades/{trade}\"")), "{}", page.body);
        // A moderator's user page leaves out what only admins read.
        let moderator = Web::new(&app);
        moderator.sign_in("moderator").await;
        let page = moderator.get(&format!("/admin/users/{}", m.buyer.id)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(!has(&page, "staff-user-trades") && !has(&page, "staff-user-balances") && has(&page, "staff-user-sanctions"), "{}", page.body);
    }
}
