//! The moderation service's schema, with its own migration table.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateModeration),
            Box::new(CreateEnforcement),
            Box::new(ModerationAuditChain),
            Box::new(pupero_db::audit_chain::AddPendingTable {
                chain: pupero_db::audit_chain::Chain::MODERATION,
                name: "m20261203_200001_moderation_audit_pending",
            }),
        ]
    }

    fn migration_table_name() -> DynIden {
        "moderation_migrations".into_iden()
    }
}

#[derive(DeriveIden)]
enum ModerationCases {
    Table,
    Id,
    TargetKind,
    TargetId,
    OpenKey,
    Category,
    Status,
    Reporters,
    AssigneeId,
    Resolution,
    ResolutionReason,
    ResolvedBy,
    CreatedAtMs,
    UpdatedAtMs,
    ResolvedAtMs,
}

#[derive(DeriveIden)]
enum ModerationReports {
    Table,
    Id,
    CaseId,
    ReporterId,
    Category,
    Text,
    CreatedAtMs,
}

#[derive(DeriveIden)]
enum ModerationCaseParties {
    Table,
    Id,
    CaseId,
    UserId,
}

#[derive(DeriveIden)]
enum ModerationNotes {
    Table,
    Id,
    CaseId,
    AuthorId,
    Text,
    CreatedAtMs,
}

#[derive(DeriveIden)]
enum ModerationSanctions {
    Table,
    Id,
    UserId,
    Kind,
    Reason,
    ImposedBy,
    CreatedAtMs,
    ExpiresAtMs,
    LiftedAtMs,
    LiftedBy,
    LiftReason,
}

#[derive(DeriveIden)]
enum ModerationAppeals {
    Table,
    Id,
    SanctionId,
    UserId,
    Text,
    Status,
    DecidedBy,
    DecisionReason,
    CreatedAtMs,
    DecidedAtMs,
}

#[derive(DeriveIden)]
enum ModerationAudit {
    Table,
    Id,
    ActorId,
    Action,
    Target,
    Details,
    CreatedAtMs,
}

/// Reports merged into cases, the people party to each case, moderators' notes,
/// sanctions, appeals, and the service's audit lines (issue 14).
struct CreateModeration;

impl MigrationName for CreateModeration {
    fn name(&self) -> &str {
        "m20261202_000001_moderation"
    }
}

fn index(
    name: &str,
    table: impl IntoTableRef,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.if_not_exists().name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.clone()
}

