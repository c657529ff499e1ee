//! Every service's schema, in dependency order: one table for the binary (`pupero migrate`,
//! `pupero up`) and the tests (the up → down → up round trip).

use anyhow::Context;
use futures::future::BoxFuture;
use sea_orm::{DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

/// One service's migrator, its steps reachable without naming its type. Each keeps its own
/// migration table, so services can share one database or each have their own.
pub struct ServiceMigrator {
    pub service: &'static str,
    pub up: for<'a> fn(&'a DatabaseConnection) -> BoxFuture<'a, Result<(), DbErr>>,
    pub down: for<'a> fn(&'a DatabaseConnection) -> BoxFuture<'a, Result<(), DbErr>>,
    /// How many of its migrations the database has not recorded, never writing to it (a
    /// missing migration table counts every migration as pending).
    pub pending: for<'a> fn(&'a DatabaseConnection) -> BoxFuture<'a, Result<usize, DbErr>>,
    /// The table that records which of its migrations a database has applied.
    pub table: fn() -> String,
    /// Every migration this binary knows for the service, in order.
    pub names: fn() -> Vec<String>,
}

impl ServiceMigrator {
    const fn of<M: MigratorTrait + 'static>(service: &'static str) -> Self {
        Self {
            service,
            up: up::<M>,
            down: down::<M>,
            pending: pending::<M>,
            table: table::<M>,
            names: names::<M>,
        }
    }
}

fn up<M: MigratorTrait + 'static>(db: &DatabaseConnection) -> BoxFuture<'_, Result<(), DbErr>> {
    Box::pin(M::up(db, None))
}

fn down<M: MigratorTrait + 'static>(db: &DatabaseConnection) -> BoxFuture<'_, Result<(), DbErr>> {
    Box::pin(M::down(db, None))
}

fn pending<M: MigratorTrait + 'static>(
    db: &DatabaseConnection,
) -> BoxFuture<'_, Result<usize, DbErr>> {
    Box::pin(async move { Ok(M::get_pending_migrations_read_only(db).await?.len()) })
}

fn table<M: MigratorTrait + 'static>() -> String {
    M::migration_table_name().to_string()
}

fn names<M: MigratorTrait + 'static>() -> Vec<String> {
    M::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// Applied first to last, rolled back last to first: a later service's tables may refer to
/// an earlier one's.
pub const MIGRATORS: [ServiceMigrator; 6] = [
    ServiceMigrator::of::<pupero_login::Migrator>("login"),
    ServiceMigrator::of::<pupero_offers::Migrator>("offers"),
    ServiceMigrator::of::<pupero_transactions::Migrator>("transactions"),
    ServiceMigrator::of::<pupero_wallet::Migrator>("wallet"),
    ServiceMigrator::of::<pupero_frontend::Migrator>("frontend"),
    ServiceMigrator::of::<pupero_moderation::Migrator>("moderation"),
];

/// Applies every service's pending migrations.
pub async fn migrate_all(db: &DatabaseConnection) -> anyhow::Result<()> {
    for m in &MIGRATORS {
        (m.up)(db)
            .await
            .with_context(|| format!("{} migrations failed", m.service))?;
    }
    Ok(())
}

/// Rolls every service's migrations back, in reverse order.
pub async fn rollback_all(db: &DatabaseConnection) -> anyhow::Result<()> {
    for m in MIGRATORS.iter().rev() {
        (m.down)(db)
            .await
            .with_context(|| format!("rolling back {} migrations failed", m.service))?;
    }
    Ok(())
}

/// Refuses a database whose schema is missing or older than this binary, without changing
/// it: for the read-only operator checks, which must not migrate a database behind the
/// operator's back.
pub async fn require_current(db: &DatabaseConnection) -> anyhow::Result<()> {
    for m in &MIGRATORS {
        let pending = (m.pending)(db)
            .await
            .with_context(|| format!("cannot read the {} migration table", m.service))?;
        if pending > 0 {
            anyhow::bail!(
                "the database schema is missing or older than this binary ({} has {pending} \
                 migration(s) not applied); run `pupero migrate` first",
                m.service
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::MIGRATORS;

    /// A database lists its applied migrations by name (the backup manifest reads them in
    /// that order and a restore compares them with this binary's list), so each service's
    /// migrations must be named in the order they run: two branches each appending one can
    /// otherwise leave a later migration with an earlier name.
    #[test]
    fn every_service_names_its_migrations_in_the_order_they_run() {
        for m in &MIGRATORS {
            let names = (m.names)();
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(names, sorted, "{} migrations", m.service);
            sorted.dedup();
            assert_eq!(
                names.len(),
                sorted.len(),
                "{}: a name used twice",
                m.service
            );
        }
    }
}
