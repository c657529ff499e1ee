//! A chain's three tables, created by the owning service's migration.

use sea_orm::DbErr;
use sea_orm::sea_query::{Alias, Index, Query, Table};
use sea_orm_migration::SchemaManager;
use sea_orm_migration::schema::{big_integer, big_integer_null, big_pk_auto, string_len};

use super::{ACTION_MAX, Chain, DETAILS_MAX, GENESIS_HASH, TARGET_MAX};

fn len(max: usize) -> u32 {
    u32::try_from(max).unwrap_or(u32::MAX)
}

/// Creates the chain's records, head (with its one row: sequence 0, the genesis hash),
/// checkpoints and pending tables.
pub async fn create_tables(m: &SchemaManager<'_>, chain: Chain) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(chain.records())
            .if_not_exists()
            .col(big_pk_auto(Alias::new("id")))
            .col(big_integer(Alias::new("seq")).unique_key())
            .col(big_integer(Alias::new("at_ms")))
            .col(big_integer_null(Alias::new("actor_id")))
            .col(string_len(Alias::new("action"), len(ACTION_MAX)))
            .col(string_len(Alias::new("target"), len(TARGET_MAX)))
            .col(string_len(Alias::new("details"), len(DETAILS_MAX)))
            .col(string_len(Alias::new("prev_hash"), 64))
            .col(string_len(Alias::new("hash"), 64))
            .to_owned(),
    )
    .await?;
    m.create_index(
        Index::create()
            .name(format!("idx_{}_audit_records_target", chain.name()))
            .table(chain.records())
            .col(Alias::new("target"))
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table(chain.head())
            .if_not_exists()
            .col(big_integer(Alias::new("id")).primary_key())
            .col(big_integer(Alias::new("seq")))
            .col(string_len(Alias::new("hash"), 64))
            .to_owned(),
    )
    .await?;
    m.exec_stmt(
        Query::insert()
            .into_table(chain.head())
            .columns(["id", "seq", "hash"].map(Alias::new))
            .values_panic([1i64.into(), 0i64.into(), GENESIS_HASH.into()])
            .to_owned(),
    )
    .await?;
    m.create_table(
        Table::create()
            .table(chain.checkpoints())
            .if_not_exists()
            .col(big_pk_auto(Alias::new("id")))
            .col(big_integer(Alias::new("seq")))
            .col(string_len(Alias::new("hash"), 64))
            .col(big_integer(Alias::new("at_ms")))
            .col(string_len(Alias::new("public_key"), 64))
            .col(string_len(Alias::new("signature"), 128))
            .to_owned(),
    )
    .await?;
    create_pending_table(m, chain).await
}

/// Creates the chain's queue of records written and not yet chained (see
/// [`super::enqueue`]).
pub async fn create_pending_table(m: &SchemaManager<'_>, chain: Chain) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(chain.pending())
            .if_not_exists()
            .col(big_pk_auto(Alias::new("id")))
            .col(big_integer(Alias::new("at_ms")))
            .col(big_integer_null(Alias::new("actor_id")))
            .col(string_len(Alias::new("action"), len(ACTION_MAX)))
            .col(string_len(Alias::new("target"), len(TARGET_MAX)))
            .col(string_len(Alias::new("details"), len(DETAILS_MAX)))
            .to_owned(),
    )
    .await
}

pub async fn drop_tables(m: &SchemaManager<'_>, chain: Chain) -> Result<(), DbErr> {
    for table in [
        chain.pending(),
        chain.checkpoints(),
        chain.head(),
        chain.records(),
    ] {
        m.drop_table(Table::drop().table(table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}

/// Moves the lines of a service's earlier, unchained audit table (`actor_id`, `action`,
/// `target`, `details`, `created_at_ms`) onto the chain in their order, then drops that
/// table: after this migration there is one audit log, and all of it is chained.
pub async fn carry_over(
    m: &SchemaManager<'_>,
    chain: Chain,
    old_table: &str,
) -> Result<u64, DbErr> {
    let db = m.get_connection();
    let select = Query::select()
        .columns(["actor_id", "action", "target", "details", "created_at_ms"].map(Alias::new))
        .from(Alias::new(old_table))
        .order_by(Alias::new("id"), sea_orm::sea_query::Order::Asc)
        .to_owned();
    let rows = sea_orm::ConnectionTrait::query_all(db, &select).await?;
    let mut moved = 0;
    for row in &rows {
        let record = super::NewRecord {
            actor_id: Some(row.try_get("", "actor_id")?),
            action: row.try_get("", "action")?,
            target: row.try_get("", "target")?,
            details: row.try_get("", "details")?,
        };
        super::append_at(db, chain, record, row.try_get("", "created_at_ms")?).await?;
        moved += 1;
    }
    m.drop_table(Table::drop().table(Alias::new(old_table)).to_owned())
        .await?;
    Ok(moved)
}

/// The migration that gives an existing chain its pending table (chains created before it
/// had none); each service lists it with its own name.
pub struct AddPendingTable {
    pub chain: Chain,
    pub name: &'static str,
}

impl sea_orm_migration::MigrationName for AddPendingTable {
    fn name(&self) -> &str {
        self.name
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for AddPendingTable {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_pending_table(m, self.chain).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(self.chain.pending())
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
