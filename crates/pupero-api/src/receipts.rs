//! Signed trade receipts (`GET /transactions/trades/{id}/receipt`): the facts and state
//! transitions of an ended trade, signed with the server's Ed25519 key, which either party
//! can keep and anyone can check offline with `pupero verify-receipt` against the key
//! published at `/transactions/audit/public-key`.
//!
//! What is signed is [`signed_bytes`]: a label and the receipt serialized compactly by
//! serde in its fields' declared order. A verifier parses the file strictly (unknown
//! fields refused) and serializes the receipt again the same way, so the signature covers
//! every value, and any changed byte of the file either breaks the JSON, names an unknown
//! field, or changes a value.

use serde::{Deserialize, Serialize};

use pupero_core::{CancelReason, EntryKind, Piconero, Resolution, TradeState};

/// The receipt format this build writes and reads.
pub const RECEIPT_FORMAT: &str = "pupero-trade-receipt-v1";

/// The facts of an ended trade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeReceipt {
    /// Always [`RECEIPT_FORMAT`].
    pub format: String,
    pub trade_id: i64,
    pub offer_id: i64,
    pub seller_id: i64,
    pub buyer_id: i64,
    /// XMR, 12 decimals.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Piconero,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub fee: Piconero,
    /// Price per XMR and the fiat total, in `currency`.
    pub price: String,
    pub fiat_total: String,
    pub currency: String,
    pub payment_method: String,
    /// `completed` or `cancelled`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: TradeState,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub cancel_reason: Option<CancelReason>,
    /// How a dispute was decided, if there was one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub resolution: Option<Resolution>,
    pub buyer_share_bps: Option<u32>,
    /// Every state the trade went through, in order.
    pub transitions: Vec<ReceiptTransition>,
    /// The ledger entries that moved its money.
    pub ledger_entries: Vec<ReceiptEntry>,
    pub issued_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptTransition {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: TradeState,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptEntry {
    pub entry_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: EntryKind,
    pub at: String,
    pub postings: Vec<ReceiptPosting>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptPosting {
    /// e.g. `user:7:escrow`, `platform:fees`.
    pub account: String,
    /// Signed XMR, 12 decimals: negative leaves the account.
    pub amount: String,
}

/// A receipt with its signature: the file a party downloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedReceipt {
    pub receipt: TradeReceipt,
    /// Always `ed25519`.
    pub algorithm: String,
    /// The signer's public key (hex); a verifier compares it with the published one.
    pub public_key: String,
    /// Ed25519 signature (hex) of [`signed_bytes`] of `receipt`.
    pub signature: String,
}

/// The exact bytes a receipt's signature covers.
pub fn signed_bytes(receipt: &TradeReceipt) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = format!("{RECEIPT_FORMAT}\n").into_bytes();
    out.extend(serde_json::to_vec(receipt)?);
    Ok(out)
}
