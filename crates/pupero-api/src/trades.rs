//! Trades, their disputes, chat and reviews (the transactions service).

use serde::{Deserialize, Serialize};

use pupero_core::{
    Action, CancelReason, OfferSide, Piconero, Resolution, ResolutionReason, TradeState,
};

pupero_core::string_enum! {
    /// How the caller stands to a trade.
    pub enum TradeRole ("trade role") {
        Buyer = "buyer",
        Seller = "seller",
        /// A moderator (or admin) on a disputed trade.
        Moderator = "moderator",
        /// An admin reading a trade without a dispute: may read, may not act.
        Observer = "observer",
    }
}

impl TradeRole {
    /// A buyer or a seller.
    pub fn is_party(self) -> bool {
        matches!(self, TradeRole::Buyer | TradeRole::Seller)
    }
}

/// A trade as one caller sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TradeView {
    pub id: i64,
    pub offer_id: i64,
    /// `awaiting_payment`, `paid`, `completed`, `cancelled` or `disputed`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: TradeState,
    pub seller_id: i64,
    pub buyer_id: i64,
    pub maker_id: i64,
    pub taker_id: i64,
    /// The offer's side (from the maker's point of view).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub offer_side: OfferSide,
    /// XMR in escrow, twelve decimals.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Piconero,
    /// Platform fee taken from the amount on completion.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub fee: Piconero,
    pub currency: String,
    /// Fiat per XMR.
    pub price: String,
    /// What the buyer pays the seller, in fiat.
    pub fiat_total: String,
    pub payment_method: String,
    pub payment_window_minutes: i32,
    pub terms: String,
    pub payment_deadline: String,
    pub created_at: String,
    pub paid_at: Option<String>,
    pub completed_at: Option<String>,
    pub cancelled_at: Option<String>,
    /// `buyer_cancelled`, `expired`, `mutual` or `dispute`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub cancel_reason: Option<CancelReason>,
    pub buyer_wants_cancel: bool,
    pub seller_wants_cancel: bool,
    pub dispute: Option<DisputeView>,
    /// `buyer`, `seller`, `moderator` or `observer`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub your_role: TradeRole,
    /// What the caller can do now: `paid`, `release`, `cancel`, `dispute`, `mutual-cancel`,
    /// `resolve-buyer`, `resolve-seller`, `resolve-split` (the resolutions go through
    /// `/trades/{id}/resolve`; the others are the action's route segment).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub allowed_actions: Vec<Action>,
}

impl TradeView {
    /// Whether the caller may take this step now.
    pub fn allows(&self, action: Action) -> bool {
        self.allowed_actions.contains(&action)
    }

