//! Withdrawals over RabbitMQ (the broker running on this machine), through a relay the
//! test can switch off to take the broker away and bring it back.

use std::time::Duration;

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::chain;
use crate::faults::Switch;
use pupero_api::money::{WithdrawalAccepted, WithdrawalView};
use pupero_core::WithdrawalStatus;

use crate::helpers::{Backend, Party, TestApp, run, typed};

fn broker_address() -> String {
    std::env::var("PUPERO_TEST_AMQP_ADDR").unwrap_or_else(|_| "127.0.0.1:5672".into())
}

async fn withdraw(app: &TestApp, who: &Party, key: &str, address: &str, amount: &str) -> i64 {
    let resp = app
        .http
        .post(format!("{}/transactions/withdraw", app.gateway))
        .bearer_auth(&who.token)
        .header("idempotency-key", key)
        .json(&json!({"address": address, "amount": amount}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    resp.json::<WithdrawalAccepted>()
        .await
        .unwrap()
        .withdrawal_id
}

async fn wait_relayed(app: &TestApp, who: &Party, id: i64, within: Duration) -> WithdrawalView {
    let started = std::time::Instant::now();
    loop {
        let (_, w) = app
            .get(&format!("/transactions/withdrawals/{id}"), who.t())
            .await;
        let w: WithdrawalView = typed(&w);
        if w.status == WithdrawalStatus::Relayed {
            return w;
        }
        assert!(
            started.elapsed() < within,
            "withdrawal {id} not relayed in {within:?}: {w:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawals_travel_over_rabbitmq_survive_an_outage_and_poison_is_dead_lettered() {
    let _turn = chain::chain_turn().await;
    let fixture = chain::fixture().await;
    let switch = Switch::to(broker_address()).await;
    let queue = format!("pupero_t_{}_{}", std::process::id(), rand::random::<u32>());
    let url = format!("amqp://guest:guest@127.0.0.1:{}/%2f", switch.port);
    // The database pass is slowed to 10 minutes: only the queue can deliver promptly.
    let options = chain::options(&[
        "--rabbitmq-url",
        &url,
        "--rabbitmq-queue",
        &queue,
        "--rabbitmq-poll-interval-seconds",
        "600",
    ])
    .await;
    let on = switch.on.clone();
    let direct = pupero_queue::Broker {
        url: format!("amqp://guest:guest@{}/%2f", broker_address()),
        queue: queue.clone(),
    };
    let broker = direct.clone();
    run(Backend::Sqlite, options, move |app| async move {
        let alice = app.party("alice").await;
        crate::withdrawals::deposit(&app, &alice, 1).await;
        let receiver = fixture
            .user()
            .create_address("over-rabbitmq")
            .await
            .unwrap()
            .address;

        // The broker is away: the request is still accepted, and its message waits in the outbox.
        let first = withdraw(&app, &alice, "mq-1", &receiver, "0.2").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (_, w) = app
            .get(&format!("/transactions/withdrawals/{first}"), alice.t())
            .await;
        assert_eq!(typed::<WithdrawalView>(&w).status, WithdrawalStatus::Queued);
        use pupero_transactions::entity::outbox;
        let waiting = outbox::Entity::find()
            .filter(outbox::Column::PublishedAtMs.is_null())
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(waiting.len(), 1, "the message waits in the outbox");

        // The broker returns: the message is published, consumed, and the withdrawal sent.
        on.store(true, std::sync::atomic::Ordering::SeqCst);
        let sent = wait_relayed(&app, &alice, first, Duration::from_secs(60)).await;
        let waiting = outbox::Entity::find()
            .filter(outbox::Column::PublishedAtMs.is_null())
            .all(&app.db)
            .await
            .unwrap();
        assert!(waiting.is_empty());

        // With the broker up, a withdrawal is pushed through it at once.
        fixture.mine(10).await;
        let second = withdraw(&app, &alice, "mq-2", &receiver, "0.3").await;
        wait_relayed(&app, &alice, second, Duration::from_secs(15)).await;

        // A message nobody can read goes to the dead-letter queue instead of blocking the queue.
        let poison = pupero_queue::Publisher::new(broker.clone());
        poison
            .publish_json(&json!({"not": "a withdrawal"}))
            .await
            .unwrap();
        let mut dead = 0;
        for _ in 0..100 {
            dead = broker.dead_letters().await.unwrap();
            if dead == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(dead, 1, "poison is dead-lettered");

        fixture.mine(10).await;
        let received = fixture.user().incoming(None).await.unwrap();
        let first_tx = sent.tx_hashes[0].as_str();
        assert_eq!(
            received
                .incoming
                .iter()
                .filter(|t| t.txid == first_tx)
                .map(|t| t.amount)
                .collect::<Vec<_>>(),
            vec![200_000_000_000]
        );
        assert_eq!(app.balances(&alice).await.2, "0.000000000000");
        app.assert_ledger_consistent().await;
    })
    .await;
    switch.set(false);
    direct.delete().await.unwrap();
}
