//! The transactions service's schema: the double-entry ledger, trades and what hangs off
//! them (chat, reviews), and the audit log of moderator and admin actions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateLedger),
            Box::new(CreateTrades),
            Box::new(CreateDepositCredits),
            Box::new(CreateWithdrawals),
            Box::new(CreateOutbox),
            Box::new(CreateTradingAccounts),
            Box::new(CreateNetworkFeeCharges),
            Box::new(CreateNotifications),
            Box::new(AuditChain),
            Box::new(SplitResolutions),
            Box::new(EntriesByReference),
            Box::new(CreateWorkerLeases),
            Box::new(AddWithdrawalTrace),
            Box::new(DisputeWorkbench),
            Box::new(RecordTellings),
            Box::new(pupero_db::audit_chain::AddPendingTable {
                chain: pupero_db::audit_chain::Chain::TRANSACTIONS,
                name: "m20261203_200001_transactions_audit_pending",
            }),
            Box::new(RecordCounts),
            Box::new(OpenTradesByOffer),
        ]
    }

    fn migration_table_name() -> DynIden {
        "transactions_migrations".into_iden()
    }
}

#[derive(DeriveIden)]
enum LedgerAccounts {
    Table,
    Id,
    AccountKey,
    OwnerId,
    Kind,
    Balance,
    AllowNegative,
    CreatedAtMs,
}

#[derive(DeriveIden)]
enum JournalEntries {
    Table,
    Id,
    Kind,
    Reference,
    Memo,
    ActorId,
    CreatedAtMs,
}

#[derive(DeriveIden)]
enum Postings {
    Table,
    Id,
    EntryId,
    AccountId,
    Amount,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    Action,
    Target,
    Details,
    CreatedAtMs,
}

struct CreateLedger;

