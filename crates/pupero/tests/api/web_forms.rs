//! The trader's forms, tried as a new user would (issue 15 item 7): errors in plain words
//! that name the field as the form labels it, decimal commas, a withdrawal review that
//! only shows what could be sent, a 2FA typo that keeps the key, a lockout that says how
//! long, and the user's own ledger history.

use pupero_api::Paged;
use pupero_api::money::WithdrawalView;
use pupero_api::offers::OfferView;
use pupero_core::{Piconero, Role};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Options, align_to_fresh_step, db_test, totp_code, typed};
use crate::web::Web;

const ADDRESS: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U";

db_test! {
    async fn offer_form_errors_name_the_field_as_labelled_and_decimal_commas_are_read(app) {
        let web = Web::new(&app);
        web.register("lena").await;
        let page = web
            .submit("/offers/new", "/offers/new", &[
                ("side", "sell"), ("currency", "EUR"), ("price_mode", "fixed"), ("price", "150"), ("payment_method", "sepa"),
                ("min_amount", "0.1"), ("max_amount", "1"), ("payment_window_minutes", "abc"),
            ])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(
            page.body.contains("Payment window (minutes): must be a whole number, not &#34;abc&#34;")
                || page.body.contains("Payment window (minutes): must be a whole number, not &quot;abc&quot;"),
            "{}", page.body
        );
        assert!(!page.body.contains("expected i64"), "serde's words leak: {}", page.body);
        assert!(!page.body.contains("line 1 column"), "{}", page.body);

        // "0,1" and "150,25" as a French or German user types them.
        let page = web
            .submit("/offers/new", "/offers/new", &[
                ("side", "sell"), ("currency", "EUR"), ("price_mode", "fixed"), ("price", "150,25"), ("payment_method", "sepa"),
                ("min_amount", "0,1"), ("max_amount", "1,5"), ("payment_window_minutes", "60"),
            ])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let (_, offers) = app.get("/offers", None).await;
        let offers = typed::<Paged<OfferView>>(&offers);
        assert_eq!(offers.total, 1);
        let o = &offers.items[0];
        assert_eq!((o.price.as_str(), o.min_amount, o.max_amount),
            ("150.25", Piconero::parse_xmr("0.1").unwrap(), Piconero::parse_xmr("1.5").unwrap()));

        // "1,000" could be a thousand or one: refused, not guessed.
        let page = web
            .submit("/offers/new", "/offers/new", &[
                ("side", "sell"), ("currency", "EUR"), ("price_mode", "fixed"), ("price", "150"), ("payment_method", "sepa"),
                ("min_amount", "0.1"), ("max_amount", "1,000"), ("payment_window_minutes", "60"),
            ])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(page.body.contains("Maximum (XMR)"), "{}", page.body);
        let (_, offers) = app.get("/offers", None).await;
        assert_eq!(typed::<Paged<OfferView>>(&offers).total, 1, "nothing more was created");
    }
}

