//! Signed trade receipts: either party of an ended trade downloads one, nobody else can,
//! and `pupero verify-receipt` accepts it against the published key and refuses it when
//! any byte changed.

use reqwest::StatusCode;
use serde_json::json;

use pupero_api::accounts::SigningKeyView;
use pupero_api::receipts::SignedReceipt;
use pupero_core::{EntryKind, Piconero, TradeState};
use pupero_db::signing::PublicKey;

use crate::helpers::{TestApp, db_test, typed};
use crate::trading::market;

/// The receipt exactly as the API sends it.
async fn receipt_bytes(app: &TestApp, token: Option<&str>, trade: i64) -> (StatusCode, Vec<u8>) {
    let mut request = app.http.get(format!(
        "{}/transactions/trades/{trade}/receipt",
        app.gateway
    ));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.bytes().await.unwrap().to_vec())
}

/// Runs the command off the test's runtime: with `--url` it asks this very platform, whose
/// services run on that runtime, so a blocking wait here would deadlock it.
async fn verify_cli(file: &std::path::Path, args: &[&str]) -> (bool, String) {
    let file = file.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_pupero"))
            .arg("verify-receipt")
            .arg(file)
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

db_test! {
    async fn a_party_downloads_a_receipt_that_verifies_and_a_changed_byte_fails(app) {
        let m = market(&app).await;
        let t = app.trade(&m.buyer, m.offer, "2").await;
        let (status, _) = receipt_bytes(&app, m.buyer.t(), t).await;
        assert_eq!(status, StatusCode::CONFLICT, "no receipt while the trade is open");
        app.step(&m.buyer, t, "paid", json!({})).await;
        let (status, body) = app.step(&m.seller, t, "release", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        for outsider in [m.stranger.t(), m.moderator.t(), None] {
            let (status, _) = receipt_bytes(&app, outsider, t).await;
            assert!(status == StatusCode::NOT_FOUND || status == StatusCode::UNAUTHORIZED, "{status}");
        }
        let (status, seller_copy) = receipt_bytes(&app, m.seller.t(), t).await;
        assert_eq!(status, StatusCode::OK);
        let (status, bytes) = receipt_bytes(&app, m.buyer.t(), t).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
        let signed: SignedReceipt = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(serde_json::from_slice::<SignedReceipt>(&seller_copy).unwrap().receipt.trade_id, t);
        let r = &signed.receipt;
        assert_eq!((r.trade_id, r.seller_id, r.buyer_id, r.state), (t, m.seller.id, m.buyer.id, TradeState::Completed));
        assert_eq!(r.amount, "2".parse::<Piconero>().unwrap());
        let states: Vec<TradeState> = r.transitions.iter().map(|s| s.state).collect();
        assert_eq!(states, vec![TradeState::AwaitingPayment, TradeState::Paid, TradeState::Completed]);
        let kinds: Vec<EntryKind> = r.ledger_entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EntryKind::TradeOpen, EntryKind::TradeRelease]);
        assert!(r.ledger_entries[1].postings.iter().any(|p| p.account == format!("user:{}:available", m.buyer.id) && p.amount == "2.000000000000"), "{r:?}");

        let (_, key) = app.get("/transactions/audit/public-key", None).await;
        let key: SigningKeyView = typed(&key);
        let trusted = PublicKey::from_hex(&key.public_key).unwrap();
        assert_eq!(pupero::receipts::verify(&bytes, &trusted).unwrap(), signed.receipt);

        // Every byte, changed in turn (its lowest bit flipped), makes the file fail.
        for i in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[i] ^= 1;
            assert!(
                pupero::receipts::verify(&changed, &trusted).is_err(),
                "byte {i} ({:?}) changed and still verified",
                char::from(bytes[i])
            );
        }
        // A receipt signed by another key does not verify against this one.
        let other = pupero_db::signing::SigningKey::from_hex(&("4c".repeat(31) + "4d")).unwrap();
        assert!(pupero::receipts::verify(&bytes, &other.public_key()).is_err());

        // The command line, offline with the key and online with the platform's address.
        let dir = std::env::temp_dir().join(format!("pupero-receipt-{:08x}", rand::random::<u32>()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("receipt.json");
        std::fs::write(&file, &bytes).unwrap();
        let (ok, out) = verify_cli(&file, &["--public-key", &key.public_key]).await;
        assert!(ok, "{out}");
        assert!(out.contains(&format!("valid receipt: trade {t} completed")), "{out}");
        let (ok, out) = verify_cli(&file, &["--url", &app.gateway]).await;
        assert!(ok, "{out}");
        let amount_at = bytes.windows(4).position(|w| w == b"2.00").unwrap();
        let mut forged = bytes.clone();
        forged[amount_at] = b'9';
        std::fs::write(&file, &forged).unwrap();
        let (ok, out) = verify_cli(&file, &["--public-key", &key.public_key]).await;
        assert!(!ok, "a forged amount must fail: {out}");
        assert!(out.contains("changed after signing"), "{out}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
