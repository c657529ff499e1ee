//! The tamper-evident audit log: every staff action and every money movement, appended to
//! a hash chain in the same database transaction as the action itself.
//!
//! Each service keeps its own chain in three tables named after it (`<chain>_audit_records`,
//! `<chain>_audit_head`, `<chain>_audit_checkpoints`). Record `n` stores the SHA-256 of
//! its canonical encoding (see [`encoding`]), which includes record `n-1`'s hash, so
//! changing, removing, inserting or reordering a record breaks every link after it. The
//! one-row head table holds the last sequence number and hash: an append first updates that
//! row, which takes its row lock on MariaDB and PostgreSQL (SQLite writes one transaction at
//! a time anyway), so two appends never read the same head and the chain never forks. The
//! lock is held until the action's transaction ends.
//!
//! A service whose actions come faster than one transaction at a time can hold the head
//! (the transactions service: every ledger movement) writes its records with [`enqueue`]
//! instead: the record goes, in the action's transaction, into `<chain>_audit_pending`,
//! which takes no shared lock, and [`sequence`] later chains what has committed, oldest
//! first, many records per transaction. Appending under the head's lock made every money
//! movement on MariaDB and PostgreSQL wait for the one before it to commit (docs/
//! BENCHMARKS.md, 2026-12-03: 80 % of the database's time in a trade run was that wait).
//! The record is still written with the action or not at all; what waits is its place in
//! the chain, and [`checkpoint`] and [`verify`] chain or count what is pending first.
//!
//! An unkeyed chain alone proves nothing against someone who can rewrite the whole table:
//! [`checkpoint`] therefore signs the head with the server's Ed25519 key every few minutes,
//! and [`verify`] checks the chain against those signatures (docs/SECURITY.md says what
//! that does and does not prove).

pub mod encoding;
mod schema;
mod verify;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult};

pub use encoding::GENESIS_HASH;
pub use schema::{AddPendingTable, carry_over, create_pending_table, create_tables, drop_tables};
pub use verify::{ChainReport, verify};

use crate::signing::SigningKey;
use encoding::RecordFields;

/// Longest stored `action`, `target` and `details` (longer text is cut before hashing).
pub const ACTION_MAX: usize = 64;
pub const TARGET_MAX: usize = 128;
pub const DETAILS_MAX: usize = 2000;

/// One service's chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chain {
    name: &'static str,
}

/// Every chain the platform keeps, for `pupero admin audit-verify`.
pub const CHAINS: [Chain; 3] = [Chain::LOGIN, Chain::TRANSACTIONS, Chain::MODERATION];

impl Chain {
    /// Account administration (roles, disabling, forced logouts).
    pub const LOGIN: Chain = Chain::new("login");
    /// Every ledger movement, and the staff actions that cause one (adjustments,
    /// transfers, dispute resolutions).
    pub const TRANSACTIONS: Chain = Chain::new("transactions");
    /// The moderation service's staff actions (cases claimed and decided, sanctions imposed
    /// and lifted, appeals decided, offers removed).
    pub const MODERATION: Chain = Chain::new("moderation");

    pub const fn new(name: &'static str) -> Self {
        Self { name }
    }

    pub fn name(self) -> &'static str {
        self.name
    }

    fn records(self) -> Alias {
        Alias::new(format!("{}_audit_records", self.name))
    }

    fn head(self) -> Alias {
        Alias::new(format!("{}_audit_head", self.name))
    }

    fn checkpoints(self) -> Alias {
        Alias::new(format!("{}_audit_checkpoints", self.name))
    }

    fn pending(self) -> Alias {
        Alias::new(format!("{}_audit_pending", self.name))
    }
}

