//! `pupero verify-receipt`: checks a trade receipt offline against the server's published
//! public key (given, or fetched once from the platform's `/transactions/audit/public-key`).

use anyhow::{Context, bail};

use pupero_api::accounts::SigningKeyView;
use pupero_api::receipts::{RECEIPT_FORMAT, SignedReceipt, TradeReceipt, signed_bytes};
use pupero_db::signing::PublicKey;

/// Where the trusted key comes from.
pub enum TrustedKey {
    /// 64 hex characters.
    Given(String),
    /// The platform's base URL (its gateway); the key is read from there.
    Published(String),
}

/// The trusted public key.
pub async fn resolve(key: TrustedKey) -> anyhow::Result<PublicKey> {
    let hex = match key {
        TrustedKey::Given(hex) => hex,
        TrustedKey::Published(url) => {
            let url = format!(
                "{}/transactions/audit/public-key",
                url.trim_end_matches('/')
            );
            // A platform that does not answer must not hang an operator's check.
            let client = pupero_http::build_client(
                "verify-receipt",
                reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)),
            )
            .context("cannot build an HTTP client")?;
            let view: SigningKeyView = client
                .get(&url)
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .with_context(|| format!("cannot read the public key from {url}"))?
                .json()
                .await
                .with_context(|| format!("{url} did not answer with a public key"))?;
            if view.algorithm != "ed25519" {
                bail!("{url} publishes a {} key, not ed25519", view.algorithm);
            }
            view.public_key
        }
    };
    PublicKey::from_hex(&hex).context("the trusted public key")
}

/// The receipt in `file`, if its signature holds under `trusted`; else why not.
pub fn verify(file: &[u8], trusted: &PublicKey) -> anyhow::Result<TradeReceipt> {
    let signed: SignedReceipt = serde_json::from_slice(file)
        .context("not a Pupero receipt (malformed or unknown fields)")?;
    if signed.algorithm != "ed25519" {
        bail!("unknown signature algorithm {:?}", signed.algorithm);
    }
    if signed.receipt.format != RECEIPT_FORMAT {
        bail!("unknown receipt format {:?}", signed.receipt.format);
    }
    // Hex exactly as signed (lowercase): the same key or signature spelt another way is a
    // changed file too.
    let canonical = |hex: &str| hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !canonical(&signed.public_key) || !canonical(&signed.signature) {
        bail!("the receipt's key or signature is not lowercase hex as signed");
    }
    let signer = PublicKey::from_hex(&signed.public_key).context("the receipt's public key")?;
    if signer != *trusted {
        bail!("the receipt is signed by {signer}, not by the trusted key {trusted}");
    }
    trusted
        .verify_hex(&signed_bytes(&signed.receipt)?, &signed.signature)
        .context("the signature does not match the receipt: it was changed after signing")?;
    Ok(signed.receipt)
}