#[async_trait::async_trait]
impl MigrationTrait for CreateModeration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ModerationCases::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ModerationCases::Id))
                    .col(string_len(ModerationCases::TargetKind, 16))
                    .col(big_integer(ModerationCases::TargetId))
                    .col(string_len_null(ModerationCases::OpenKey, 48))
                    .col(string_len(ModerationCases::Category, 32))
                    .col(string_len(ModerationCases::Status, 16))
                    .col(big_integer(ModerationCases::Reporters))
                    .col(big_integer_null(ModerationCases::AssigneeId))
                    .col(string_len_null(ModerationCases::Resolution, 16))
                    .col(string_len_null(ModerationCases::ResolutionReason, 2000))
                    .col(big_integer_null(ModerationCases::ResolvedBy))
                    .col(big_integer(ModerationCases::CreatedAtMs))
                    .col(big_integer(ModerationCases::UpdatedAtMs))
                    .col(big_integer_null(ModerationCases::ResolvedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_moderation_cases_open",
                ModerationCases::Table,
                &["open_key"],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_moderation_cases_queue",
                ModerationCases::Table,
                &["status", "reporters", "created_at_ms"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ModerationReports::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ModerationReports::Id))
                    .col(big_integer(ModerationReports::CaseId))
                    .col(big_integer(ModerationReports::ReporterId))
                    .col(string_len(ModerationReports::Category, 32))
                    .col(string_len(ModerationReports::Text, 2000))
                    .col(big_integer(ModerationReports::CreatedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_moderation_reports_once",
                ModerationReports::Table,
                &["case_id", "reporter_id"],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "idx_moderation_reports_reporter",
                ModerationReports::Table,
                &["reporter_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ModerationCaseParties::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ModerationCaseParties::Id))
                    .col(big_integer(ModerationCaseParties::CaseId))
                    .col(big_integer(ModerationCaseParties::UserId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_moderation_parties_once",
                ModerationCaseParties::Table,
                &["case_id", "user_id"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ModerationNotes::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ModerationNotes::Id))
                    .col(big_integer(ModerationNotes::CaseId))
                    .col(big_integer(ModerationNotes::AuthorId))
                    .col(string_len(ModerationNotes::Text, 2000))
                    .col(big_integer(ModerationNotes::CreatedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_moderation_notes_case",
                ModerationNotes::Table,
                &["case_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ModerationSanctions::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ModerationSanctions::Id))
                    .col(big_integer(ModerationSanctions::UserId))
                    .col(string_len(ModerationSanctions::Kind, 32))
                    .col(string_len(ModerationSanctions::Reason, 1000))
                    .col(big_integer(ModerationSanctions::ImposedBy))
                    .col(big_integer(ModerationSanctions::CreatedAtMs))
                    .col(big_integer_null(ModerationSanctions::ExpiresAtMs))
                    .col(big_integer_null(ModerationSanctions::LiftedAtMs))
                    .col(big_integer_null(ModerationSanctions::LiftedBy))
                    .col(string_len_null(ModerationSanctions::LiftReason, 1000))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_moderation_sanctions_user",
                ModerationSanctions::Table,
                &["user_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ModerationAppeals::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ModerationAppeals::Id))
                    .col(big_integer(ModerationAppeals::SanctionId))
                    .col(big_integer(ModerationAppeals::UserId))
                    .col(string_len(ModerationAppeals::Text, 2000))
                    .col(string_len(ModerationAppeals::Status, 16))
                    .col(big_integer_null(ModerationAppeals::DecidedBy))
                    .col(string_len_null(ModerationAppeals::DecisionReason, 1000))
                    .col(big_integer(ModerationAppeals::CreatedAtMs))
                    .col(big_integer_null(ModerationAppeals::DecidedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_moderation_appeals_once",
                ModerationAppeals::Table,
                &["sanction_id"],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ModerationAudit::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ModerationAudit::Id))
                    .col(big_integer(ModerationAudit::ActorId))
                    .col(string_len(ModerationAudit::Action, 64))
                    .col(string_len(ModerationAudit::Target, 64))
                    .col(string_len(ModerationAudit::Details, 2000))
                    .col(big_integer(ModerationAudit::CreatedAtMs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ModerationAudit::Table.into_iden(),
            ModerationAppeals::Table.into_iden(),
            ModerationSanctions::Table.into_iden(),
            ModerationNotes::Table.into_iden(),
            ModerationCaseParties::Table.into_iden(),
            ModerationReports::Table.into_iden(),
            ModerationCases::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The moderation service's staff actions go onto their own hash chain
/// (`pupero_db::audit_chain`, checked by `pupero admin audit-verify`): the unchained
/// `moderation_audit` lines move onto it in their order and the table goes away.
struct ModerationAuditChain;

impl MigrationName for ModerationAuditChain {
    fn name(&self) -> &str {
        "m20261203_100001_moderation_audit_chain"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for ModerationAuditChain {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let chain = pupero_db::audit_chain::Chain::MODERATION;
        pupero_db::audit_chain::create_tables(manager, chain).await?;
        pupero_db::audit_chain::carry_over(manager, chain, "moderation_audit").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::audit_chain::drop_tables(manager, pupero_db::audit_chain::Chain::MODERATION)
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ModerationAudit::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ModerationAudit::Id))
                    .col(big_integer(ModerationAudit::ActorId))
                    .col(string_len(ModerationAudit::Action, 64))
                    .col(string_len(ModerationAudit::Target, 64))
                    .col(string_len(ModerationAudit::Details, 2000))
                    .col(big_integer(ModerationAudit::CreatedAtMs))
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum ModerationEnforcement {
    Table,
    UserId,
    Version,
    ToldVersion,
}

/// What login and offers were told of each account's sanctions, so a telling lost to a
/// crash or an outage is made again by a job (`enforcement`), and that job's lease table.
struct CreateEnforcement;

impl MigrationName for CreateEnforcement {
    fn name(&self) -> &str {
        "m20261203_050001_moderation_enforcement"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateEnforcement {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ModerationEnforcement::Table)
                    .if_not_exists()
                    .col(big_integer(ModerationEnforcement::UserId).primary_key())
                    .col(big_integer(ModerationEnforcement::Version))
                    .col(big_integer(ModerationEnforcement::ToldVersion))
                    .to_owned(),
            )
            .await?;
        pupero_db::lease::create_table(manager, crate::LEASE_TABLE).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::lease::drop_table(manager, crate::LEASE_TABLE).await?;
        manager
            .drop_table(
                Table::drop()
                    .table(ModerationEnforcement::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