db_test! {
    async fn the_withdrawal_review_shows_only_what_could_be_sent(app) {
        let admin = app.staff("root", Role::Admin).await;
        let user = app.party("milo").await;
        app.credit(&admin, user.id, "2").await;
        let web = Web::new(&app);
        web.sign_in("milo").await;
        for (amount, says) in [
            ("-0.5", "Amount (XMR): must not be negative."),
            ("0", "Amount (XMR): must be greater than zero."),
            ("2.5", "Amount (XMR): more than your available balance of 2 XMR."),
            ("lots", "Amount (XMR): must be a decimal number of XMR"),
        ] {
            let page = web.submit("/balances", "/withdraw", &[("address", ADDRESS), ("amount", amount)]).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}: {}", page.body);
            assert!(!page.body.contains("Confirm withdrawal"), "{amount}: the review shows: {}", page.body);
            assert!(page.body.contains(says), "{amount}: {}", page.body);
        }
        let typo = format!("{}x", &ADDRESS[..ADDRESS.len() - 1]);
        let page = web.submit("/balances", "/withdraw", &[("address", &typo), ("amount", "1")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(page.body.contains("Monero address:"), "{}", page.body);

        // A good one, typed with a decimal comma, is reviewed as the API will read it.
        let page = web.submit("/balances", "/withdraw", &[("address", ADDRESS), ("amount", "1,5")]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Confirm withdrawal"), "{}", page.body);
        assert!(page.body.contains("1.5"), "{}", page.body);
        assert!(!page.body.contains("-0.5"));
        let (_, list) = app.get("/transactions/withdrawals", user.t()).await;
        assert_eq!(typed::<Paged<WithdrawalView>>(&list).total, 0, "nothing was sent by a review");
    }
}

db_test! {
    async fn a_typo_while_enabling_2fa_keeps_the_key_already_scanned(app) {
        let web = Web::new(&app);
        web.register("nora").await;
        let settings = web.get("/settings").await;
        let enrol = web
            .post_raw("/settings/2fa/enable", &[("_csrf", &settings.csrf()), ("password", crate::helpers::PASSWORD)], &[])
            .await;
        assert_eq!(enrol.status, StatusCode::OK, "{}", enrol.body);
        let secret = crate::web::text_of(&enrol.body, "totp-secret");
        assert!(!secret.is_empty(), "{}", enrol.body);
        let hidden = |page: &str, name: &str| {
            let marker = format!("name=\"{name}\" value=\"");
            let start = page.find(&marker).unwrap_or_else(|| panic!("no {name}: {page}")) + marker.len();
            let end = page[start..].find('"').unwrap() + start;
            page[start..end].to_owned()
        };
        let confirm = |page: crate::web::Page, code: String| {
            let web = &web;
            async move {
                let fields = [
                    ("_csrf", page.csrf()),
                    ("code", code),
                    ("secret", hidden(&page.body, "secret")),
                    ("otpauth_url", hidden(&page.body, "otpauth_url")),
                    ("recovery_codes", hidden(&page.body, "recovery_codes")),
                ];
                let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                web.post_raw("/settings/2fa/confirm", &refs, &[]).await
            }
        };

        let step = align_to_fresh_step(20).await;
        let wrong = if totp_code(&secret, step) == "000000" { "111111" } else { "000000" };
        let again = confirm(enrol, wrong.to_owned()).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
        assert!(again.body.contains("id=\"form-error\""), "{}", again.body);
        assert_eq!(crate::web::text_of(&again.body, "totp-secret"), secret, "the same key, not a new one");
        assert!(again.body.contains("id=\"recovery-codes\""));

        let done = confirm(again, totp_code(&secret, step)).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let (status, body) = app
            .post("/auth/login", None, json!({"username": "nora", "password": crate::helpers::PASSWORD}))
            .await;
        assert_eq!(
            (status, crate::helpers::error_code(&body)),
            (StatusCode::UNAUTHORIZED, pupero_api::ErrorCode::TotpRequired),
            "2FA is on: {body}"
        );
    }
}

db_test! {
    async fn a_lockout_says_how_long_it_lasts(app, Options::with(&["--login-max-failures", "2", "--login-rate-per-minute", "100000"])) {
        app.user("olga").await;
        let mut last = (StatusCode::OK, json!(null));
        for _ in 0..3 {
            last = app.post("/auth/login", None, json!({"username": "olga", "password": "wrong password here"})).await;
        }
        assert_eq!(last.0, StatusCode::TOO_MANY_REQUESTS, "{}", last.1);
        let message = last.1["error"]["message"].as_str().unwrap_or_default().to_owned();
        assert!(message.contains("try again in ") && (message.contains("minute") || message.contains("second")), "{message}");
    }
}

db_test! {
    async fn the_history_page_lists_every_movement_with_its_trade(app) {
        let m = crate::trading::market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let web = Web::new(&app);
        web.sign_in("seller").await;
        let page = web.get("/history").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Adjustment by an admin"), "{}", page.body);
        assert!(page.body.contains(&format!("href=\"/trades/{t}\"")), "{}", page.body);
        assert!(page.body.contains("Trade opened: XMR into escrow"), "{}", page.body);
        assert!(page.body.contains("-1"), "the seller's XMR left the available balance: {}", page.body);
        // Only the visitor's own: the buyer has no movement yet.
        let buyer = Web::new(&app);
        buyer.sign_in("buyer").await;
        let page = buyer.get("/history").await;
        assert!(page.body.contains("id=\"history-empty\""), "{}", page.body);
        assert_eq!(Web::new(&app).get("/history").await.status, StatusCode::SEE_OTHER, "signed out");
    }
}

db_test! {
    async fn the_trade_page_can_tell_when_the_trade_moved_on(app) {
        let m = crate::trading::market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "1").await;
        let web = Web::new(&app);
        web.sign_in("seller").await;
        let moment_of = |body: &str| {
            let marker = "data-moment=\"";
            let start = body.find(marker).unwrap_or_else(|| panic!("no moment: {body}")) + marker.len();
            body[start..start + 16].to_owned()
        };
        let page = web.get(&format!("/trades/{t}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let shown = moment_of(&page.body);
        assert!(page.body.contains(&format!("data-poll=\"/trades/{t}/progress\"")));
        let now = web.get(&format!("/trades/{t}/progress")).await;
        assert_eq!((now.status, now.body.trim()), (StatusCode::OK, shown.as_str()), "nothing happened yet");

        // The buyer pays: the seller's open page learns it without the seller doing anything.
        let (status, body) = app.step(&m.buyer, t, "paid", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let now = web.get(&format!("/trades/{t}/progress")).await;
        assert_ne!(now.body.trim(), shown, "the trade moved on");
        let reloaded = web.get(&format!("/trades/{t}")).await;
        assert_eq!(moment_of(&reloaded.body), now.body.trim(), "the reloaded page shows the new moment");
        assert!(reloaded.body.contains("id=\"trade-changed\""));

        // Only the trade's parties (and staff) may ask.
        let stranger = Web::new(&app);
        stranger.sign_in("stranger").await;
        let refused = stranger.get(&format!("/trades/{t}/progress")).await;
        assert!(refused.status.is_client_error(), "{} {}", refused.status, refused.body);
        assert_ne!(refused.body.trim(), now.body.trim());
    }
}

db_test! {
    async fn a_trade_can_be_asked_for_in_fiat_and_limits_show_in_fiat(app) {
        let m = crate::trading::market(&app).await;
        let web = Web::new(&app);
        web.sign_in("buyer").await;
        let page = web.get(&format!("/offers/{}", m.offer)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        // 0.1 – 5 XMR at 150.00 EUR.
        assert!(page.body.contains("(15.00 – 750.00 EUR now)"), "{}", page.body);

        // Both, or a bad fiat amount: refused, nothing opened.
        for fields in [
            vec![("amount", "1"), ("fiat", "75")],
            vec![("fiat", "-5")],
            vec![("fiat", "7,555")],
        ] {
            let mut all = vec![("price", "150.00"), ("key", "")];
            all.extend(fields.iter().copied());
            let sent = web.submit(&format!("/offers/{}", m.offer), &format!("/offers/{}/trade", m.offer), &all).await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
            let back = web.follow(&sent).await;
            assert!(back.body.contains("flash-error"), "{fields:?}: {}", back.body);
        }
        let (_, trades) = app.get("/transactions/trades", m.buyer.t()).await;
        assert_eq!(trades["total"], 0, "{trades}");

        // 75,50 EUR at 150.00 EUR per XMR is 0.503333333333 XMR (rounded down).
        let sent = web
            .submit(&format!("/offers/{}", m.offer), &format!("/offers/{}/trade", m.offer), &[("price", "150.00"), ("fiat", "75,50")])
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert!(sent.location().starts_with("/trades/"), "{}", sent.location());
        let t: i64 = sent.location().trim_start_matches("/trades/").parse().unwrap();
        let (_, trade) = app.get(&format!("/transactions/trades/{t}"), m.buyer.t()).await;
        let trade: pupero_api::trades::TradeView = typed(&trade);
        assert_eq!(trade.amount, Piconero::new(503_333_333_333).unwrap());
        assert_eq!(trade.fiat_total, "75.50");
    }
}
