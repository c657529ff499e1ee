use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateOffers),
            Box::new(CreateHiddenOwners),
            Box::new(MarketPricesAndTakerConditions),
            Box::new(CreateBarredOwners),
            Box::new(BarVersions),
            Box::new(CreateTraderRecords),
        ]
    }

    fn migration_table_name() -> DynIden {
        "offers_migrations".into_iden()
    }
}

#[derive(DeriveIden)]
enum Offers {
    Table,
    Id,
    OwnerId,
    Side,
    Currency,
    PriceCents,
    PaymentMethod,
    MinAmount,
    MaxAmount,
    PaymentWindowMinutes,
    Terms,
    Status,
    CreatedAtMs,
    UpdatedAtMs,
    DeletedAtMs,
    PriceMode,
    MarginBp,
    PriceMinCents,
    PriceMaxCents,
    Amounts,
    FirstTradeMax,
    MinTakerTrades,
    TrustedOnly,
}

struct CreateOffers;

impl MigrationName for CreateOffers {
    fn name(&self) -> &str {
        "m20261125_000001_offers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateOffers {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Offers::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Offers::Id))
                    .col(big_integer(Offers::OwnerId))
                    .col(string_len(Offers::Side, 4))
                    .col(string_len(Offers::Currency, 3))
                    .col(big_integer(Offers::PriceCents).check(Expr::col(Offers::PriceCents).gt(0)))
                    .col(string_len(Offers::PaymentMethod, 32))
                    .col(big_integer(Offers::MinAmount).check(Expr::col(Offers::MinAmount).gt(0)))
                    .col(big_integer(Offers::MaxAmount))
                    .col(integer(Offers::PaymentWindowMinutes))
                    .col(string_len(Offers::Terms, 2000).default(""))
                    .col(string_len(Offers::Status, 8))
                    .col(big_integer(Offers::CreatedAtMs))
                    .col(big_integer(Offers::UpdatedAtMs))
                    .col(big_integer_null(Offers::DeletedAtMs))
                    .check(Expr::col(Offers::MaxAmount).gte(Expr::col(Offers::MinAmount)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_offers_listing")
                    .table(Offers::Table)
                    .col(Offers::Status)
                    .col(Offers::Side)
                    .col(Offers::Currency)
                    .col(Offers::PriceCents)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_offers_owner")
                    .table(Offers::Table)
                    .col(Offers::OwnerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Offers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OfferHiddenOwners {
    Table,
    OwnerId,
    HiddenAtMs,
}

/// The owners whose offers are not shown or takeable (disabled or deleted accounts), as
/// the login service reports them: the listing filters on this table instead of asking
/// login about every owner it shows.
struct CreateHiddenOwners;

impl MigrationName for CreateHiddenOwners {
    fn name(&self) -> &str {
        "m20261201_000010_offer_hidden_owners"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateHiddenOwners {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OfferHiddenOwners::Table)
                    .if_not_exists()
                    .col(big_integer(OfferHiddenOwners::OwnerId).primary_key())
                    .col(big_integer(OfferHiddenOwners::HiddenAtMs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OfferHiddenOwners::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OfferTraderLists {
    Table,
    OwnerId,
    UserId,
    List,
    CreatedAtMs,
}

/// Margin offers (price mode, margin, price guards) and the conditions a maker puts on
/// takers (fixed amounts, a first-trade limit, a minimum of completed trades, trusted
/// only), plus makers' trusted and blocked lists. One column per ALTER: SQLite takes no
/// more.
struct MarketPricesAndTakerConditions;

impl MigrationName for MarketPricesAndTakerConditions {
    fn name(&self) -> &str {
        "m20261202_000020_offers_market_prices_and_taker_conditions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for MarketPricesAndTakerConditions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            string_len(Offers::PriceMode, 6).default("fixed").to_owned(),
            integer_null(Offers::MarginBp),
            big_integer_null(Offers::PriceMinCents),
            big_integer_null(Offers::PriceMaxCents),
            string_len(Offers::Amounts, 400).default("").to_owned(),
            big_integer_null(Offers::FirstTradeMax),
            integer(Offers::MinTakerTrades).default(0).to_owned(),
            boolean(Offers::TrustedOnly).default(false).to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Offers::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(OfferTraderLists::Table)
                    .if_not_exists()
                    .col(big_integer(OfferTraderLists::OwnerId))
                    .col(big_integer(OfferTraderLists::UserId))
                    .col(string_len(OfferTraderLists::List, 8))
                    .col(big_integer(OfferTraderLists::CreatedAtMs))
                    .primary_key(
                        Index::create()
                            .col(OfferTraderLists::OwnerId)
                            .col(OfferTraderLists::UserId),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OfferTraderLists::Table).to_owned())
            .await?;
        for column in [
            Offers::TrustedOnly,
            Offers::MinTakerTrades,
            Offers::FirstTradeMax,
            Offers::Amounts,
            Offers::PriceMaxCents,
            Offers::PriceMinCents,
            Offers::MarginBp,
            Offers::PriceMode,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Offers::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum OfferBarredOwners {
    Table,
    OwnerId,
    UntilMs,
    BarredAtMs,
}

/// The owners a trade ban or ban keeps out of the listing, as the moderation service
/// reports them (issue 14), with when that ends by itself.
struct CreateBarredOwners;

impl MigrationName for CreateBarredOwners {
    fn name(&self) -> &str {
        "m20261202_000021_offer_barred_owners"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateBarredOwners {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OfferBarredOwners::Table)
                    .if_not_exists()
                    .col(big_integer(OfferBarredOwners::OwnerId).primary_key())
                    .col(big_integer_null(OfferBarredOwners::UntilMs))
                    .col(big_integer(OfferBarredOwners::BarredAtMs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OfferBarredOwners::Table).to_owned())
            .await
    }
}

/// The newest version of each owner's bar moderation told, so an older telling arriving
/// late is ignored (`pupero_db::told_versions`).
struct BarVersions;

impl MigrationName for BarVersions {
    fn name(&self) -> &str {
        "m20261203_050001_offer_bar_versions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for BarVersions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::told_versions::create_table(manager, crate::BAR_VERSIONS).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::told_versions::drop_table(manager, crate::BAR_VERSIONS).await
    }
}

#[derive(DeriveIden)]
enum OfferTraderRecords {
    Table,
    UserId,
    CompletedTrades,
    Cancellations,
    LostDisputes,
    ReviewsCount,
    RatingHundredths,
    JoinedAtMs,
    SeenAtMs,
    UpdatedAtMs,
}

/// Each trader's record as transactions (trades, reviews) and login (account age, last
/// seen) tell it, so a listing filters and sorts on it without asking them (issue 15), and
/// the newest version of each telling kept.
struct CreateTraderRecords;

impl MigrationName for CreateTraderRecords {
    fn name(&self) -> &str {
        "m20261203_100001_offer_trader_records"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTraderRecords {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OfferTraderRecords::Table)
                    .if_not_exists()
                    .col(big_integer(OfferTraderRecords::UserId).primary_key())
                    .col(big_integer(OfferTraderRecords::CompletedTrades).default(0))
                    .col(big_integer(OfferTraderRecords::Cancellations).default(0))
                    .col(big_integer(OfferTraderRecords::LostDisputes).default(0))
                    .col(big_integer(OfferTraderRecords::ReviewsCount).default(0))
                    .col(big_integer_null(OfferTraderRecords::RatingHundredths))
                    .col(big_integer_null(OfferTraderRecords::JoinedAtMs))
                    .col(big_integer_null(OfferTraderRecords::SeenAtMs))
                    .col(big_integer(OfferTraderRecords::UpdatedAtMs))
                    .to_owned(),
            )
            .await?;
        pupero_db::told_versions::create_table(manager, crate::RECORD_VERSIONS).await?;
        pupero_db::told_versions::create_table(manager, crate::PRESENCE_VERSIONS).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::told_versions::drop_table(manager, crate::PRESENCE_VERSIONS).await?;
        pupero_db::told_versions::drop_table(manager, crate::RECORD_VERSIONS).await?;
        manager
            .drop_table(Table::drop().table(OfferTraderRecords::Table).to_owned())
            .await
    }
}
