//! Rows of the wallet service's tables.

pub mod deposit_address {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "deposit_addresses")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub address_index: i64,
        pub address: String,
        pub created_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod deposit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "deposits")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub txid: String,
        pub address_index: i64,
        pub user_id: i64,
        pub amount: i64,
        /// 0 while in the pool.
        pub height: i64,
        pub confirmations: i64,
        pub status: pupero_core::DepositStatus,
        pub first_seen_ms: i64,
        pub updated_at_ms: i64,
        pub credited_at_ms: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod withdrawal_send {
    use sea_orm::entity::prelude::*;

    pupero_core::string_enum! {
        /// Where the wallet's own record of a send is (`withdrawal_sends.status`). This is
        /// the wallet's half of the two-phase send, not the ledger's `WithdrawalStatus`: a
        /// row exists only once a transaction was built, and it lives on after the ledger
        /// has moved the money, until the chain confirms it.
        ///
        /// ```text
        /// built ─relayed (or found on chain)→ relayed ─10 confirmations→ confirmed
        /// ```
        #[derive(sea_orm::DeriveValueType)]
        #[sea_orm(value_type = "String")]
        pub enum SendStatus ("send status") {
            /// Built and stored with its metadata, not yet known to be relayed: after a
            /// crash it is relayed from this row (or found on chain), never built again.
            Built = "built",
            /// Relayed and reported to the ledger; watched for confirmations.
            Relayed = "relayed",
            /// Deep enough; reported confirmed, nothing left to do.
            Confirmed = "confirmed",
        }
    }

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "withdrawal_sends")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub withdrawal_id: i64,
        /// Comma-separated.
        pub tx_hashes: String,
        /// Newline-separated `tx_metadata` hex, one per transaction. Sensitive (tx keys).
        pub metadata: String,
        /// This withdrawal's share of the network fee (of the batch's, when batched).
        pub fee: i64,
        pub status: SendStatus,
        pub created_at_ms: i64,
        pub updated_at_ms: i64,
        /// The batch whose transaction pays this withdrawal; its metadata is there (and
        /// `metadata` here is empty). `None` for sends stored before batching existed.
        pub batch_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod send_batch {
    use sea_orm::entity::prelude::*;

    use super::withdrawal_send::SendStatus;

    pupero_core::string_enum! {
        /// What a batch's transaction pays.
        #[derive(sea_orm::DeriveValueType)]
        #[sea_orm(value_type = "String")]
        pub enum BatchKind ("batch kind") {
            /// Queued withdrawals, one output each (and the change).
            Withdrawals = "withdrawals",
            /// The hot wallet to itself, split into outputs of the float's size: moves no
            /// user money, only its network fee is journaled.
            Refill = "refill",
        }
    }

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "send_batches")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: BatchKind,
        /// Comma-separated.
        pub tx_hashes: String,
        /// Newline-separated `tx_metadata` hex, one per transaction. Sensitive (tx keys).
        pub metadata: String,
        /// The whole network fee of the batch.
        pub fee: i64,
        pub status: SendStatus,
        pub created_at_ms: i64,
        pub updated_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