/// What happened, as the caller describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecord {
    /// Who acted; `None` for the platform itself (a deposit credited, a trade expired).
    pub actor_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub details: String,
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: i64,
    pub seq: i64,
    pub at_ms: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A signed statement that the chain's record `seq` had hash `hash` at `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub id: i64,
    pub seq: i64,
    pub hash: String,
    pub at_ms: i64,
    pub public_key: String,
    pub signature: String,
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Takes the chain's lock without appending (a sequencer, before it reads the queue).
async fn lock(db: &impl ConnectionTrait, chain: Chain) -> Result<(), DbErr> {
    let update = Query::update()
        .table(chain.head())
        .value(Alias::new("seq"), Expr::col(Alias::new("seq")))
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// Appends `record` now, in the caller's transaction.
pub async fn append(
    db: &impl ConnectionTrait,
    chain: Chain,
    record: NewRecord,
) -> Result<Record, DbErr> {
    append_at(db, chain, record, crate::now_ms()).await
}

/// Appends `record` with the given time (a migration carrying over older audit lines).
pub async fn append_at(
    db: &impl ConnectionTrait,
    chain: Chain,
    record: NewRecord,
    at_ms: i64,
) -> Result<Record, DbErr> {
    let mut chained = chain_on(db, chain, vec![(record, at_ms)]).await?;
    chained
        .pop()
        .ok_or_else(|| DbErr::Custom("an append chained nothing".into()))
}

/// Links `records` onto the chain's head in their order: takes the head's lock, inserts
/// them and moves the head, in the caller's transaction.
async fn chain_on(
    db: &impl ConnectionTrait,
    chain: Chain,
    records: Vec<(NewRecord, i64)>,
) -> Result<Vec<Record>, DbErr> {
    // The increment comes first: it takes the head's row lock and, on MariaDB's repeatable
    // read too, makes the read below see the latest committed head (a transaction sees
    // the row versions it wrote itself).
    let count = i64::try_from(records.len()).unwrap_or(i64::MAX);
    let bump = Query::update()
        .table(chain.head())
        .value(
            Alias::new("seq"),
            Expr::col(Alias::new("seq")).add(Expr::val(count)),
        )
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    if db.execute(&bump).await?.rows_affected() != 1 {
        return Err(DbErr::RecordNotFound(format!(
            "the {} audit chain has no head row (migrations not applied?)",
            chain.name
        )));
    }
    let (last_seq, mut prev_hash) = head(db, chain).await?;
    let mut chained = Vec::with_capacity(records.len());
    for (seq, (record, at_ms)) in (last_seq - count + 1..).zip(records) {
        let action = cut(&record.action, ACTION_MAX);
        let target = cut(&record.target, TARGET_MAX);
        let details = cut(&record.details, DETAILS_MAX);
        let hash = encoding::record_hash(&RecordFields {
            chain: chain.name,
            seq,
            at_ms,
            actor_id: record.actor_id,
            action: &action,
            target: &target,
            details: &details,
            prev_hash: &prev_hash,
        });
        chained.push(Record {
            id: 0,
            seq,
            at_ms,
            actor_id: record.actor_id,
            action,
            target,
            details,
            prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
        });
    }
    for rows in chained.chunks(INSERT_ROWS) {
        let mut insert = Query::insert();
        insert
            .into_table(chain.records())
            // Every column but the id, which the database assigns.
            .columns(RECORD_COLUMNS.iter().skip(1).map(|c| Alias::new(*c)));
        for r in rows {
            insert.values_panic([
                r.seq.into(),
                r.at_ms.into(),
                r.actor_id.into(),
                r.action.clone().into(),
                r.target.clone().into(),
                r.details.clone().into(),
                r.prev_hash.clone().into(),
                r.hash.clone().into(),
            ]);
        }
        db.execute(&insert).await?;
    }
    let set_hash = Query::update()
        .table(chain.head())
        .value(Alias::new("hash"), prev_hash)
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    db.execute(&set_hash).await?;
    Ok(chained)
}

/// Rows per INSERT when chaining a batch (8 parameters each, far below every backend's
/// limit).
const INSERT_ROWS: usize = 200;

/// Writes `record` to be chained later by [`sequence`], in the caller's transaction: it
/// commits or rolls back with the action, and takes no lock another action waits for.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    chain: Chain,
    record: NewRecord,
) -> Result<(), DbErr> {
    let insert = Query::insert()
        .into_table(chain.pending())
        .columns(PENDING_COLUMNS.iter().skip(1).map(|c| Alias::new(*c)))
        .values_panic([
            crate::now_ms().into(),
            record.actor_id.into(),
            cut(&record.action, ACTION_MAX).into(),
            cut(&record.target, TARGET_MAX).into(),
            cut(&record.details, DETAILS_MAX).into(),
        ])
        .to_owned();
    db.execute(&insert).await?;
    Ok(())
}