    /// The other party, from a party's point of view (the seller for an onlooker).
    pub fn counterparty_id(&self) -> i64 {
        if self.your_role == TradeRole::Buyer {
            self.seller_id
        } else {
            self.buyer_id
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisputeView {
    pub opened_by: Option<i64>,
    pub opened_at: Option<String>,
    pub statement: Option<String>,
    /// `buyer`, `seller` or `split` once resolved.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub resolution: Option<Resolution>,
    pub resolved_by: Option<i64>,
    pub reason: Option<String>,
    /// The decision's canned reason (`payment_confirmed`, `payment_not_received`, …).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    #[serde(default)]
    pub reason_code: Option<ResolutionReason>,
    /// A split's share for the buyer, in basis points (1/100 %).
    #[serde(default)]
    pub buyer_share_bps: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenRequest {
    pub offer_id: i64,
    /// XMR within the offer's limits.
    pub amount: String,
    /// The price per XMR the taker was shown, e.g. `"150.00"` (required). If the offer's
    /// price is different now, the answer is 409 `offer_changed` with the current terms.
    pub price: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionBody {
    /// `release`: a current code when the seller has two-factor authentication.
    pub totp: Option<String>,
    /// `dispute`: what went wrong (1–2000 characters).
    pub statement: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveRequest {
    /// `buyer` (escrow to the buyer, minus the fee), `seller` (escrow back to the seller) or
    /// `split` (divided by `buyer_share_bps`).
    pub outcome: String,
    /// `split` only: the buyer's share in basis points, 1–9999 (3750 = 37.5 %). The
    /// buyer's part is rounded down to the piconero and the remainder goes to the seller;
    /// the platform fee is charged on the buyer's part only (rounded down).
    #[serde(default)]
    pub buyer_share_bps: Option<u32>,
    /// A canned reason: `payment_confirmed`, `payment_not_received`, `partial_payment`,
    /// `buyer_unresponsive`, `seller_unresponsive`, `parties_agreed`, `fraud_evidence` or
    /// `other` (the default).
    #[serde(default)]
    pub reason_code: Option<String>,
    /// Why, in words; recorded on the trade and in the audit log.
    pub reason: String,
    /// A current two-factor code, required when the moderator has 2FA.
    pub totp: Option<String>,
}

/// One line of a trade's chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatMessage {
    pub id: i64,
    pub sender_id: i64,
    pub body: String,
    pub created_at: String,
    /// Written by a moderator or admin acting as staff in a dispute (not a party).
    #[serde(default)]
    pub staff: bool,
    /// The staff author's name (for a party, the page shows the parties' names it knows).
    #[serde(default)]
    pub author_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatMessages {
    pub messages: Vec<ChatMessage>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMessage {
    /// 1–2000 characters of text.
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewRequest {
    /// 1 (bad) to 5 (excellent).
    pub rating: i64,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewView {
    pub trade_id: i64,
    pub reviewer_id: i64,
    pub reviewee_id: i64,
    pub rating: i32,
    pub comment: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reputation {
    pub user_id: i64,
    /// Completed trades, not counting the ones the user lost in a dispute (banded: exact
    /// up to 9, then `10+`, `50+`, `100+`, `500+`, `1000+`, as beside offers).
    pub completed_trades: String,
    /// Trades the user, as buyer, cancelled or let expire unpaid (banded).
    pub cancellations: String,
    /// Disputes resolved against the user (banded).
    pub lost_disputes: String,
    /// Reviews received (banded).
    pub reviews_count: String,
    /// Two decimals, or null without reviews.
    pub average_rating: Option<String>,
    /// The 20 most recent.
    pub reviews: Vec<ReviewView>,
}

/// `PUT /trades/{id}/statement`: a party's account of a dispute.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementRequest {
    /// 1–2000 characters; replaces the caller's earlier statement.
    pub body: String,
}

/// One party's statement in a dispute: one per party, editable until the dispute is
/// decided (the opener's first statement is the one they opened it with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisputeStatement {
    pub trade_id: i64,
    pub author_id: i64,
    /// `buyer` or `seller`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub author_role: TradeRole,
    pub body: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A file attached to a dispute (its bytes are at `download`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceView {
    pub id: i64,
    pub trade_id: i64,
    pub uploader_id: i64,
    /// `buyer` or `seller`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub uploader_role: TradeRole,
    /// What the content is, judged from its bytes: `image/png`, `image/jpeg`,
    /// `image/webp` or `application/pdf`.
    pub content_type: String,
    pub file_name: String,
    /// Size as stored (after image metadata was removed).
    pub size_bytes: u64,
    /// SHA-256 of the stored bytes, hex.
    pub sha256: String,
    pub created_at: String,
    /// When the file is deleted (EVIDENCE_RETENTION_DAYS after its upload).
    pub expires_at: String,
    /// The API path that serves the file (parties and staff only).
    pub download: String,
}

/// `GET /trades/{id}/dispute/files`: a party's view of the dispute: their own statement and
/// every file either party attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisputeFiles {
    pub statements: Vec<DisputeStatement>,
    pub evidence: Vec<EvidenceView>,
}

/// One step of a trade's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineStep {
    /// The state the trade entered.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: TradeState,
    pub at: String,
    /// Who made the step, when the trade records it (the dispute's opener, the moderator
    /// who decided it).
    pub by: Option<i64>,
}

/// A canned reason a moderator may give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonOption {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: ResolutionReason,
    pub label: String,
}

/// How a dispute may be decided (`POST /trades/{id}/resolve`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolutionOptions {
    /// `buyer`, `seller`, `split`; empty once decided or for a caller who may not decide.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub outcomes: Vec<Resolution>,
    /// A split's buyer share, in basis points: from `split_min_bps` to `split_max_bps`.
    pub split_min_bps: u32,
    pub split_max_bps: u32,
    pub reasons: Vec<ReasonOption>,
}

/// `GET /trades/{id}/workbench` (staff): everything a moderator needs to decide a dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisputeWorkbench {
    pub trade: TradeView,
    /// Each party's statement (at most one each).
    pub statements: Vec<DisputeStatement>,
    /// The whole chat, oldest first.
    pub chat: Vec<ChatMessage>,
    /// The trade's steps in time order.
    pub timeline: Vec<TimelineStep>,
    pub evidence: Vec<EvidenceView>,
    pub options: ResolutionOptions,
}
