//! The login service's schema. It keeps its own migration table so services can share one
//! database (as `pupero up` does) or each have their own.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateUsersAndRefreshTokens),
            Box::new(CreateAudit),
            Box::new(SecondFactorHardening),
            Box::new(SessionCutoff),
            Box::new(CreateMailSettingsAndEmailTokens),
            Box::new(ModerationRestrictions),
            Box::new(CreateStandingLeases),
            Box::new(AuditChain),
            Box::new(RestrictionVersions),
            Box::new(CreateApiKeys),
            Box::new(CreatePresence),
            Box::new(pupero_db::audit_chain::AddPendingTable {
                chain: pupero_db::audit_chain::Chain::LOGIN,
                name: "m20261203_400001_login_audit_pending",
            }),
        ]
    }

    fn migration_table_name() -> DynIden {
        "login_migrations".into_iden()
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    EmailNormalized,
    Username,
    UsernameNormalized,
    PasswordHash,
    Role,
    Disabled,
    TotpSecret,
    TotpPendingSecret,
    TotpLastStep,
    FailedLogins,
    LockedUntilMs,
    CreatedAtMs,
    UpdatedAtMs,
    DeletedAtMs,
    TokensValidAfterMs,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Jti,
    UserId,
    RememberMe,
    ExpiresAtMs,
    CreatedAtMs,
    UsedAtMs,
    RevokedAtMs,
}

struct CreateUsersAndRefreshTokens;

