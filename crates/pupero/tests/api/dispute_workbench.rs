//! The dispute workbench (issue 14): one statement per party, evidence files sniffed from
//! their bytes, stripped of image metadata, hashed, served only to the parties and staff
//! and deleted after their retention; staff see everything in one answer; staff chat
//! messages carry the author's name and a staff flag.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use pupero_api::trades::{
    ChatMessages, DisputeFiles, DisputeStatement, DisputeWorkbench, EvidenceView, TradeRole,
};
use pupero_core::{Resolution, ResolutionReason, TradeState};
use pupero_transactions::entity::dispute_evidence_meta;

use crate::helpers::{ErrorCode, Options, Party, TestApp, db_test, error_code, error_field, typed};
use crate::trading::{Market, market};

/// A paid trade the buyer has disputed with `statement`.
async fn disputed(app: &TestApp, m: &Market, statement: &str) -> i64 {
    let t = app.trade(&m.buyer, m.offer, "2").await;
    app.step(&m.buyer, t, "paid", json!({})).await;
    let (status, body) = app
        .step(&m.buyer, t, "dispute", json!({"statement": statement}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t
}

async fn put_statement(app: &TestApp, who: &Party, t: i64, body: &str) -> (StatusCode, Value) {
    app.call(
        "PUT",
        &format!("/transactions/trades/{t}/statement"),
        who.t(),
        Some(json!({"body": body})),
    )
    .await
}

/// Uploads `bytes` as evidence through the gateway, declaring a misleading type.
async fn upload(
    app: &TestApp,
    who: &Party,
    t: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let resp = app
        .http
        .post(format!(
            "{}/transactions/trades/{t}/evidence?name={name}",
            app.gateway
        ))
        .bearer_auth(&who.token)
        .header("content-type", "text/html")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Downloads a file: status, headers, bytes.
async fn download(
    app: &TestApp,
    who: &Party,
    path: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let resp = app
        .http
        .get(format!("{}{path}", app.gateway))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend_from_slice(&[0, 0, 0, 0]);
    c
}

/// A PNG whose pixel data is `pixels` bytes long, with and without a text chunk naming
/// where it was made.
fn png_pair(pixels: usize) -> (Vec<u8>, Vec<u8>) {
    let head = [b"\x89PNG\r\n\x1a\n".to_vec(), png_chunk(b"IHDR", &[0; 13])].concat();
    let idat = png_chunk(b"IDAT", &vec![7u8; pixels]);
    let iend = png_chunk(b"IEND", b"");
    let text = png_chunk(b"tEXt", b"Location\0Home, 12 Secret Street");
    let time = png_chunk(b"tIME", &[7; 7]);
    let dirty = [head.clone(), text, idat.clone(), time, iend.clone()].concat();
    (dirty, [head, idat, iend].concat())
}

fn jpeg_segment(code: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, code];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

fn jpeg_pair() -> (Vec<u8>, Vec<u8>) {
    let jfif = jpeg_segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let exif = jpeg_segment(0xE1, b"Exif\0\0GPS 52.37N 4.89E camera serial 1234");
    let dqt = jpeg_segment(0xDB, &[0; 65]);
    let scan = [
        jpeg_segment(0xDA, &[1, 1, 0, 0, 63, 0]),
        vec![0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9],
    ]
    .concat();
    let dirty = [
        vec![0xFF, 0xD8],
        jfif.clone(),
        exif,
        dqt.clone(),
        scan.clone(),
    ]
    .concat();
    (dirty, [vec![0xFF, 0xD8], jfif, dqt, scan].concat())
}

db_test! {
    async fn each_party_files_one_editable_statement_and_staff_see_everything_in_one_answer(app) {
        let m = market(&app).await;
        let quiet = app.trade(&m.buyer, m.offer, "1").await;
        let (status, body) = put_statement(&app, &m.buyer, quiet, "too early").await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::InvalidTransition), "no dispute yet: {body}");

        let t = disputed(&app, &m, "I sent the SEPA transfer, reference 42").await;
        let (status, body) = put_statement(&app, &m.buyer, t, "  ").await;
        assert_eq!((status, error_field(&body).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("body")), "{body}");
        let (status, body) = put_statement(&app, &m.buyer, t, &"x".repeat(2001)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(put_statement(&app, &m.stranger, t, "me too").await.0, StatusCode::NOT_FOUND);
        assert_eq!(put_statement(&app, &m.moderator, t, "staff do not file").await.0, StatusCode::FORBIDDEN);

        // The opener's statement is theirs already; they may rewrite it, once each.
        let (_, body) = app.get(&format!("/transactions/trades/{t}/dispute/files"), m.buyer.t()).await;
        let mine: DisputeFiles = typed(&body);
        assert_eq!(mine.statements.len(), 1);
        assert_eq!(mine.statements[0].body, "I sent the SEPA transfer, reference 42");
        let (status, body) = put_statement(&app, &m.buyer, t, "Sent by SEPA, reference 42, bank receipt attached").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let edited: DisputeStatement = typed(&body);
        assert_eq!((edited.author_id, edited.author_role), (m.buyer.id, TradeRole::Buyer));
        let (status, body) = put_statement(&app, &m.seller, t, "Nothing arrived on my account").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A party reads only their own statement.
        let (_, body) = app.get(&format!("/transactions/trades/{t}/dispute/files"), m.seller.t()).await;
        let seller_view: DisputeFiles = typed(&body);
        assert_eq!(seller_view.statements.iter().map(|s| s.author_id).collect::<Vec<_>>(), vec![m.seller.id]);

        app.post(&format!("/transactions/trades/{t}/messages"), m.seller.t(), json!({"body": "where is the money?"})).await;

        // The workbench: staff only, and not for a staff member who is a party.
        assert_eq!(app.get(&format!("/transactions/trades/{t}/workbench"), m.buyer.t()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&format!("/transactions/trades/{t}/workbench"), m.stranger.t()).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/transactions/trades/{quiet}/workbench"), m.moderator.t()).await.0, StatusCode::NOT_FOUND, "no dispute, nothing for a moderator");
        let (status, body) = app.get(&format!("/transactions/trades/{t}/workbench"), m.moderator.t()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let bench: DisputeWorkbench = typed(&body);
        assert_eq!(bench.trade.id, t);
        let statements: Vec<(TradeRole, &str)> = bench.statements.iter().map(|s| (s.author_role, s.body.as_str())).collect();
        assert_eq!(statements, vec![
            (TradeRole::Buyer, "Sent by SEPA, reference 42, bank receipt attached"),
            (TradeRole::Seller, "Nothing arrived on my account"),
        ]);
        assert_eq!(bench.chat.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(), vec!["where is the money?"]);
        let steps: Vec<(TradeState, Option<i64>)> = bench.timeline.iter().map(|s| (s.state, s.by)).collect();
        assert_eq!(steps, vec![
            (TradeState::AwaitingPayment, Some(m.buyer.id)),
            (TradeState::Paid, Some(m.buyer.id)),
            (TradeState::Disputed, Some(m.buyer.id)),
        ]);
        assert_eq!(bench.options.outcomes, vec![Resolution::Buyer, Resolution::Seller, Resolution::Split]);
        assert_eq!((bench.options.split_min_bps, bench.options.split_max_bps), (1, 9999));
        assert_eq!(bench.options.reasons.len(), ResolutionReason::ALL.len());
        assert!(bench.options.reasons.iter().any(|r| r.code == ResolutionReason::PaymentNotReceived && r.label == "Payment not received"));

        // Decided: the statements close, the timeline shows who decided, nothing is left to choose.
        let (status, body) = app
            .post(&format!("/transactions/trades/{t}/resolve"), m.moderator.t(), json!({"outcome": "seller", "reason_code": "payment_not_received", "reason": "no payment proof"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = put_statement(&app, &m.buyer, t, "one more thing").await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::InvalidTransition), "{body}");
        let (_, body) = app.get(&format!("/transactions/trades/{t}/workbench"), m.admin.t()).await;
        let bench: DisputeWorkbench = typed(&body);
        assert_eq!(bench.timeline.last().map(|s| (s.state, s.by)), Some((TradeState::Cancelled, Some(m.moderator.id))));
        assert!(bench.options.outcomes.is_empty());
        assert_eq!(bench.statements[0].body, "Sent by SEPA, reference 42, bank receipt attached", "unchanged by the refused edit");
    }
}

db_test! {
    async fn evidence_is_sniffed_stripped_hashed_and_served_only_to_parties_and_staff(app, Options::with(&[
        "--login-rate-per-minute", "100000", "--register-rate-per-hour", "100000",
        "--evidence-max-bytes", "100000", "--trade-expiry-interval-seconds", "1",
    ])) {
        let m = market(&app).await;
        let quiet = app.trade(&m.buyer, m.offer, "1").await;
        let (small_png, _) = png_pair(10);
        let (status, body) = upload(&app, &m.buyer, quiet, "x.png", small_png.clone()).await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::InvalidTransition), "not disputed: {body}");
        let t = disputed(&app, &m, "paid in full").await;

        // A PNG larger than any other API body (64 KiB), declared as HTML, named like a program.
        let (dirty, clean) = png_pair(70_000);
        assert!(dirty.len() > 64 * 1024 && dirty.len() < 100_000);
        let (status, body) = upload(&app, &m.buyer, t, "..%2F..%2Freceipt.exe", dirty.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let png: EvidenceView = typed(&body);
        assert_eq!((png.content_type.as_str(), png.file_name.as_str()), ("image/png", "receipt.png"));
        assert_eq!((png.uploader_id, png.uploader_role), (m.buyer.id, TradeRole::Buyer));
        assert_eq!(png.size_bytes, clean.len() as u64, "the text and time chunks are gone");
        assert_eq!(png.sha256, sha256_hex(&clean), "the hash is of what is stored");

        let (status, body) = upload(&app, &m.seller, t, "bank.jpg", jpeg_pair().0).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let jpeg: EvidenceView = typed(&body);
        assert_eq!((jpeg.content_type.as_str(), jpeg.uploader_role), ("image/jpeg", TradeRole::Seller));
        let (status, body) = upload(&app, &m.seller, t, "statement.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n".to_vec()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(typed::<EvidenceView>(&body).content_type, "application/pdf");

        // Bad input changes nothing and names the problem.
        for (name, bytes) in [
            ("fake.png", b"<html><script>alert(1)</script></html>".to_vec()),
            ("anim.gif", b"GIF89a\x01\x00\x01\x00".to_vec()),
            ("logo.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec()),
        ] {
            let (status, body) = upload(&app, &m.buyer, t, name, bytes).await;
            assert_eq!((status, error_code(&body), error_field(&body).as_deref()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType, Some("file")), "{name}: {body}");
        }
        let (status, body) = upload(&app, &m.buyer, t, "cut.png", dirty[..5_000].to_vec()).await;
        assert_eq!((status, error_field(&body).as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("file")), "{body}");
        let (big, _) = png_pair(100_000);
        let (status, body) = upload(&app, &m.buyer, t, "big.png", big).await;
        assert_eq!((status, error_code(&body)), (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge), "{body}");
        let (status, body) = upload(&app, &m.buyer, t, "empty.png", Vec::new()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(upload(&app, &m.stranger, t, "x.png", small_png.clone()).await.0, StatusCode::NOT_FOUND);
        assert_eq!(upload(&app, &m.moderator, t, "x.png", small_png.clone()).await.0, StatusCode::FORBIDDEN);

        let (_, body) = app.get(&format!("/transactions/trades/{t}/dispute/files"), m.seller.t()).await;
        let files: DisputeFiles = typed(&body);
        assert_eq!(files.evidence.iter().map(|e| e.id).collect::<Vec<_>>().len(), 3, "the refused uploads left nothing");

        // Served to both parties and staff, as an attachment of the sniffed type, never to others.
        for who in [&m.seller, &m.buyer, &m.moderator, &m.admin] {
            let (status, headers, bytes) = download(&app, who, &png.download).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers["content-type"], "image/png");
            assert_eq!(headers["content-disposition"], "attachment; filename=\"receipt.png\"");
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(bytes, clean);
            assert!(!bytes.windows(6).any(|w| w == b"Secret"));
        }
        let (_, _, bytes) = download(&app, &m.buyer, &jpeg.download).await;
        assert_eq!(bytes, jpeg_pair().1, "EXIF gone, JFIF and the image kept");
        assert_eq!(sha256_hex(&bytes), jpeg.sha256);
        assert_eq!(download(&app, &m.stranger, &png.download).await.0, StatusCode::NOT_FOUND);
        let elsewhere = format!("/transactions/trades/{quiet}/evidence/{}", png.id);
        assert_eq!(download(&app, &m.buyer, &elsewhere).await.0, StatusCode::NOT_FOUND, "a file belongs to its trade");

        // The staff view lists the same files.
        let (_, body) = app.get(&format!("/transactions/trades/{t}/workbench"), m.moderator.t()).await;
        let bench: DisputeWorkbench = typed(&body);
        assert_eq!(bench.evidence, files.evidence);

        // Past its retention, the expiry worker deletes it (and only it).
        dispute_evidence_meta::Entity::update_many()
            .col_expr(dispute_evidence_meta::Column::ExpiresAtMs, Expr::value(pupero_db::now_ms() - 1))
            .filter(dispute_evidence_meta::Column::Id.eq(png.id))
            .exec(&app.db)
            .await
            .unwrap();
        let mut status = StatusCode::OK;
        for _ in 0..200 {
            status = download(&app, &m.buyer, &png.download).await.0;
            if status == StatusCode::NOT_FOUND {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(status, StatusCode::NOT_FOUND, "purged");
        assert_eq!(download(&app, &m.buyer, &jpeg.download).await.0, StatusCode::OK, "the others are kept");
    }
}

db_test! {
    async fn staff_chat_messages_carry_the_authors_name_and_a_staff_flag(app) {
        let m = market(&app).await;
        let t = disputed(&app, &m, "no payment").await;
        let (status, body) = app.post(&format!("/transactions/trades/{t}/messages"), m.moderator.t(), json!({"body": "Please both upload your bank statements."})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        app.post(&format!("/transactions/trades/{t}/messages"), m.buyer.t(), json!({"body": "uploaded"})).await;
        let name = app.me(&m.moderator.token).await.username;
        for reader in [&m.buyer, &m.seller] {
            let (status, body) = app.get(&format!("/transactions/trades/{t}/messages"), reader.t()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let lines: Vec<(i64, bool, Option<String>)> = typed::<ChatMessages>(&body)
                .messages
                .into_iter()
                .map(|c| (c.sender_id, c.staff, c.author_name))
                .collect();
            assert_eq!(lines, vec![(m.moderator.id, true, Some(name.clone())), (m.buyer.id, false, None)]);
        }
    }
}
