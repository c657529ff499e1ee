pub mod offer {
    use pupero_core::{OfferSide, OfferStatus, PriceMode};
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offers")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub owner_id: i64,
        pub side: OfferSide,
        pub currency: String,
        pub price_cents: i64,
        pub payment_method: String,
        pub min_amount: i64,
        pub max_amount: i64,
        pub payment_window_minutes: i32,
        pub terms: String,
        pub status: OfferStatus,
        pub created_at_ms: i64,
        pub updated_at_ms: i64,
        pub deleted_at_ms: Option<i64>,
        /// For margin offers, `price_cents` is the market price with the margin applied,
        /// kept current by the price refresh.
        pub price_mode: PriceMode,
        pub margin_bp: Option<i32>,
        pub price_min_cents: Option<i64>,
        pub price_max_cents: Option<i64>,
        /// The only amounts allowed, as `,piconero,piconero,` (empty: any within min/max),
        /// so a listing filters on one with `LIKE '%,amount,%'`.
        pub amounts: String,
        pub first_trade_max: Option<i64>,
        pub min_taker_trades: i32,
        pub trusted_only: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Owners whose offers are hidden (their account is disabled or deleted).
pub mod hidden_owner {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offer_hidden_owners")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub owner_id: i64,
        pub hidden_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Makers' trusted and blocked traders.
pub mod trader_list {
    use pupero_core::TraderList;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offer_trader_lists")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub owner_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub list: TraderList,
        pub created_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Owners barred by a sanction (a trade ban or a ban): their offers are not shown or
/// takeable until `until_ms` (`None`: until lifted). Kept apart from `hidden_owner`, so
/// lifting a sanction never shows a disabled account's offers, nor the reverse.
pub mod barred_owner {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offer_barred_owners")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub owner_id: i64,
        pub until_ms: Option<i64>,
        pub barred_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Each trader's record as the services that know it told it (see `records`).
pub mod trader_record {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "offer_trader_records")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub completed_trades: i64,
        pub cancellations: i64,
        pub lost_disputes: i64,
        pub reviews_count: i64,
        pub rating_hundredths: Option<i64>,
        pub joined_at_ms: Option<i64>,
        pub seen_at_ms: Option<i64>,
        pub updated_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