impl MigrationName for CreateUsersAndRefreshTokens {
    fn name(&self) -> &str {
        "m20261125_000001_users_and_refresh_tokens"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateUsersAndRefreshTokens {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Users::Id))
                    .col(string_len_null(Users::Email, 254))
                    // Normalised copies carry the case-insensitive uniqueness; they become
                    // NULL when an account is deleted so the name and address are free again.
                    .col(string_len_null(Users::EmailNormalized, 254).unique_key())
                    .col(string_len(Users::Username, 64))
                    .col(string_len_null(Users::UsernameNormalized, 32).unique_key())
                    .col(string_len(Users::PasswordHash, 255))
                    .col(string_len(Users::Role, 16).default("user"))
                    .col(boolean(Users::Disabled).default(false))
                    .col(string_len_null(Users::TotpSecret, 64))
                    .col(string_len_null(Users::TotpPendingSecret, 64))
                    .col(big_integer_null(Users::TotpLastStep))
                    .col(integer(Users::FailedLogins).default(0))
                    .col(big_integer_null(Users::LockedUntilMs))
                    .col(big_integer(Users::CreatedAtMs))
                    .col(big_integer(Users::UpdatedAtMs))
                    .col(big_integer_null(Users::DeletedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .if_not_exists()
                    .col(string_len(RefreshTokens::Jti, 64).primary_key())
                    .col(big_integer(RefreshTokens::UserId))
                    .col(boolean(RefreshTokens::RememberMe).default(false))
                    .col(big_integer(RefreshTokens::ExpiresAtMs))
                    .col(big_integer(RefreshTokens::CreatedAtMs))
                    .col(big_integer_null(RefreshTokens::UsedAtMs))
                    .col(big_integer_null(RefreshTokens::RevokedAtMs))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_refresh_tokens_user")
                            .from(RefreshTokens::Table, RefreshTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_refresh_tokens_user")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RefreshTokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum LoginAudit {
    Table,
    Id,
    ActorId,
    Action,
    Target,
    Details,
    CreatedAtMs,
}

/// Every admin action on accounts, appended in the same transaction as the action.
struct CreateAudit;

impl MigrationName for CreateAudit {
    fn name(&self) -> &str {
        "m20261125_000002_login_audit"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateAudit {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginAudit::Table)
                    .if_not_exists()
                    .col(big_pk_auto(LoginAudit::Id))
                    .col(big_integer(LoginAudit::ActorId))
                    .col(string_len(LoginAudit::Action, 64))
                    .col(string_len(LoginAudit::Target, 64))
                    .col(string_len(LoginAudit::Details, 500).default(""))
                    .col(big_integer(LoginAudit::CreatedAtMs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginAudit::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    UserId,
    Client,
    Failures,
    LockedUntilMs,
    UpdatedAtMs,
}

#[derive(DeriveIden)]
enum UsedMfaTokens {
    Table,
    Jti,
    ExpiresAtMs,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAtMs,
    CreatedAtMs,
}

/// Failures counted per account and client (so a stranger cannot lock the owner out),
/// spent two-factor challenges (each works once), recovery codes, and TOTP secret
/// columns wide enough for sealed values.
struct SecondFactorHardening;

impl MigrationName for SecondFactorHardening {
    fn name(&self) -> &str {
        "m20261201_000003_second_factor_hardening"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for SecondFactorHardening {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .if_not_exists()
                    .col(big_integer(LoginFailures::UserId))
                    .col(string_len(LoginFailures::Client, 64))
                    .col(integer(LoginFailures::Failures).default(0))
                    .col(big_integer_null(LoginFailures::LockedUntilMs))
                    .col(big_integer(LoginFailures::UpdatedAtMs))
                    .primary_key(
                        Index::create()
                            .col(LoginFailures::UserId)
                            .col(LoginFailures::Client),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_login_failures_user")
                            .from(LoginFailures::Table, LoginFailures::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UsedMfaTokens::Table)
                    .if_not_exists()
                    .col(string_len(UsedMfaTokens::Jti, 64).primary_key())
                    .col(big_integer(UsedMfaTokens::ExpiresAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .if_not_exists()
                    .col(big_pk_auto(RecoveryCodes::Id))
                    .col(big_integer(RecoveryCodes::UserId))
                    .col(string_len(RecoveryCodes::CodeHash, 64))
                    .col(big_integer_null(RecoveryCodes::UsedAtMs))
                    .col(big_integer(RecoveryCodes::CreatedAtMs))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_recovery_codes_user")
                            .from(RecoveryCodes::Table, RecoveryCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_recovery_codes_user_hash")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::UserId)
                    .col(RecoveryCodes::CodeHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // SQLite does not enforce VARCHAR lengths (and cannot alter a column); the others
        // need room for `v1:` + base64 of nonce, secret and tag.
        if manager.get_database_backend() != sea_orm::DatabaseBackend::Sqlite {
            for column in [Users::TotpSecret, Users::TotpPendingSecret] {
                manager
                    .alter_table(
                        Table::alter()
                            .table(Users::Table)
                            .modify_column(string_len_null(column, 255))
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RecoveryCodes::Table.into_iden(),
            UsedMfaTokens::Table.into_iden(),
            LoginFailures::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

/// When an account's sessions were last all ended (password change, sign-out everywhere,
/// an admin's force-logout or disable): access tokens issued before it may not write.
/// Nullable, so existing rows need no value.
struct SessionCutoff;

impl MigrationName for SessionCutoff {
    fn name(&self) -> &str {
        "m20261202_000004_session_cutoff"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for SessionCutoff {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(big_integer_null(Users::TokensValidAfterMs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::TokensValidAfterMs)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum MailSettings {
    Table,
    UserId,
    VerifiedEmail,
    VerifiedAtMs,
    AntiPhishingPhrase,
    EmailEvents,
    UpdatedAtMs,
}

#[derive(DeriveIden)]
enum EmailTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    Email,
    CreatedAtMs,
    ExpiresAtMs,
    UsedAtMs,
}

/// What mail an account gets and how it recognises ours (the verified address, the
/// anti-phishing phrase, per-event choices), and the single-use links mailed for a
/// password reset or an address verification, kept only as their SHA-256.
struct CreateMailSettingsAndEmailTokens;

impl MigrationName for CreateMailSettingsAndEmailTokens {
    fn name(&self) -> &str {
        "m20261202_000020_mail_settings_and_email_tokens"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateMailSettingsAndEmailTokens {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailSettings::Table)
                    .if_not_exists()
                    // The user's id itself.
                    .col(big_integer(MailSettings::UserId).primary_key())
                    // The normalized address that was verified; the account's current
                    // address is verified only while it equals this.
                    .col(string_len_null(MailSettings::VerifiedEmail, 254))
                    .col(big_integer_null(MailSettings::VerifiedAtMs))
                    .col(string_len_null(MailSettings::AntiPhishingPhrase, 64))
                    // Comma-separated notification kinds to mail; NULL: the defaults.
                    .col(string_len_null(MailSettings::EmailEvents, 400))
                    .col(big_integer(MailSettings::UpdatedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailTokens::Table)
                    .if_not_exists()
                    .col(big_pk_auto(EmailTokens::Id))
                    .col(big_integer(EmailTokens::UserId))
                    .col(string_len(EmailTokens::Purpose, 16))
                    .col(string_len_uniq(EmailTokens::TokenHash, 64))
                    .col(string_len(EmailTokens::Email, 254))
                    .col(big_integer(EmailTokens::CreatedAtMs))
                    .col(big_integer(EmailTokens::ExpiresAtMs))
                    .col(big_integer_null(EmailTokens::UsedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_email_tokens_user")
                    .table(EmailTokens::Table)
                    .col(EmailTokens::UserId)
                    .col(EmailTokens::Purpose)
                    .col(EmailTokens::CreatedAtMs)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EmailTokens::Table.into_iden(),
            MailSettings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum LoginRestrictions {
    Table,
    SanctionId,
    UserId,
    Kind,
    Reason,
    ExpiresAtMs,
}

/// The sanctions in force on accounts, as the moderation service reports them: sign-in
/// and every service's standing check read them here (issue 14).
struct ModerationRestrictions;

impl MigrationName for ModerationRestrictions {
    fn name(&self) -> &str {
        "m20261202_000021_moderation_restrictions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for ModerationRestrictions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginRestrictions::Table)
                    .if_not_exists()
                    .col(big_integer(LoginRestrictions::SanctionId).primary_key())
                    .col(big_integer(LoginRestrictions::UserId))
                    .col(string_len(LoginRestrictions::Kind, 32))
                    .col(string_len(LoginRestrictions::Reason, 500))
                    .col(big_integer_null(LoginRestrictions::ExpiresAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_login_restrictions_user")
                    .table(LoginRestrictions::Table)
                    .col(LoginRestrictions::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginRestrictions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum StandingLeases {
    Table,
    UserId,
    UntilMs,
}

/// Until when other services may keep an account's standing without asking again (one row
/// per account they asked about); a change to the standing waits until then before it is
/// answered. See `standing_leases.rs`.
struct CreateStandingLeases;

impl MigrationName for CreateStandingLeases {
    fn name(&self) -> &str {
        "m20261202_000022_standing_leases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateStandingLeases {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StandingLeases::Table)
                    .if_not_exists()
                    .col(big_integer(StandingLeases::UserId).primary_key())
                    .col(big_integer(StandingLeases::UntilMs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(StandingLeases::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}

/// The account actions' audit lines move onto the hash-chained audit log
/// (`pupero_db::audit_chain`); `login_audit` goes away.
struct AuditChain;

impl MigrationName for AuditChain {
    fn name(&self) -> &str {
        "m20261202_000023_login_audit_chain"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for AuditChain {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let chain = pupero_db::audit_chain::Chain::LOGIN;
        pupero_db::audit_chain::create_tables(manager, chain).await?;
        pupero_db::audit_chain::carry_over(manager, chain, "login_audit").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::audit_chain::drop_tables(manager, pupero_db::audit_chain::Chain::LOGIN).await?;
        CreateAudit.up(manager).await
    }
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    UserId,
    Prefix,
    Name,
    Scopes,
    AllowedIps,
    KeyHash,
    SigningSecret,
    ExpiresAtMs,
    CreatedAtMs,
    LastUsedAtMs,
    RevokedAtMs,
}

#[derive(DeriveIden)]
enum ApiKeyNonces {
    Table,
    KeyId,
    Nonce,
    ExpiresAtMs,
}

/// Personal API keys for bots (issue 15): the key kept as its SHA-256, the signing secret
/// sealed (docs/SECURITY.md, "API keys"), and the nonces of signed calls, kept until their
/// timestamp leaves the accepted window so a replay is refused on every replica.
struct CreateApiKeys;

impl MigrationName for CreateApiKeys {
    fn name(&self) -> &str {
        "m20261203_300001_api_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateApiKeys {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ApiKeys::Id))
                    .col(big_integer(ApiKeys::UserId))
                    // `pup_<12 hex>`: the public part, looked up on every use.
                    .col(string_len_uniq(ApiKeys::Prefix, 32))
                    .col(string_len_null(ApiKeys::Name, 64))
                    // Comma-separated scopes.
                    .col(string_len(ApiKeys::Scopes, 40))
                    // Comma-separated CIDR ranges; NULL: any address.
                    .col(string_len_null(ApiKeys::AllowedIps, 2000))
                    .col(string_len(ApiKeys::KeyHash, 64))
                    .col(string_len(ApiKeys::SigningSecret, 255))
                    .col(big_integer_null(ApiKeys::ExpiresAtMs))
                    .col(big_integer(ApiKeys::CreatedAtMs))
                    .col(big_integer_null(ApiKeys::LastUsedAtMs))
                    .col(big_integer_null(ApiKeys::RevokedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_api_keys_user")
                    .table(ApiKeys::Table)
                    .col(ApiKeys::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeyNonces::Table)
                    .if_not_exists()
                    .col(big_integer(ApiKeyNonces::KeyId))
                    .col(string_len(ApiKeyNonces::Nonce, 64))
                    .col(big_integer(ApiKeyNonces::ExpiresAtMs))
                    .primary_key(
                        Index::create()
                            .col(ApiKeyNonces::KeyId)
                            .col(ApiKeyNonces::Nonce),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_api_key_nonces_expiry")
                    .table(ApiKeyNonces::Table)
                    .col(ApiKeyNonces::KeyId)
                    .col(ApiKeyNonces::ExpiresAtMs)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [ApiKeyNonces::Table.into_iden(), ApiKeys::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The newest version of each account's restrictions moderation told, so an older telling
/// arriving late is ignored (`pupero_db::told_versions`).
struct RestrictionVersions;

impl MigrationName for RestrictionVersions {
    fn name(&self) -> &str {
        "m20261203_050001_login_restriction_versions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for RestrictionVersions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::told_versions::create_table(manager, crate::RESTRICTION_VERSIONS).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        pupero_db::told_versions::drop_table(manager, crate::RESTRICTION_VERSIONS).await
    }
}

#[derive(DeriveIden)]
enum LoginPresence {
    Table,
    UserId,
    SeenAtMs,
    ToldSeenMs,
}

/// When each account was last seen (signing in or renewing a session, to the hour) and the
/// last of it the offers service took, which shows it beside the account's offers (issue
/// 15). Existing accounts start as seen when they were created, and untold.
struct CreatePresence;

impl MigrationName for CreatePresence {
    fn name(&self) -> &str {
        "m20261203_310001_login_presence"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreatePresence {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginPresence::Table)
                    .if_not_exists()
                    .col(big_integer(LoginPresence::UserId).primary_key())
                    .col(big_integer(LoginPresence::SeenAtMs))
                    .col(big_integer(LoginPresence::ToldSeenMs))
                    .to_owned(),
            )
            .await?;
        let accounts = Query::select()
            .expr(Expr::col(Users::Id))
            .expr(Expr::col(Users::CreatedAtMs))
            .expr(Expr::val(0i64))
            .from(Users::Table)
            .and_where(Expr::col(Users::DeletedAtMs).is_null())
            .to_owned();
        let backfill = Query::insert()
            .into_table(LoginPresence::Table)
            .columns([
                LoginPresence::UserId,
                LoginPresence::SeenAtMs,
                LoginPresence::ToldSeenMs,
            ])
            .select_from(accounts)
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        manager.get_connection().execute(&backfill).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginPresence::Table).to_owned())
            .await
    }
}
