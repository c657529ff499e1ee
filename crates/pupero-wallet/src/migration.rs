//! The wallet service's schema: which subaddress belongs to whom, and every deposit seen on
//! chain.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateDeposits),
            Box::new(CreateSends),
            Box::new(CreateBatches),
            Box::new(CreateWorkerLeases),
        ]
    }

    fn migration_table_name() -> DynIden {
        "wallet_migrations".into_iden()
    }
}

#[derive(DeriveIden)]
enum DepositAddresses {
    Table,
    Id,
    UserId,
    AddressIndex,
    Address,
    CreatedAtMs,
}

#[derive(DeriveIden)]
enum Deposits {
    Table,
    Id,
    Txid,
    AddressIndex,
    UserId,
    Amount,
    Height,
    Confirmations,
    Status,
    FirstSeenMs,
    UpdatedAtMs,
    CreditedAtMs,
}

struct CreateDeposits;

impl MigrationName for CreateDeposits {
    fn name(&self) -> &str {
        "m20261125_000001_deposits"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateDeposits {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DepositAddresses::Table)
                .if_not_exists()
                .col(big_pk_auto(DepositAddresses::Id))
                .col(big_integer_uniq(DepositAddresses::UserId))
                .col(big_integer_uniq(DepositAddresses::AddressIndex))
                .col(string_len(DepositAddresses::Address, 128))
                .col(big_integer(DepositAddresses::CreatedAtMs))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Deposits::Table)
                .if_not_exists()
                .col(big_pk_auto(Deposits::Id))
                .col(string_len(Deposits::Txid, 64))
                .col(big_integer(Deposits::AddressIndex))
                .col(big_integer(Deposits::UserId))
                .col(big_integer(Deposits::Amount))
                .col(big_integer(Deposits::Height))
                .col(big_integer(Deposits::Confirmations))
                .col(string_len(Deposits::Status, 16))
                .col(big_integer(Deposits::FirstSeenMs))
                .col(big_integer(Deposits::UpdatedAtMs))
                .col(big_integer_null(Deposits::CreditedAtMs))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("uq_deposits_txid_index")
                .table(Deposits::Table)
                .col(Deposits::Txid)
                .col(Deposits::AddressIndex)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_deposits_user")
                .table(Deposits::Table)
                .col(Deposits::UserId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Deposits::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(DepositAddresses::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum WithdrawalSends {
    Table,
    Id,
    WithdrawalId,
    TxHashes,
    Metadata,
    Fee,
    Status,
    CreatedAtMs,
    UpdatedAtMs,
}

/// Every transaction the wallet built for a withdrawal, with the metadata needed to relay
/// it, written before it is relayed: after a crash it is relayed (or found on chain),
/// never built a second time.
struct CreateSends;

impl MigrationName for CreateSends {
    fn name(&self) -> &str {
        "m20261125_000002_withdrawal_sends"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateSends {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WithdrawalSends::Table)
                .if_not_exists()
                .col(big_pk_auto(WithdrawalSends::Id))
                .col(big_integer_uniq(WithdrawalSends::WithdrawalId))
                .col(string_len(WithdrawalSends::TxHashes, 1000))
                .col(text(WithdrawalSends::Metadata))
                .col(big_integer(WithdrawalSends::Fee))
                .col(string_len(WithdrawalSends::Status, 16))
                .col(big_integer(WithdrawalSends::CreatedAtMs))
                .col(big_integer(WithdrawalSends::UpdatedAtMs))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WithdrawalSends::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SendBatches {
    Table,
    Id,
    Kind,
    TxHashes,
    Metadata,
    Fee,
    Status,
    CreatedAtMs,
    UpdatedAtMs,
}

/// One transaction set paying several withdrawals at once (or refilling the hot wallet's
/// float): its metadata is stored once, and each withdrawal's `withdrawal_sends` row points
/// at it with its own share of the fee. The batch and its rows are written in one
/// database transaction, so after a crash either all its withdrawals are tied to it or none.
struct CreateBatches;

impl MigrationName for CreateBatches {
    fn name(&self) -> &str {
        "m20261202_000003_send_batches"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateBatches {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SendBatches::Table)
                .if_not_exists()
                .col(big_pk_auto(SendBatches::Id))
                .col(string_len(SendBatches::Kind, 16))
                .col(string_len(SendBatches::TxHashes, 1000))
                .col(text(SendBatches::Metadata))
                .col(big_integer(SendBatches::Fee))
                .col(string_len(SendBatches::Status, 16))
                .col(big_integer(SendBatches::CreatedAtMs))
                .col(big_integer(SendBatches::UpdatedAtMs))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(WithdrawalSends::Table)
                .add_column(big_integer_null(Alias::new("batch_id")))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(WithdrawalSends::Table)
                .drop_column(Alias::new("batch_id"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(SendBatches::Table).to_owned())
            .await
    }
}

/// One row per background job: which replica holds it, its fencing token and expiry
/// (see `pupero_db::lease`).
struct CreateWorkerLeases;

impl MigrationName for CreateWorkerLeases {
    fn name(&self) -> &str {
        "m20261202_100001_wallet_worker_leases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateWorkerLeases {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::lease::create_table(m, crate::LEASE_TABLE).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::lease::drop_table(m, crate::LEASE_TABLE).await
    }
}
