use pupero_api::ErrorCode;
use pupero_api::Paged;
use pupero_api::accounts::AuditEntry;
use pupero_api::money::{Adjusted, BalancesView, StatementLine};
use pupero_core::{AuditAction, EntryKind, Piconero, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{db_test, error_code, error_field, typed};

db_test! {
    async fn balances_are_private_and_exact(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let alice = app.party("alice").await;
        let bob = app.party("bob").await;
        assert_eq!(app.balances(&alice).await, ("0.000000000000".into(), "0.000000000000".into(), "0.000000000000".into()));
        app.credit(&admin, alice.id, "1.5").await;
        app.credit(&admin, alice.id, "0.000000000001").await;
        assert_eq!(app.balances(&alice).await.0, "1.500000000001");
        let (status, _) = app.get(&format!("/transactions/balances/{}", alice.id), bob.t()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = app.get(&format!("/transactions/balances/{}", alice.id), admin.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["total"], "1.500000000001", "amounts travel as twelve-decimal strings");
        let seen: BalancesView = typed(&body);
        assert_eq!((seen.user_id, seen.available, seen.total), (alice.id, Piconero::new(1_500_000_000_001).unwrap(), seen.available));
        let (status, _) = app.get(&format!("/transactions/balances/{}", alice.id), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // Reading a balance creates nothing (the seed created rows and wallet addresses on read).
        let (_, _) = app.get(&format!("/transactions/balances/{}", 424242), admin.t()).await;
        let report = pupero_transactions::ledger::verify(&app.db).await.unwrap();
        assert_eq!(report.accounts, 2, "alice's available and the adjustments account: {report:?}");

        let (status, statement) = app.get("/transactions/ledger", alice.t()).await;
        assert_eq!(status, StatusCode::OK);
        let statement: Paged<StatementLine> = typed(&statement);
        assert_eq!(statement.total, 2);
        let newest = &statement.items[0];
        assert_eq!(newest.amount, "0.000000000001");
        assert_eq!(newest.kind, EntryKind::Adjustment);
        assert_eq!(newest.account, "available");
        let (_, empty) = app.get("/transactions/ledger", bob.t()).await;
        let empty: Paged<StatementLine> = typed(&empty);
        assert_eq!((empty.total, empty.items.len()), (0, 0));
    }
}

db_test! {
    async fn adjustments_need_an_admin_a_reason_and_funds(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let user = app.party("carol").await;
        let adjust = async |who: Option<&str>, body: Value| app.post("/transactions/admin/adjust", who, body).await;
        let good = json!({"user_id": user.id, "amount": "2", "direction": "credit", "reason": "promo"});
        assert_eq!(adjust(user.t(), good.clone()).await.0, StatusCode::FORBIDDEN, "users cannot credit themselves");
        assert_eq!(adjust(None, good.clone()).await.0, StatusCode::UNAUTHORIZED);
        let cases: Vec<(Value, &str)> = vec![
            (json!({"user_id": user.id, "amount": "1.0000000000001", "direction": "credit", "reason": "r"}), "amount"),
            (json!({"user_id": user.id, "amount": "-1", "direction": "credit", "reason": "r"}), "amount"),
            (json!({"user_id": user.id, "amount": "0", "direction": "credit", "reason": "r"}), "amount"),
            (json!({"user_id": user.id, "amount": "lots", "direction": "credit", "reason": "r"}), "amount"),
            (json!({"user_id": user.id, "amount": "99999999999", "direction": "credit", "reason": "r"}), "amount"),
            (json!({"user_id": user.id, "amount": 1, "direction": "credit", "reason": "r"}), "amount"),
            (json!({"user_id": user.id, "amount": "1", "direction": "sideways", "reason": "r"}), "direction"),
            (json!({"user_id": user.id, "amount": "1", "direction": "credit", "reason": " "}), "reason"),
            (json!({"user_id": user.id, "amount": "1", "direction": "credit"}), "reason"),
            (json!({"user_id": 987654, "amount": "1", "direction": "credit", "reason": "r"}), "user_id"),
            (json!({"user_id": "x", "amount": "1", "direction": "credit", "reason": "r"}), "user_id"),
        ];
        for (body, field) in cases {
            let (status, answer) = adjust(admin.t(), body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
            assert_eq!(error_field(&answer).as_deref(), Some(field), "{body}: {answer}");
        }
        assert_eq!(app.balances(&user).await.0, "0.000000000000", "refused adjustments change nothing");
        let (status, body) = adjust(admin.t(), good).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let adjusted: Adjusted = typed(&body);
        assert_eq!((adjusted.balances.user_id, adjusted.balances.available), (user.id, Piconero::parse_xmr("2").unwrap()));
        let (status, body) = adjust(admin.t(), json!({"user_id": user.id, "amount": "2.5", "direction": "debit", "reason": "clawback"})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(error_code(&body), ErrorCode::InsufficientFunds);
        let (status, body) = adjust(admin.t(), json!({"user_id": user.id, "amount": "0.5", "direction": "debit", "reason": "clawback"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.balances(&user).await.0, "1.500000000000");
        let (_, audit) = app.get("/transactions/admin/audit", admin.t()).await;
        let audit: Paged<AuditEntry> = typed(&audit);
        // Each adjustment is a staff record beside its ledger entry's record, by the admin.
        let adjustments: Vec<&AuditEntry> = audit.items.iter().filter(|e| e.action == AuditAction::Adjust).collect();
        assert_eq!(adjustments.len(), 2, "{audit:?}");
        assert_eq!(audit.total, 4, "{audit:?}");
        assert!(audit.items.iter().all(|e| e.actor_id == Some(admin.id)), "{audit:?}");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn the_seed_transfer_route_is_for_admins_only(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let rich = app.party("rich").await;
        let thief = app.party("thief").await;
        app.credit(&admin, rich.id, "5").await;
        let steal = json!({"from_user_id": rich.id, "to_user_id": thief.id, "amount": "5", "reason": "mine now"});
        for who in [thief.t(), rich.t(), None] {
            let (status, _) = app.post("/transactions/transfer", who, steal.clone()).await;
            assert!(status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED, "{status}");
        }
        let (status, _) = app.post("/transactions/internal/balances", thief.t(), json!({"user_ids": [rich.id]})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "internal routes are not reachable through the gateway");
        // And the service itself refuses a user's token on them.
        let (status, body) = app
            .call_at(&app.transactions, "POST", "/internal/balances", thief.t(), Some(json!({"user_ids": [rich.id]})))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(app.balances(&rich).await.0, "5.000000000000");
        let (status, body) = app
            .post("/transactions/transfer", admin.t(), json!({"from_user_id": rich.id, "to_user_id": thief.id, "amount": "6", "reason": "refund"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = app
            .post("/transactions/transfer", admin.t(), json!({"from_user_id": rich.id, "to_user_id": thief.id, "amount": "1", "reason": "refund"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(app.balances(&thief).await.0, "1.000000000000");
        app.assert_ledger_consistent().await;
    }
}

db_test! {
    async fn ledger_verify_from_the_command_line(app) {
        let admin = app.staff("admin", Role::Admin).await;
        let user = app.party("dave").await;
        app.credit(&admin, user.id, "3").await;
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pupero"))
            .args(["admin", "ledger-verify", "--database-url", &app.db_url])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("ledger consistent"));
        // Tamper with a cached balance behind the ledger's back: the check must catch it.
        use sea_orm::ConnectionTrait;
        app.db
            .execute_unprepared("UPDATE ledger_accounts SET balance = balance + 1 WHERE account_key LIKE 'user:%'")
            .await
            .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pupero"))
            .args(["admin", "ledger-verify", "--database-url", &app.db_url])
            .output()
            .unwrap();
        assert!(!out.status.success(), "a tampered balance must fail the check");
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("user:{}:available", user.id)));
    }
}
