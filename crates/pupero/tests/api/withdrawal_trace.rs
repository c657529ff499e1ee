//! Issue 13 item 7: a withdrawal's request id and trace context travel gateway →
//! transactions → the queue (RabbitMQ headers, or the wake call and the claim) → the wallet
//! worker, whose JSON log lines about it carry both.

use reqwest::StatusCode;
use serde_json::{Value, json};

use pupero_api::money::WithdrawalAccepted;
use pupero_core::WithdrawalStatus;

use crate::chain;
use crate::faults::{Node, funded_user, wait_withdrawal};
use crate::helpers::typed;

/// The log's JSON lines mentioning `needle`.
fn lines_with(node: &Node, needle: &str) -> Vec<Value> {
    let log = std::fs::read_to_string(node.data.join("pupero.log")).unwrap_or_default();
    log.lines()
        .filter(|l| l.contains(needle))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

async fn a_withdrawal_can_be_followed_by_its_request_id(broker: bool) {
    let _turn = chain::chain_turn().await;
    let http = pupero_http::build_client("tests", reqwest::Client::builder()).unwrap();
    let mut node = Node::new();
    node.env.extend([
        ("RUST_LOG", "info".to_owned()),
        ("LOG_FORMAT", "json".to_owned()),
    ]);
    if broker {
        node.env.extend([
            (
                "RABBITMQ_URL",
                "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned(),
            ),
            (
                "RABBITMQ_QUEUE",
                format!("pupero.trace.{}", rand::random::<u32>()),
            ),
        ]);
    }
    node.start(None).await;
    let token = funded_user(&http, &node, "traced", 2).await;
    let receiver = chain::fixture()
        .await
        .user()
        .create_address("trace")
        .await
        .unwrap()
        .address;
    let request_id = format!("follow-me-{}", rand::random::<u32>());
    let trace_id = format!("{:032x}", rand::random::<u128>() | 1);
    let resp = http
        .post(format!("{}/transactions/withdraw", node.gateway()))
        .bearer_auth(&token)
        .header("idempotency-key", "trace-1")
        .header("x-request-id", &request_id)
        .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
        .json(&json!({"address": receiver, "amount": "0.5"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    assert_eq!(resp.headers()["x-request-id"], request_id.as_str());
    let id = typed::<WithdrawalAccepted>(&resp.json().await.unwrap()).withdrawal_id;
    let relayed = wait_withdrawal(&http, &node, &token, id, WithdrawalStatus::Relayed).await;

    let lines = lines_with(&node, &request_id);
    let said = |message: &str| {
        lines
            .iter()
            .any(|l| l["fields"]["message"] == message && l.to_string().contains(&trace_id))
    };
    let messages: Vec<&Value> = lines.iter().map(|l| &l["fields"]["message"]).collect();
    assert!(said("withdrawal queued"), "transactions: {messages:?}");
    assert!(
        said("withdrawal claimed by the worker"),
        "wallet worker: {messages:?}"
    );
    assert!(said("withdrawal signed"), "wallet worker: {messages:?}");
    if broker {
        // The outbox relay runs outside any request: its line names the request id only.
        assert!(
            lines
                .iter()
                .any(|l| l["fields"]["message"] == "withdrawal message published"),
            "outbox: {messages:?}"
        );
        assert!(
            said("withdrawal message received"),
            "consumer: {messages:?}"
        );
    }
    // The signed line names the transaction the withdrawal went out in.
    let tx = &relayed.tx_hashes[0];
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["message"] == "withdrawal signed"
                && l["fields"]["tx"]
                    .as_str()
                    .is_some_and(|t| t.contains(tx.as_str()))),
        "{lines:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_is_followed_through_the_wake_call_by_its_request_id() {
    a_withdrawal_can_be_followed_by_its_request_id(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_is_followed_through_rabbitmq_by_its_request_id() {
    a_withdrawal_can_be_followed_by_its_request_id(true).await;
}
