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
        /// `pending`, `credited` or `below_minimum`.
        pub status: String,
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
        pub fee: i64,
        /// `built`, `relayed` or `confirmed`.
        pub status: String,
        pub created_at_ms: i64,
        pub updated_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
