//! This service's own closed sets of stored words (the shared ones live in `pupero-core`).
//! Each is a column type stored as its spelling: an unknown spelling read from the
//! database fails the read instead of becoming a default.

pupero_core::string_enum! {
    /// What a ledger account holds (`ledger_accounts.kind`): a user's three balances, or
    /// one of the platform's counterparts.
    #[derive(sea_orm::DeriveValueType)]
    #[sea_orm(value_type = "String")]
    pub enum AccountKind ("ledger account kind") {
        Available = "available",
        Escrow = "escrow",
        Withdrawing = "withdrawing",
        Deposits = "deposits",
        Withdrawals = "withdrawals",
        Fees = "fees",
        NetworkFees = "network_fees",
        Adjustments = "adjustments",
    }
}

pupero_core::string_enum! {
    /// Which way an admin's adjustment moves money.
    pub enum Direction ("adjustment direction") {
        /// Into the user's available balance.
        Credit = "credit",
        /// Out of it.
        Debit = "debit",
    }
}
