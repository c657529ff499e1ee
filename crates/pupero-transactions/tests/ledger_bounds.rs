#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

//! Property test for issue 9 item 8: movements of any size, up to the whole BIGINT range,
//! between users and the platform's counterpart. A movement goes through exactly when every
//! balance it touches stays in range (users `0..=i64::MAX`, the platform `±i64::MAX`), a
//! refused one leaves nothing behind, and every balance still reads back as an integer equal
//! to the model's (SQLite turned an overflowing sum into a REAL before the guard).

use std::collections::BTreeMap;

use proptest::prelude::*;
use sea_orm_migration::MigratorTrait;

use pupero_core::Piconero;
use pupero_transactions::ledger::{
    self, Account, Entry, LedgerError, Move, PlatformAccount, UserAccount,
};

const USERS: i64 = 2;

#[derive(Debug, Clone)]
struct Op {
    user: i64,
    credit: bool,
    amount: i64,
}

fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        1..=1_000_000_000_000i64,
        (i64::MAX / 4)..=i64::MAX,
        (0..1_000i64).prop_map(|d| i64::MAX - d),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    (1..=USERS, any::<bool>(), amount()).prop_map(|(user, credit, amount)| Op {
        user,
        credit,
        amount,
    })
}

async fn run(ops: Vec<Op>) {
    let dir = std::env::temp_dir().join(format!(
        "pupero-ledger-bounds-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = pupero_db::connect(
        &format!("sqlite://{}/l.db?mode=rwc", dir.display()),
        pupero_config::DEFAULT_DATABASE_POOL_SIZE,
    )
    .await
    .unwrap();
    pupero_transactions::Migrator::up(&db, None).await.unwrap();
    let platform = Account::Platform(PlatformAccount::Adjustments);
    let mut users: BTreeMap<i64, i128> = BTreeMap::new();
    let mut counterpart: i128 = 0;
    let max = i128::from(i64::MAX);

    for op in ops {
        let user = Account::User(op.user, UserAccount::Available);
        let (from, to) = if op.credit {
            (platform, user)
        } else {
            (user, platform)
        };
        let signed = if op.credit {
            i128::from(op.amount)
        } else {
            -i128::from(op.amount)
        };
        let new_user = users.get(&op.user).copied().unwrap_or(0) + signed;
        let new_counterpart = counterpart - signed;
        let tx = pupero_db::write_tx(&db).await.unwrap();
        let entry = Entry {
            kind: pupero_core::EntryKind::Adjustment,
            reference: "bounds".into(),
            memo: String::new(),
            actor_id: None,
        };
        let moved = Move::new(from, to, Piconero::new(op.amount).unwrap());
        match ledger::post(&tx, entry, &[moved]).await {
            Ok(_) => {
                assert!(
                    (0..=max).contains(&new_user) && (-max..=max).contains(&new_counterpart),
                    "{op:?} went through to user {new_user}, platform {new_counterpart}"
                );
                users.insert(op.user, new_user);
                counterpart = new_counterpart;
            }
            Err(LedgerError::InsufficientFunds(_)) => {
                assert!(new_user < 0, "{op:?} refused as insufficient at {new_user}")
            }
            Err(LedgerError::Overflow(_)) => assert!(
                new_user > max || !(-max..=max).contains(&new_counterpart),
                "{op:?} refused as overflow at user {new_user}, platform {new_counterpart}"
            ),
            Err(e) => panic!("{op:?}: {e}"),
        }
        tx.commit().await.unwrap();

        for (id, expected) in &users {
            let b = ledger::balances(&db, *id).await.unwrap();
            assert_eq!(i128::from(b.available.as_i64()), *expected);
        }
    }
    let report = ledger::verify(&db).await.unwrap();
    assert!(report.is_consistent(), "{report:?}");
    db.close().await.ok();
    let _ = std::fs::remove_dir_all(&dir);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn balances_never_leave_the_bigint_range(ops in proptest::collection::vec(op(), 1..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(run(ops));
    }
}
