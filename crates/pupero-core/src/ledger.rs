//! The words of the ledger's journal.

crate::string_enum! {
    /// What a journal entry is about (`journal_entries.kind`).
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum EntryKind ("journal entry kind") {
        /// Seller's available → escrow when a trade opens.
        TradeOpen = "trade_open",
        /// Escrow → buyer (and the fee) when a trade completes.
        TradeRelease = "trade_release",
        /// Escrow → seller when a trade is cancelled.
        TradeRefund = "trade_refund",
        /// Escrow divided by a moderator: part to the buyer (and its fee), the rest to the
        /// seller, in one entry.
        TradeSplit = "trade_split",
        /// A confirmed deposit credited to its owner.
        Deposit = "deposit",
        /// An admin's correction.
        Adjustment = "adjustment",
        /// An admin's move between two users.
        Transfer = "transfer",
        /// Available → withdrawing when a withdrawal is requested.
        WithdrawalRequest = "withdrawal_request",
        /// Withdrawing → out, once relayed.
        Withdrawal = "withdrawal",
        /// Withdrawing → available, after a permanent failure.
        WithdrawalRefund = "withdrawal_refund",
        /// Withdrawing → available, cancelled by its owner.
        WithdrawalCancel = "withdrawal_cancel",
        /// The fee of a transaction the hot wallet sends itself (a float refill): fees →
        /// network fees; no user's money moves.
        NetworkFee = "network_fee",
    }
}
