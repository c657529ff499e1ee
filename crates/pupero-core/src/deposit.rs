//! The deposit lifecycle, as the wallet service records it.

crate::string_enum! {
    /// Where a seen deposit is (`deposits.status`).
    #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
    pub enum DepositStatus ("deposit status") {
        /// Seen (in the pool or a block), not yet credited.
        Pending = "pending",
        /// Credited to its owner's balance, exactly once.
        Credited = "credited",
        /// Under `MIN_SWEEP_XMR`: recorded, never credited.
        BelowMinimum = "below_minimum",
    }
}
