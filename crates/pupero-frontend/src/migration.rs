use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(CreateWebSessions),
            Box::new(CreateWebUserLanguages),
        ]
    }

    fn migration_table_name() -> DynIden {
        "frontend_migrations".into_iden()
    }
}

#[derive(DeriveIden)]
enum WebSessions {
    Table,
    IdHash,
    UserId,
    Username,
    Role,
    AccessToken,
    AccessExpiresAtMs,
    RefreshToken,
    RememberMe,
    RefreshingUntilMs,
    ExpiresAtMs,
    CreatedAtMs,
}

#[derive(DeriveIden)]
enum WebLoginChallenges {
    Table,
    IdHash,
    MfaToken,
    RememberMe,
    Next,
    ExpiresAtMs,
}

struct CreateWebSessions;

impl MigrationName for CreateWebSessions {
    fn name(&self) -> &str {
        "m20261201_000001_web_sessions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateWebSessions {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebSessions::Table)
                    .if_not_exists()
                    .col(string_len(WebSessions::IdHash, 64).primary_key())
                    .col(big_integer(WebSessions::UserId))
                    .col(string_len(WebSessions::Username, 64))
                    .col(string_len(WebSessions::Role, 16))
                    .col(text(WebSessions::AccessToken))
                    .col(big_integer(WebSessions::AccessExpiresAtMs))
                    .col(text(WebSessions::RefreshToken))
                    .col(boolean(WebSessions::RememberMe))
                    .col(big_integer_null(WebSessions::RefreshingUntilMs))
                    .col(big_integer(WebSessions::ExpiresAtMs))
                    .col(big_integer(WebSessions::CreatedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_web_sessions_expires")
                    .table(WebSessions::Table)
                    .col(WebSessions::ExpiresAtMs)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_web_sessions_user")
                    .table(WebSessions::Table)
                    .col(WebSessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebLoginChallenges::Table)
                    .if_not_exists()
                    .col(string_len(WebLoginChallenges::IdHash, 64).primary_key())
                    .col(text(WebLoginChallenges::MfaToken))
                    .col(boolean(WebLoginChallenges::RememberMe))
                    .col(string_len(WebLoginChallenges::Next, 512))
                    .col(big_integer(WebLoginChallenges::ExpiresAtMs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(WebLoginChallenges::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(WebSessions::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum WebUserLanguages {
    Table,
    UserId,
    Lang,
    UpdatedAtMs,
}

struct CreateWebUserLanguages;

impl MigrationName for CreateWebUserLanguages {
    fn name(&self) -> &str {
        "m20261203_110001_web_user_languages"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateWebUserLanguages {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebUserLanguages::Table)
                    .if_not_exists()
                    .col(big_integer(WebUserLanguages::UserId).primary_key())
                    .col(string_len(WebUserLanguages::Lang, 8))
                    .col(big_integer(WebUserLanguages::UpdatedAtMs))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(WebUserLanguages::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
