//! What a user can be told about: the events of their trades and money.

crate::string_enum! {
    /// An event in a user's inbox (`notifications.kind`), also the name of its e-mail
    /// preference and of its webhook event.
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum NotificationKind ("notification kind") {
        /// Someone opened a trade on the user's offer.
        TradeOpened = "trade_opened",
        /// The buyer marked the user's sale as paid: time to check and release.
        TradePaid = "trade_paid",
        /// The seller released the escrow to the user.
        TradeReleased = "trade_released",
        /// A trade of the user's was cancelled (by a party, by agreement, or expired).
        TradeCancelled = "trade_cancelled",
        /// An unpaid trade's payment window closes soon.
        TradeExpiring = "trade_expiring",
        /// A party opened a dispute on the user's trade.
        DisputeOpened = "dispute_opened",
        /// A moderator decided the dispute on the user's trade.
        DisputeResolved = "dispute_resolved",
        /// A new chat message in one of the user's trades.
        MessageReceived = "message_received",
        /// A deposit was credited to the user's balance.
        DepositCredited = "deposit_credited",
        /// A withdrawal of the user's left the hot wallet.
        WithdrawalSent = "withdrawal_sent",
    }
}

impl NotificationKind {
    /// Whether a new account gets this event by e-mail until it says otherwise: the
    /// events that need the user to act or that move their money; chat is opt-in.
    pub const fn emailed_by_default(self) -> bool {
        !matches!(self, NotificationKind::MessageReceived)
    }
}

crate::string_enum! {
    /// Where one webhook delivery is (`webhook_deliveries.status`).
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum DeliveryStatus ("delivery status") {
        /// Not yet accepted: waiting for its next attempt.
        Pending = "pending",
        /// The receiver answered 2xx.
        Delivered = "delivered",
        /// Every attempt failed; no more will be made.
        Failed = "failed",
    }
}