const PENDING_COLUMNS: [&str; 6] = ["id", "at_ms", "actor_id", "action", "target", "details"];

/// Chains up to `limit` committed pending records, oldest first, in the caller's write
/// transaction; returns how many. Two sequencers (replicas) queue on the head's lock, and
/// a record another one chained meanwhile fails this transaction rather than being chained
/// twice: roll back and run again.
pub async fn sequence_in(
    db: &impl ConnectionTrait,
    chain: Chain,
    limit: u64,
) -> Result<u64, DbErr> {
    // The head's lock before the read: what another sequencer chained and committed while
    // this one waited is gone from the queue by the time it is read.
    lock(db, chain).await?;
    let select = Query::select()
        .columns(PENDING_COLUMNS.map(Alias::new))
        .from(chain.pending())
        .order_by(Alias::new("id"), Order::Asc)
        .limit(limit)
        .to_owned();
    let rows = db.query_all(&select).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut ids = Vec::with_capacity(rows.len());
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        ids.push(row.try_get::<i64>("", "id")?);
        records.push((
            NewRecord {
                actor_id: row.try_get("", "actor_id")?,
                action: row.try_get("", "action")?,
                target: row.try_get("", "target")?,
                details: row.try_get("", "details")?,
            },
            row.try_get("", "at_ms")?,
        ));
    }
    let delete = Query::delete()
        .from_table(chain.pending())
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()))
        .to_owned();
    let taken = db.execute(&delete).await?.rows_affected();
    if taken != ids.len() as u64 {
        return Err(DbErr::Custom(format!(
            "{} of {} pending {} audit records were chained by another sequencer meanwhile",
            ids.len() as u64 - taken,
            ids.len(),
            chain.name
        )));
    }
    let chained = chain_on(db, chain, records).await?;
    Ok(chained.len() as u64)
}

/// [`sequence_in`] in a transaction of its own, until nothing committed is pending;
/// returns how many records it chained.
pub async fn sequence(db: &DatabaseConnection, chain: Chain) -> Result<u64, DbErr> {
    let mut total = 0;
    loop {
        let tx = crate::write_tx(db).await?;
        let n = sequence_in(&tx, chain, SEQUENCE_BATCH).await?;
        tx.commit().await?;
        total += n;
        if n < SEQUENCE_BATCH {
            return Ok(total);
        }
    }
}

/// Records chained per transaction by [`sequence`].
pub const SEQUENCE_BATCH: u64 = 1_000;

/// Whether any committed record waits to be chained (one row read at most).
pub async fn has_pending(db: &impl ConnectionTrait, chain: Chain) -> Result<bool, DbErr> {
    let select = Query::select()
        .column(Alias::new("id"))
        .from(chain.pending())
        .limit(1)
        .to_owned();
    Ok(db.query_one(&select).await?.is_some())
}

/// How many records are written and not yet chained, and when the oldest was written.
pub async fn pending(db: &impl ConnectionTrait, chain: Chain) -> Result<(u64, Option<i64>), DbErr> {
    let select = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .expr(Expr::cust("MIN(at_ms)"))
        .from(chain.pending())
        .to_owned();
    match db.query_one(&select).await? {
        Some(row) => Ok((
            u64::try_from(row.try_get_by_index::<i64>(0)?).unwrap_or(0),
            row.try_get_by_index::<Option<i64>>(1)?,
        )),
        None => Ok((0, None)),
    }
}

/// The chain's last sequence number and hash (0 and [`GENESIS_HASH`] when empty).
pub async fn head(db: &impl ConnectionTrait, chain: Chain) -> Result<(i64, String), DbErr> {
    let select = Query::select()
        .columns(["seq", "hash"].map(Alias::new))
        .from(chain.head())
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    let row = db.query_one(&select).await?.ok_or_else(|| {
        DbErr::RecordNotFound(format!("the {} audit chain has no head row", chain.name))
    })?;
    Ok((row.try_get("", "seq")?, row.try_get("", "hash")?))
}

fn record_of(row: &QueryResult) -> Result<Record, DbErr> {
    Ok(Record {
        id: row.try_get("", "id")?,
        seq: row.try_get("", "seq")?,
        at_ms: row.try_get("", "at_ms")?,
        actor_id: row.try_get("", "actor_id")?,
        action: row.try_get("", "action")?,
        target: row.try_get("", "target")?,
        details: row.try_get("", "details")?,
        prev_hash: row.try_get("", "prev_hash")?,
        hash: row.try_get("", "hash")?,
    })
}