impl MigrationName for CreateLedger {
    fn name(&self) -> &str {
        "m20261125_000001_ledger"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateLedger {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LedgerAccounts::Table)
                .if_not_exists()
                .col(big_pk_auto(LedgerAccounts::Id))
                .col(string_len_uniq(LedgerAccounts::AccountKey, 64))
                .col(big_integer_null(LedgerAccounts::OwnerId))
                .col(string_len(LedgerAccounts::Kind, 16))
                .col(big_integer(LedgerAccounts::Balance).default(0))
                .col(boolean(LedgerAccounts::AllowNegative).default(false))
                .col(big_integer(LedgerAccounts::CreatedAtMs))
                // The database itself refuses a negative user balance, whatever the code does.
                .check(
                    Expr::col(LedgerAccounts::AllowNegative)
                        .eq(true)
                        .or(Expr::col(LedgerAccounts::Balance).gte(0)),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_ledger_accounts_owner")
                .table(LedgerAccounts::Table)
                .col(LedgerAccounts::OwnerId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(JournalEntries::Table)
                .if_not_exists()
                .col(big_pk_auto(JournalEntries::Id))
                .col(string_len(JournalEntries::Kind, 32))
                .col(string_len(JournalEntries::Reference, 64))
                .col(string_len(JournalEntries::Memo, 500).default(""))
                .col(big_integer_null(JournalEntries::ActorId))
                .col(big_integer(JournalEntries::CreatedAtMs))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Postings::Table)
                .if_not_exists()
                .col(big_pk_auto(Postings::Id))
                .col(big_integer(Postings::EntryId))
                .col(big_integer(Postings::AccountId))
                .col(big_integer(Postings::Amount).check(Expr::col(Postings::Amount).ne(0)))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_postings_entry")
                        .from(Postings::Table, Postings::EntryId)
                        .to(JournalEntries::Table, JournalEntries::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_postings_account")
                        .from(Postings::Table, Postings::AccountId)
                        .to(LedgerAccounts::Table, LedgerAccounts::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_postings_account")
                .table(Postings::Table)
                .col(Postings::AccountId)
                .col(Postings::EntryId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .if_not_exists()
                .col(big_pk_auto(AuditLog::Id))
                .col(big_integer(AuditLog::ActorId))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len(AuditLog::Target, 64))
                .col(string_len(AuditLog::Details, 2000).default(""))
                .col(big_integer(AuditLog::CreatedAtMs))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Postings::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(JournalEntries::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(LedgerAccounts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Trades {
    Table,
    Id,
    OfferId,
    OpenKey,
    MakerId,
    TakerId,
    SellerId,
    BuyerId,
    Side,
    Currency,
    PriceCents,
    Amount,
    Fee,
    FiatTotalCents,
    PaymentMethod,
    PaymentWindowMinutes,
    Terms,
    State,
    BuyerWantsCancel,
    SellerWantsCancel,
    PaymentDeadlineMs,
    CreatedAtMs,
    UpdatedAtMs,
    PaidAtMs,
    CompletedAtMs,
    CancelledAtMs,
    CancelReason,
    DisputedAtMs,
    DisputeOpenedBy,
    DisputeStatement,
    Resolution,
    ResolvedBy,
    ResolutionReason,
    ResolutionCode,
    BuyerShareBps,
}

#[derive(DeriveIden)]
enum TradeMessages {
    Table,
    Id,
    TradeId,
    SenderId,
    Body,
    CreatedAtMs,
}

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    TradeId,
    ReviewerId,
    RevieweeId,
    Rating,
    Comment,
    CreatedAtMs,
}

struct CreateTrades;

impl MigrationName for CreateTrades {
    fn name(&self) -> &str {
        "m20261125_000002_trades"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTrades {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Trades::Table)
                .if_not_exists()
                .col(big_pk_auto(Trades::Id))
                .col(big_integer(Trades::OfferId))
                .col(string_len_null(Trades::OpenKey, 64))
                .col(big_integer(Trades::MakerId))
                .col(big_integer(Trades::TakerId))
                .col(big_integer(Trades::SellerId))
                .col(big_integer(Trades::BuyerId))
                .col(string_len(Trades::Side, 4))
                .col(string_len(Trades::Currency, 3))
                .col(big_integer(Trades::PriceCents))
                .col(big_integer(Trades::Amount).check(Expr::col(Trades::Amount).gt(0)))
                .col(big_integer(Trades::Fee).default(0))
                .col(big_integer(Trades::FiatTotalCents))
                .col(string_len(Trades::PaymentMethod, 32))
                .col(integer(Trades::PaymentWindowMinutes))
                .col(string_len(Trades::Terms, 2000).default(""))
                .col(string_len(Trades::State, 20))
                .col(boolean(Trades::BuyerWantsCancel).default(false))
                .col(boolean(Trades::SellerWantsCancel).default(false))
                .col(big_integer(Trades::PaymentDeadlineMs))
                .col(big_integer(Trades::CreatedAtMs))
                .col(big_integer(Trades::UpdatedAtMs))
                .col(big_integer_null(Trades::PaidAtMs))
                .col(big_integer_null(Trades::CompletedAtMs))
                .col(big_integer_null(Trades::CancelledAtMs))
                .col(string_len_null(Trades::CancelReason, 16))
                .col(big_integer_null(Trades::DisputedAtMs))
                .col(big_integer_null(Trades::DisputeOpenedBy))
                .col(string_len_null(Trades::DisputeStatement, 2000))
                .col(string_len_null(Trades::Resolution, 8))
                .col(big_integer_null(Trades::ResolvedBy))
                .col(string_len_null(Trades::ResolutionReason, 2000))
                .check(Expr::col(Trades::SellerId).ne(Expr::col(Trades::BuyerId)))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "idx_trades_state_deadline",
                vec![Trades::State, Trades::PaymentDeadlineMs],
            ),
            ("idx_trades_seller", vec![Trades::SellerId]),
            ("idx_trades_buyer", vec![Trades::BuyerId]),
            ("idx_trades_offer", vec![Trades::OfferId]),
        ] {
            let mut index = Index::create();
            index.if_not_exists();
            index.name(name).table(Trades::Table);
            for c in cols {
                index.col(c);
            }
            m.create_index(index.clone()).await?;
        }
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("uq_trades_open_key")
                .table(Trades::Table)
                .col(Trades::TakerId)
                .col(Trades::OpenKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TradeMessages::Table)
                .if_not_exists()
                .col(big_pk_auto(TradeMessages::Id))
                .col(big_integer(TradeMessages::TradeId))
                .col(big_integer(TradeMessages::SenderId))
                .col(string_len(TradeMessages::Body, 2000))
                .col(big_integer(TradeMessages::CreatedAtMs))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_trade_messages_trade")
                        .from(TradeMessages::Table, TradeMessages::TradeId)
                        .to(Trades::Table, Trades::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_trade_messages_trade")
                .table(TradeMessages::Table)
                .col(TradeMessages::TradeId)
                .col(TradeMessages::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Reviews::Table)
                .if_not_exists()
                .col(big_pk_auto(Reviews::Id))
                .col(big_integer(Reviews::TradeId))
                .col(big_integer(Reviews::ReviewerId))
                .col(big_integer(Reviews::RevieweeId))
                .col(integer(Reviews::Rating).check(Expr::col(Reviews::Rating).between(1, 5)))
                .col(string_len(Reviews::Comment, 1000).default(""))
                .col(big_integer(Reviews::CreatedAtMs))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reviews_trade")
                        .from(Reviews::Table, Reviews::TradeId)
                        .to(Trades::Table, Trades::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("uq_reviews_trade_reviewer")
                .table(Reviews::Table)
                .col(Reviews::TradeId)
                .col(Reviews::ReviewerId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_reviews_reviewee")
                .table(Reviews::Table)
                .col(Reviews::RevieweeId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Reviews::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(TradeMessages::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Trades::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DepositCredits {
    Table,
    Id,
    DepositKey,
    UserId,
    Amount,
    Txid,
    EntryId,
    CreatedAtMs,
}

/// One row per deposit ever credited; its unique key makes crediting idempotent.
struct CreateDepositCredits;

impl MigrationName for CreateDepositCredits {
    fn name(&self) -> &str {
        "m20261125_000003_deposit_credits"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateDepositCredits {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DepositCredits::Table)
                .if_not_exists()
                .col(big_pk_auto(DepositCredits::Id))
                .col(string_len_uniq(DepositCredits::DepositKey, 100))
                .col(big_integer(DepositCredits::UserId))
                .col(
                    big_integer(DepositCredits::Amount)
                        .check(Expr::col(DepositCredits::Amount).gt(0)),
                )
                .col(string_len(DepositCredits::Txid, 64))
                .col(big_integer(DepositCredits::EntryId))
                .col(big_integer(DepositCredits::CreatedAtMs))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DepositCredits::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Withdrawals {
    Table,
    Id,
    UserId,
    IdempotencyKey,
    Address,
    Amount,
    Status,
    TxHashes,
    Fee,
    LastError,
    Attempts,
    LeaseUntilMs,
    CreatedAtMs,
    UpdatedAtMs,
    RelayedAtMs,
    ConfirmedAtMs,
}

/// Withdrawal requests and their progress; the worker in the wallet service drives them.
struct CreateWithdrawals;

impl MigrationName for CreateWithdrawals {
    fn name(&self) -> &str {
        "m20261125_000004_withdrawals"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateWithdrawals {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Withdrawals::Table)
                .if_not_exists()
                .col(big_pk_auto(Withdrawals::Id))
                .col(big_integer(Withdrawals::UserId))
                .col(string_len(Withdrawals::IdempotencyKey, 64))
                .col(string_len(Withdrawals::Address, 128))
                .col(big_integer(Withdrawals::Amount).check(Expr::col(Withdrawals::Amount).gt(0)))
                .col(string_len(Withdrawals::Status, 16))
                .col(string_len(Withdrawals::TxHashes, 1000).default(""))
                .col(big_integer_null(Withdrawals::Fee))
                .col(string_len(Withdrawals::LastError, 500).default(""))
                .col(integer(Withdrawals::Attempts).default(0))
                .col(big_integer(Withdrawals::LeaseUntilMs).default(0))
                .col(big_integer(Withdrawals::CreatedAtMs))
                .col(big_integer(Withdrawals::UpdatedAtMs))
                .col(big_integer_null(Withdrawals::RelayedAtMs))
                .col(big_integer_null(Withdrawals::ConfirmedAtMs))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("uq_withdrawals_user_key")
                .table(Withdrawals::Table)
                .col(Withdrawals::UserId)
                .col(Withdrawals::IdempotencyKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_withdrawals_status")
                .table(Withdrawals::Table)
                .col(Withdrawals::Status)
                .col(Withdrawals::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Withdrawals::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    WithdrawalId,
    CreatedAtMs,
    PublishedAtMs,
}

/// Messages to publish to RabbitMQ, written in the same transaction as their withdrawal.
struct CreateOutbox;

impl MigrationName for CreateOutbox {
    fn name(&self) -> &str {
        "m20261125_000005_outbox"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateOutbox {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .if_not_exists()
                .col(big_pk_auto(Outbox::Id))
                .col(big_integer(Outbox::WithdrawalId))
                .col(big_integer(Outbox::CreatedAtMs))
                .col(big_integer_null(Outbox::PublishedAtMs))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_outbox_unpublished")
                .table(Outbox::Table)
                .col(Outbox::PublishedAtMs)
                .col(Outbox::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum TradingAccounts {
    Table,
    Id,
    Version,
    ClosedAtMs,
    UpdatedAtMs,
}

/// One row per user who has traded or closed their account: the row that trade opening and
/// account closing both update first, so the two decisions are serialised on every backend
/// (a deletion cannot slip between a trade's checks and its insert, issue 9 item 9).
struct CreateTradingAccounts;

impl MigrationName for CreateTradingAccounts {
    fn name(&self) -> &str {
        "m20261201_000010_trading_accounts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTradingAccounts {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TradingAccounts::Table)
                .if_not_exists()
                // The user id itself, not an auto-increment.
                .col(big_integer(TradingAccounts::Id).primary_key())
                .col(big_integer(TradingAccounts::Version).default(0))
                .col(big_integer_null(TradingAccounts::ClosedAtMs))
                .col(big_integer(TradingAccounts::UpdatedAtMs))
                .to_owned(),
        )
        .await?;
        // Counting a taker's open trades (the griefing cap) reads by taker and state.
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_trades_taker_state")
                .table(Trades::Table)
                .col(Trades::TakerId)
                .col(Trades::State)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_trades_taker_state")
                .table(Trades::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(TradingAccounts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum NetworkFeeCharges {
    Table,
    Id,
    TxKey,
    Fee,
    EntryId,
    CreatedAtMs,
}

/// One row per transaction of the hot wallet's own (a float refill) whose network fee was
/// journaled; its unique key makes the charge idempotent, as `deposit_credits` does for
/// deposits.
struct CreateNetworkFeeCharges;

impl MigrationName for CreateNetworkFeeCharges {
    fn name(&self) -> &str {
        "m20261202_000011_network_fee_charges"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateNetworkFeeCharges {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(NetworkFeeCharges::Table)
                .if_not_exists()
                .col(big_pk_auto(NetworkFeeCharges::Id))
                .col(string_len_uniq(NetworkFeeCharges::TxKey, 100))
                .col(
                    big_integer(NetworkFeeCharges::Fee)
                        .check(Expr::col(NetworkFeeCharges::Fee).gt(0)),
                )
                .col(big_integer(NetworkFeeCharges::EntryId))
                .col(big_integer(NetworkFeeCharges::CreatedAtMs))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(NetworkFeeCharges::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    UserId,
    Url,
    Secret,
    Events,
    CreatedAtMs,
    DeletedAtMs,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    NotificationId,
    UserId,
    Status,
    Attempts,
    NextAttemptAtMs,
    LastStatus,
    LastError,
    CreatedAtMs,
    DeliveredAtMs,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    TradeId,
    WithdrawalId,
    Amount,
    EventKey,
    CreatedAtMs,
    ReadAtMs,
    DispatchedAtMs,
    DispatchAttempts,
    NextDispatchAtMs,
}

/// The inbox, written in the same transaction as the change each row tells of. A row is
/// also the outbox of its e-mail and webhooks: `dispatched_at_ms` stays empty until the
/// dispatcher has handed it on. Beside it, users' webhooks and each webhook delivery.
struct CreateNotifications;

impl MigrationName for CreateNotifications {
    fn name(&self) -> &str {
        "m20261202_000020_notifications_inbox"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateNotifications {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .if_not_exists()
                .col(big_pk_auto(Notifications::Id))
                .col(big_integer(Notifications::UserId))
                .col(string_len(Notifications::Kind, 32))
                .col(big_integer_null(Notifications::TradeId))
                .col(big_integer_null(Notifications::WithdrawalId))
                .col(big_integer_null(Notifications::Amount))
                // Events that must be told once however often their cause is seen (a
                // trade's expiry warning) carry a key; NULLs do not collide on any backend.
                .col(string_len_null(Notifications::EventKey, 100).unique_key())
                .col(big_integer(Notifications::CreatedAtMs))
                .col(big_integer_null(Notifications::ReadAtMs))
                .col(big_integer_null(Notifications::DispatchedAtMs))
                .col(integer(Notifications::DispatchAttempts).default(0))
                .col(big_integer(Notifications::NextDispatchAtMs).default(0))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_notifications_user")
                .table(Notifications::Table)
                .col(Notifications::UserId)
                .col(Notifications::ReadAtMs)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_notifications_undispatched")
                .table(Notifications::Table)
                .col(Notifications::DispatchedAtMs)
                .col(Notifications::NextDispatchAtMs)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Webhooks::Table)
                .if_not_exists()
                .col(big_pk_auto(Webhooks::Id))
                .col(big_integer(Webhooks::UserId))
                .col(string_len(Webhooks::Url, 500))
                // Sealed under a subkey of DATA_ENCRYPTION_KEY, bound to the webhook's owner.
                .col(string_len(Webhooks::Secret, 200))
                // Comma-separated notification kinds; empty means every kind.
                .col(string_len(Webhooks::Events, 400))
                .col(big_integer(Webhooks::CreatedAtMs))
                .col(big_integer_null(Webhooks::DeletedAtMs))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_webhooks_user")
                .table(Webhooks::Table)
                .col(Webhooks::UserId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .if_not_exists()
                .col(big_pk_auto(WebhookDeliveries::Id))
                .col(big_integer(WebhookDeliveries::WebhookId))
                .col(big_integer(WebhookDeliveries::NotificationId))
                .col(big_integer(WebhookDeliveries::UserId))
                .col(string_len(WebhookDeliveries::Status, 16))
                .col(integer(WebhookDeliveries::Attempts).default(0))
                .col(big_integer(WebhookDeliveries::NextAttemptAtMs))
                .col(integer_null(WebhookDeliveries::LastStatus))
                .col(string_len_null(WebhookDeliveries::LastError, 300))
                .col(big_integer(WebhookDeliveries::CreatedAtMs))
                .col(big_integer_null(WebhookDeliveries::DeliveredAtMs))
                .to_owned(),
        )
        .await?;
        // One delivery per webhook and event, however often the dispatcher hands it on.
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_webhook_deliveries_once")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::WebhookId)
                .col(WebhookDeliveries::NotificationId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .if_not_exists()
                .name("idx_webhook_deliveries_due")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::Status)
                .col(WebhookDeliveries::NextAttemptAtMs)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookDeliveries::Table.into_iden(),
            Webhooks::Table.into_iden(),
            Notifications::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// Money movements and the staff actions behind them go onto the hash-chained audit log
/// (`pupero_db::audit_chain`); the unchained `audit_log` table's lines move onto it and
/// the table goes away.
struct AuditChain;

impl MigrationName for AuditChain {
    fn name(&self) -> &str {
        "m20261202_000021_transactions_audit_chain"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AuditChain {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let chain = pupero_db::audit_chain::Chain::TRANSACTIONS;
        pupero_db::audit_chain::create_tables(m, chain).await?;
        pupero_db::audit_chain::carry_over(m, chain, "audit_log").await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::audit_chain::drop_tables(m, pupero_db::audit_chain::Chain::TRANSACTIONS).await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .if_not_exists()
                .col(big_pk_auto(AuditLog::Id))
                .col(big_integer(AuditLog::ActorId))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len(AuditLog::Target, 64))
                .col(string_len(AuditLog::Details, 2000).default(""))
                .col(big_integer(AuditLog::CreatedAtMs))
                .to_owned(),
        )
        .await
    }
}

/// A dispute decision's canned reason, and the buyer's share when the escrow was split.
struct SplitResolutions;

impl MigrationName for SplitResolutions {
    fn name(&self) -> &str {
        "m20261202_000022_split_resolutions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for SplitResolutions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        m.alter_table(
            Table::alter()
                .table(Trades::Table)
                .add_column(string_len_null(Trades::ResolutionCode, 32))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Trades::Table)
                .add_column(integer_null(Trades::BuyerShareBps))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [Trades::BuyerShareBps, Trades::ResolutionCode] {
            m.alter_table(
                Table::alter()
                    .table(Trades::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

/// A trade's receipt lists the journal entries that name it (`reference = 'trade:12'`).
struct EntriesByReference;

impl MigrationName for EntriesByReference {
    fn name(&self) -> &str {
        "m20261202_000023_receipt_entries_by_reference"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for EntriesByReference {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_journal_entries_reference")
                .table(JournalEntries::Table)
                .col(JournalEntries::Reference)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_journal_entries_reference")
                .table(JournalEntries::Table)
                .to_owned(),
        )
        .await
    }
}

/// One row per background job: which replica holds it, its fencing token and expiry
/// (see `pupero_db::lease`).
struct CreateWorkerLeases;

impl MigrationName for CreateWorkerLeases {
    fn name(&self) -> &str {
        "m20261202_100001_transactions_worker_leases"
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

/// The request id and W3C trace context of the request that asked for a withdrawal, so the
/// wallet worker's log lines about it can be found from either (docs/OPERATIONS.md).
struct AddWithdrawalTrace;

impl MigrationName for AddWithdrawalTrace {
    fn name(&self) -> &str {
        "m20261202_100002_withdrawal_trace"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AddWithdrawalTrace {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Withdrawals::Table)
                .add_column(string_len_null(Alias::new("request_id"), 128))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Withdrawals::Table)
                .add_column(string_len_null(Alias::new("traceparent"), 64))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["traceparent", "request_id"] {
            m.alter_table(
                Table::alter()
                    .table(Withdrawals::Table)
                    .drop_column(Alias::new(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum DisputeStatements {
    Table,
    Id,
    TradeId,
    AuthorId,
    Body,
    CreatedAtMs,
    UpdatedAtMs,
}

#[derive(DeriveIden)]
enum DisputeEvidence {
    Table,
    Id,
    TradeId,
    UploaderId,
    ContentType,
    FileName,
    SizeBytes,
    Sha256,
    Data,
    CreatedAtMs,
    ExpiresAtMs,
}

/// The dispute workbench (issue 14): each party's statement (one each, editable while the
/// dispute is open), evidence files kept in the database until their retention ends, and
/// the name of a staff member who writes in a trade's chat.
struct DisputeWorkbench;

impl MigrationName for DisputeWorkbench {
    fn name(&self) -> &str {
        "m20261203_100002_dispute_workbench"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for DisputeWorkbench {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DisputeStatements::Table)
                .if_not_exists()
                .col(big_pk_auto(DisputeStatements::Id))
                .col(big_integer(DisputeStatements::TradeId))
                .col(big_integer(DisputeStatements::AuthorId))
                .col(string_len(DisputeStatements::Body, 4000))
                .col(big_integer(DisputeStatements::CreatedAtMs))
                .col(big_integer(DisputeStatements::UpdatedAtMs))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_dispute_statements_trade_author")
                .table(DisputeStatements::Table)
                .col(DisputeStatements::TradeId)
                .col(DisputeStatements::AuthorId)
                .unique()
                .to_owned(),
        )
        .await?;
        // A MySQL/MariaDB BLOB holds 64 KiB; LONGBLOB holds what EVIDENCE_MAX_BYTES allows.
        let mut data = ColumnDef::new(DisputeEvidence::Data);
        match m.get_database_backend() {
            sea_orm::DatabaseBackend::MySql => data.custom(Alias::new("LONGBLOB")),
            _ => data.blob(),
        };
        m.create_table(
            Table::create()
                .table(DisputeEvidence::Table)
                .if_not_exists()
                .col(big_pk_auto(DisputeEvidence::Id))
                .col(big_integer(DisputeEvidence::TradeId))
                .col(big_integer(DisputeEvidence::UploaderId))
                .col(string_len(DisputeEvidence::ContentType, 32))
                .col(string_len(DisputeEvidence::FileName, 64))
                .col(big_integer(DisputeEvidence::SizeBytes))
                .col(string_len(DisputeEvidence::Sha256, 64))
                .col(data.not_null())
                .col(big_integer(DisputeEvidence::CreatedAtMs))
                .col(big_integer(DisputeEvidence::ExpiresAtMs))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_dispute_evidence_trade", DisputeEvidence::TradeId),
            ("idx_dispute_evidence_expires", DisputeEvidence::ExpiresAtMs),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(DisputeEvidence::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(TradeMessages::Table)
                .add_column(string_len_null(Alias::new("staff_name"), 64))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(TradeMessages::Table)
                .drop_column(Alias::new("staff_name"))
                .to_owned(),
        )
        .await?;
        for table in [
            DisputeEvidence::Table.into_iden(),
            DisputeStatements::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum TraderRecordTellings {
    Table,
    UserId,
    Version,
    ToldVersion,
    CompletedTrades,
    Cancellations,
    LostDisputes,
}

/// Each trader's count of changes to their trade record and the last count the offers
/// service took (issue 15): a trader whose two counts differ is told again (`records`).
/// Every trader with a trade already starts behind, so the offers service learns the
/// records that were made before it kept them.
struct RecordTellings;

impl MigrationName for RecordTellings {
    fn name(&self) -> &str {
        "m20261203_100003_trader_record_tellings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for RecordTellings {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TraderRecordTellings::Table)
                .if_not_exists()
                .col(big_integer(TraderRecordTellings::UserId).primary_key())
                .col(big_integer(TraderRecordTellings::Version))
                .col(big_integer(TraderRecordTellings::ToldVersion))
                .to_owned(),
        )
        .await?;
        for seller in [true, false] {
            let party = || {
                if seller {
                    Trades::SellerId
                } else {
                    Trades::BuyerId
                }
            };
            let parties = Query::select()
                .distinct()
                .expr(Expr::col(party()))
                .expr(Expr::val(1i64))
                .expr(Expr::val(0i64))
                .from(Trades::Table)
                .and_where(
                    Expr::col(party()).not_in_subquery(
                        Query::select()
                            .column(TraderRecordTellings::UserId)
                            .from(TraderRecordTellings::Table)
                            .to_owned(),
                    ),
                )
                .to_owned();
            let backfill = Query::insert()
                .into_table(TraderRecordTellings::Table)
                .columns([
                    TraderRecordTellings::UserId,
                    TraderRecordTellings::Version,
                    TraderRecordTellings::ToldVersion,
                ])
                .select_from(parties)
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned();
            m.get_connection().execute(&backfill).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TraderRecordTellings::Table).to_owned())
            .await
    }
}

/// Traders' record counts are kept on their `trader_record_tellings` row by the trades that
/// end (`records::ended`) instead of being counted from every trade at each telling; this
/// counts them once for the trades before it.
struct RecordCounts;

const RECORD_COUNT_COLUMNS: [TraderRecordTellings; 3] = [
    TraderRecordTellings::CompletedTrades,
    TraderRecordTellings::Cancellations,
    TraderRecordTellings::LostDisputes,
];

impl MigrationName for RecordCounts {
    fn name(&self) -> &str {
        "m20261203_200002_trader_record_counts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for RecordCounts {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in RECORD_COUNT_COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(TraderRecordTellings::Table)
                    .add_column(big_integer(column).default(0))
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        let mut after = 0;
        loop {
            let users = crate::store::record_tellings::users_after(db, after, 500).await?;
            let Some(&last) = users.last() else { break };
            for user_id in users {
                let counts = crate::records::counted(db, user_id).await?;
                crate::store::record_tellings::set_counts(db, user_id, counts).await?;
            }
            after = last;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in RECORD_COUNT_COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(TraderRecordTellings::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

/// A trade opening counts the offer's open trades: with an index on the offer alone that
/// read every trade the offer ever had (hundreds on a busy offer, per opening).
struct OpenTradesByOffer;

impl MigrationName for OpenTradesByOffer {
    fn name(&self) -> &str {
        "m20261204_100001_open_trades_by_offer"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for OpenTradesByOffer {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_trades_offer_state")
                .table(Trades::Table)
                .col(Trades::OfferId)
                .col(Trades::State)
                .to_owned(),
        )
        .await?;
        // Its first column serves every lookup the old one did.
        m.drop_index(
            Index::drop()
                .name("idx_trades_offer")
                .table(Trades::Table)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_trades_offer")
                .table(Trades::Table)
                .col(Trades::OfferId)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_trades_offer_state")
                .table(Trades::Table)
                .to_owned(),
        )
        .await
    }
}
