#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

//! Property test: random sequences of adjustments, trade openings and trade steps, run
//! through the real ledger, the real state machine and the real settlement moves on a
//! real (SQLite) database, agree with a plain model after every operation, and leave the
//! journal consistent.

use std::collections::BTreeMap;

use proptest::prelude::*;
use sea_orm_migration::MigratorTrait;

use pupero_core::trade::{Action, Actor, Settlement, Step, TradeFacts, TradeState, step};
use pupero_core::{BuyerShare, Piconero, split_escrow};
use pupero_transactions::entity::trade;
use pupero_transactions::ledger::{
    self, Account, Entry, LedgerError, Move, PlatformAccount, UserAccount,
};
use pupero_transactions::trades::{escrow_move, settlement_moves};

const USERS: i64 = 3;
const FEE_BPS: u32 = 250;

#[derive(Debug, Clone)]
enum Op {
    Credit {
        user: i64,
        amount: i64,
    },
    Debit {
        user: i64,
        amount: i64,
    },
    Open {
        seller: i64,
        buyer: i64,
        amount: i64,
    },
    Step {
        trade: usize,
        action: Action,
        actor: Actor,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let user = 1..=USERS;
    let amount = 1..=5_000_000_000_000i64;
    prop_oneof![
        (user.clone(), amount.clone()).prop_map(|(user, amount)| Op::Credit { user, amount }),
        (user.clone(), amount.clone()).prop_map(|(user, amount)| Op::Debit { user, amount }),
        (user.clone(), 1..USERS, amount).prop_map(|(seller, shift, amount)| Op::Open {
            seller,
            buyer: (seller - 1 + shift) % USERS + 1,
            amount,
        }),
        (
            0..8usize,
            proptest::sample::select(Action::ALL.to_vec()),
            proptest::sample::select(vec![
                Actor::Buyer,
                Actor::Seller,
                Actor::Moderator,
                Actor::System
            ])
        )
            .prop_map(|(trade, action, actor)| Op::Step {
                trade,
                action,
                actor
            }),
    ]
}

#[derive(Default)]
struct Model {
    available: BTreeMap<i64, i64>,
    escrow: BTreeMap<i64, i64>,
    fees: i64,
    trades: Vec<(trade::Model, TradeFacts)>,
}

fn row(id: i64, seller: i64, buyer: i64, amount: i64) -> trade::Model {
    trade::Model {
        id,
        offer_id: 1,
        open_key: None,
        maker_id: seller,
        taker_id: buyer,
        seller_id: seller,
        buyer_id: buyer,
        side: pupero_core::OfferSide::Sell,
        currency: "EUR".into(),
        price_cents: 15000,
        amount,
        fee: Piconero::new(amount)
            .unwrap()
            .basis_points(FEE_BPS)
            .as_i64(),
        fiat_total_cents: 0,
        payment_method: "sepa".into(),
        payment_window_minutes: 30,
        terms: String::new(),
        state: TradeState::AwaitingPayment,
        buyer_wants_cancel: false,
        seller_wants_cancel: false,
        payment_deadline_ms: 0,
        created_at_ms: 0,
        updated_at_ms: 0,
        paid_at_ms: None,
        completed_at_ms: None,
        cancelled_at_ms: None,
        cancel_reason: None,
        disputed_at_ms: None,
        dispute_opened_by: None,
        dispute_statement: None,
        resolution: None,
        resolved_by: None,
        resolution_reason: None,
        resolution_code: None,
        buyer_share_bps: None,
    }
}

fn entry() -> Entry {
    Entry {
        kind: pupero_core::EntryKind::Adjustment,
        reference: "prop".into(),
        memo: String::new(),
        actor_id: None,
    }
}

async fn run(ops: Vec<Op>) {
    let dir = std::env::temp_dir().join(format!("pupero-ledger-prop-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = pupero_db::connect(
        &format!("sqlite://{}/l.db?mode=rwc", dir.display()),
        pupero_config::DEFAULT_DATABASE_POOL_SIZE,
    )
    .await
    .unwrap();
    pupero_transactions::Migrator::up(&db, None).await.unwrap();
    let mut m = Model::default();
    let adjustments = Account::Platform(PlatformAccount::Adjustments);

    for op in ops {
        let tx = pupero_db::write_tx(&db).await.unwrap();
        match op {
            Op::Credit { user, amount } => {
                let mv = Move::new(
                    adjustments,
                    Account::User(user, UserAccount::Available),
                    Piconero::new(amount).unwrap(),
                );
                ledger::post(&tx, entry(), &[mv]).await.unwrap();
                *m.available.entry(user).or_default() += amount;
            }
            Op::Debit { user, amount } => {
                let mv = Move::new(
                    Account::User(user, UserAccount::Available),
                    adjustments,
                    Piconero::new(amount).unwrap(),
                );
                let enough = m.available.get(&user).copied().unwrap_or(0) >= amount;
                match ledger::post(&tx, entry(), &[mv]).await {
                    Ok(_) => {
                        assert!(
                            enough,
                            "debit of {amount} from user {user} went through without funds"
                        );
                        *m.available.entry(user).or_default() -= amount;
                    }
                    Err(LedgerError::InsufficientFunds(_)) => {
                        assert!(!enough, "debit refused although funded")
                    }
                    Err(e) => panic!("{e}"),
                }
            }
            Op::Open {
                seller,
                buyer,
                amount,
            } => {
                let enough = m.available.get(&seller).copied().unwrap_or(0) >= amount;
                match ledger::post(
                    &tx,
                    entry(),
                    &[escrow_move(seller, Piconero::new(amount).unwrap())],
                )
                .await
                {
                    Ok(_) => {
                        assert!(enough, "escrow without funds");
                        *m.available.entry(seller).or_default() -= amount;
                        *m.escrow.entry(seller).or_default() += amount;
                        let id = m.trades.len() as i64 + 1;
                        let facts = TradeFacts {
                            state: TradeState::AwaitingPayment,
                            buyer_wants_cancel: false,
                            seller_wants_cancel: false,
                        };
                        m.trades.push((row(id, seller, buyer, amount), facts));
                    }
                    Err(LedgerError::InsufficientFunds(_)) => {
                        assert!(!enough, "escrow refused although funded")
                    }
                    Err(e) => panic!("{e}"),
                }
            }
            Op::Step {
                trade,
                action,
                actor,
            } => {
                let Some((t, facts)) = m.trades.get_mut(trade) else {
                    tx.commit().await.unwrap();
                    continue;
                };
                match step(*facts, action, actor) {
                    Ok(Step::Move { next, settlement }) => {
                        // Each trade's split share, varied across trades (1..=9999 bps).
                        let share =
                            BuyerShare::new(u32::try_from(t.id * 1_237 % 9_999 + 1).unwrap())
                                .unwrap();
                        if let Some((_, moves)) =
                            settlement_moves(t, settlement, Some(share)).unwrap()
                        {
                            ledger::post(&tx, entry(), &moves)
                                .await
                                .expect("escrow always covers its settlement");
                        }
                        match settlement {
                            Settlement::Hold => {}
                            Settlement::ReturnToSeller => {
                                *m.escrow.get_mut(&t.seller_id).unwrap() -= t.amount;
                                *m.available.entry(t.seller_id).or_default() += t.amount;
                            }
                            Settlement::PayBuyer => {
                                *m.escrow.get_mut(&t.seller_id).unwrap() -= t.amount;
                                *m.available.entry(t.buyer_id).or_default() += t.amount - t.fee;
                                m.fees += t.fee;
                            }
                            Settlement::Split => {
                                let parts = split_escrow(t.amount, t.fee, share.bps()).unwrap();
                                assert_eq!(
                                    parts.buyer + parts.fee + parts.seller,
                                    t.amount,
                                    "a split conserves the escrow"
                                );
                                *m.escrow.get_mut(&t.seller_id).unwrap() -= t.amount;
                                *m.available.entry(t.buyer_id).or_default() += parts.buyer;
                                *m.available.entry(t.seller_id).or_default() += parts.seller;
                                m.fees += parts.fee;
                            }
                        }
                        facts.state = next;
                    }
                    Ok(Step::VoteCancel) => {
                        if actor == Actor::Buyer {
                            facts.buyer_wants_cancel = true
                        } else {
                            facts.seller_wants_cancel = true
                        }
                    }
                    Ok(Step::AlreadyDone) | Err(_) => {}
                }
            }
        }
        tx.commit().await.unwrap();
        for user in 1..=USERS {
            let b = ledger::balances(&db, user).await.unwrap();
            assert_eq!(
                b.available.as_i64(),
                m.available.get(&user).copied().unwrap_or(0),
                "available of {user}"
            );
            assert_eq!(
                b.escrow.as_i64(),
                m.escrow.get(&user).copied().unwrap_or(0),
                "escrow of {user}"
            );
        }
    }
    let open_escrow: i64 = m
        .trades
        .iter()
        .filter(|(_, f)| f.state.holds_escrow())
        .map(|(t, _)| t.amount)
        .sum();
    assert_eq!(
        open_escrow,
        m.escrow.values().sum::<i64>(),
        "escrow equals the open trades"
    );
    let report = ledger::verify(&db).await.unwrap();
    assert!(report.is_consistent(), "{report:?}");
    let _ = m.fees;
    db.close().await.ok();
    let _ = std::fs::remove_dir_all(dir);
}

fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{}-{nanos}", std::process::id())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn the_ledger_agrees_with_the_model_under_any_sequence(ops in proptest::collection::vec(op(), 1..60)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(run(ops));
    }
}
