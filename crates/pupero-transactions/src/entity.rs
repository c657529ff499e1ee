//! Rows of the transactions service's tables.

macro_rules! entity {
    ($module:ident, $table:literal, { $($field:ident : $ty:ty),* $(,)? }) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i64,
                $(pub $field: $ty,)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

entity!(ledger_account, "ledger_accounts", {
    account_key: String,
    owner_id: Option<i64>,
    kind: crate::vocabulary::AccountKind,
    balance: i64,
    allow_negative: bool,
    created_at_ms: i64,
});

entity!(journal_entry, "journal_entries", {
    kind: pupero_core::EntryKind,
    reference: String,
    memo: String,
    actor_id: Option<i64>,
    created_at_ms: i64,
});

entity!(posting, "postings", {
    entry_id: i64,
    account_id: i64,
    amount: i64,
});

entity!(trade, "trades", {
    offer_id: i64,
    open_key: Option<String>,
    maker_id: i64,
    taker_id: i64,
    seller_id: i64,
    buyer_id: i64,
    side: pupero_core::OfferSide,
    currency: String,
    price_cents: i64,
    amount: i64,
    fee: i64,
    fiat_total_cents: i64,
    payment_method: String,
    payment_window_minutes: i32,
    terms: String,
    state: pupero_core::TradeState,
    buyer_wants_cancel: bool,
    seller_wants_cancel: bool,
    payment_deadline_ms: i64,
    created_at_ms: i64,
    updated_at_ms: i64,
    paid_at_ms: Option<i64>,
    completed_at_ms: Option<i64>,
    cancelled_at_ms: Option<i64>,
    cancel_reason: Option<pupero_core::CancelReason>,
    disputed_at_ms: Option<i64>,
    dispute_opened_by: Option<i64>,
    dispute_statement: Option<String>,
    resolution: Option<pupero_core::Resolution>,
    resolved_by: Option<i64>,
    resolution_reason: Option<String>,
    resolution_code: Option<pupero_core::ResolutionReason>,
    buyer_share_bps: Option<i32>,
});

entity!(trade_message, "trade_messages", {
    trade_id: i64,
    sender_id: i64,
    body: String,
    created_at_ms: i64,
    // The author's name when they wrote as staff (a moderator or admin in a dispute).
    staff_name: Option<String>,
});

entity!(dispute_statement, "dispute_statements", {
    trade_id: i64,
    author_id: i64,
    body: String,
    created_at_ms: i64,
    updated_at_ms: i64,
});

// Two views of one table: the file with its bytes, and its description without them (what
// lists read, so a list of evidence never loads the files).
entity!(dispute_evidence, "dispute_evidence", {
    trade_id: i64,
    uploader_id: i64,
    content_type: String,
    file_name: String,
    size_bytes: i64,
    sha256: String,
    data: Vec<u8>,
    created_at_ms: i64,
    expires_at_ms: i64,
});

entity!(dispute_evidence_meta, "dispute_evidence", {
    trade_id: i64,
    uploader_id: i64,
    content_type: String,
    file_name: String,
    size_bytes: i64,
    sha256: String,
    created_at_ms: i64,
    expires_at_ms: i64,
});

entity!(review, "reviews", {
    trade_id: i64,
    reviewer_id: i64,
    reviewee_id: i64,
    rating: i32,
    comment: String,
    created_at_ms: i64,
});

entity!(deposit_credit, "deposit_credits", {
    deposit_key: String,
    user_id: i64,
    amount: i64,
    txid: String,
    entry_id: i64,
    created_at_ms: i64,
});

entity!(network_fee_charge, "network_fee_charges", {
    tx_key: String,
    fee: i64,
    entry_id: i64,
    created_at_ms: i64,
});

entity!(withdrawal, "withdrawals", {
    user_id: i64,
    idempotency_key: String,
    address: String,
    amount: i64,
    status: pupero_core::WithdrawalStatus,
    tx_hashes: String,
    fee: Option<i64>,
    last_error: String,
    attempts: i32,
    lease_until_ms: i64,
    created_at_ms: i64,
    updated_at_ms: i64,
    relayed_at_ms: Option<i64>,
    confirmed_at_ms: Option<i64>,
    request_id: Option<String>,
    traceparent: Option<String>,
});

entity!(outbox, "outbox", {
    withdrawal_id: i64,
    created_at_ms: i64,
    published_at_ms: Option<i64>,
});

// `id` is the user's id.
entity!(trading_account, "trading_accounts", {
    version: i64,
    closed_at_ms: Option<i64>,
    updated_at_ms: i64,
});

entity!(notification, "notifications", {
    user_id: i64,
    kind: pupero_core::NotificationKind,
    trade_id: Option<i64>,
    withdrawal_id: Option<i64>,
    amount: Option<i64>,
    event_key: Option<String>,
    created_at_ms: i64,
    read_at_ms: Option<i64>,
    dispatched_at_ms: Option<i64>,
    dispatch_attempts: i32,
    next_dispatch_at_ms: i64,
});

entity!(webhook, "webhooks", {
    user_id: i64,
    url: String,
    secret: String,
    events: String,
    created_at_ms: i64,
    deleted_at_ms: Option<i64>,
});

entity!(webhook_delivery, "webhook_deliveries", {
    webhook_id: i64,
    notification_id: i64,
    user_id: i64,
    status: pupero_core::DeliveryStatus,
    attempts: i32,
    next_attempt_at_ms: i64,
    last_status: Option<i32>,
    last_error: Option<String>,
    created_at_ms: i64,
    delivered_at_ms: Option<i64>,
});

/// Each trader's count of changes to their trade record, and the count the offers service
/// last took (see `records`).
pub mod record_telling {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "trader_record_tellings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub version: i64,
        pub told_version: i64,
        /// The record's counts, kept by each trade that ends (`records::Counts`).
        pub completed_trades: i64,
        pub cancellations: i64,
        pub lost_disputes: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