const RECORD_COLUMNS: [&str; 9] = [
    "id",
    "seq",
    "at_ms",
    "actor_id",
    "action",
    "target",
    "details",
    "prev_hash",
    "hash",
];

/// Newest first, and how many records the chain holds.
pub async fn page(
    db: &impl ConnectionTrait,
    chain: Chain,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Record>, u64), DbErr> {
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(chain.records())
        .to_owned();
    let total: i64 = match db.query_one(&count).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    let select = Query::select()
        .columns(RECORD_COLUMNS.map(Alias::new))
        .from(chain.records())
        .order_by(Alias::new("seq"), Order::Desc)
        .limit(limit)
        .offset(offset)
        .to_owned();
    let rows = db.query_all(&select).await?;
    let records = rows.iter().map(record_of).collect::<Result<_, _>>()?;
    Ok((records, u64::try_from(total).unwrap_or(0)))
}

/// Records in id order after id `after`, for the verifier.
async fn records_after(
    db: &impl ConnectionTrait,
    chain: Chain,
    after: i64,
    limit: u64,
) -> Result<Vec<Record>, DbErr> {
    let select = Query::select()
        .columns(RECORD_COLUMNS.map(Alias::new))
        .from(chain.records())
        .and_where(Expr::col(Alias::new("id")).gt(after))
        .order_by(Alias::new("id"), Order::Asc)
        .limit(limit)
        .to_owned();
    db.query_all(&select).await?.iter().map(record_of).collect()
}

/// Every checkpoint, oldest first.
pub async fn checkpoints(
    db: &impl ConnectionTrait,
    chain: Chain,
) -> Result<Vec<Checkpoint>, DbErr> {
    let select = Query::select()
        .columns(["id", "seq", "hash", "at_ms", "public_key", "signature"].map(Alias::new))
        .from(chain.checkpoints())
        .order_by(Alias::new("id"), Order::Asc)
        .to_owned();
    db.query_all(&select)
        .await?
        .iter()
        .map(|row| {
            Ok(Checkpoint {
                id: row.try_get("", "id")?,
                seq: row.try_get("", "seq")?,
                hash: row.try_get("", "hash")?,
                at_ms: row.try_get("", "at_ms")?,
                public_key: row.try_get("", "public_key")?,
                signature: row.try_get("", "signature")?,
            })
        })
        .collect()
}

/// The sequence number the newest checkpoint signed (0 without one): one row read, however
/// many checkpoints the chain has gathered.
async fn last_checkpoint_seq(db: &impl ConnectionTrait, chain: Chain) -> Result<i64, DbErr> {
    let select = Query::select()
        .expr(Expr::cust("MAX(seq)"))
        .from(chain.checkpoints())
        .to_owned();
    match db.query_one(&select).await? {
        Some(row) => Ok(row.try_get_by_index::<Option<i64>>(0)?.unwrap_or(0)),
        None => Ok(0),
    }
}

/// Chains what is pending, then signs the chain's head, unless the last checkpoint already
/// covers it; returns the new checkpoint's sequence number. The head is read as committed:
/// its record is committed with it.
pub async fn checkpoint(
    db: &DatabaseConnection,
    chain: Chain,
    key: &SigningKey,
) -> Result<Option<i64>, DbErr> {
    sequence(db, chain).await?;
    let (seq, hash) = head(db, chain).await?;
    let last = last_checkpoint_seq(db, chain).await?;
    if seq == 0 || seq <= last {
        return Ok(None);
    }
    let at_ms = crate::now_ms();
    let signature = key.sign_hex(&encoding::checkpoint_bytes(chain.name, seq, &hash, at_ms));
    let insert = Query::insert()
        .into_table(chain.checkpoints())
        .columns(["seq", "hash", "at_ms", "public_key", "signature"].map(Alias::new))
        .values_panic([
            seq.into(),
            hash.into(),
            at_ms.into(),
            key.public_key().to_string().into(),
            signature.into(),
        ])
        .to_owned();
    db.execute(&insert).await?;
    Ok(Some(seq))
}
