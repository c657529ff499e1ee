//! Walks a chain from its first record and names the first thing that is not as appended.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;

use super::encoding::{self, RecordFields};
use super::{Chain, GENESIS_HASH, checkpoints, head, records_after};
use crate::signing::PublicKey;

/// What [`verify`] found for one chain.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub chain: &'static str,
    pub records: u64,
    pub checkpoints: u64,
    /// The last record a valid signature vouches for (0: none).
    pub signed_through: i64,
    /// Records written with their action and not yet chained (see `enqueue`): nothing
    /// vouches for them until they are.
    pub pending: u64,
    /// When the oldest of them was written (ms since the epoch).
    pub oldest_pending_at_ms: Option<i64>,
    /// The first problem, naming the record; `None` when the chain is intact.
    pub problem: Option<String>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// Checks every record's hash and link in id order, that sequence numbers run 1, 2, 3…
/// without a gap, that the head names the last record, and that every checkpoint carries a
/// valid signature by one of `trusted` and vouches for the record it names. An empty
/// `trusted` accepts any key the checkpoints name (only their integrity is then checked).
pub async fn verify(
    db: &impl ConnectionTrait,
    chain: Chain,
    trusted: &[PublicKey],
) -> Result<ChainReport, DbErr> {
    const PAGE: u64 = 5_000;
    let mut report = ChainReport {
        chain: chain.name(),
        records: 0,
        checkpoints: 0,
        signed_through: 0,
        pending: 0,
        oldest_pending_at_ms: None,
        problem: None,
    };
    (report.pending, report.oldest_pending_at_ms) = super::pending(db, chain).await?;
    // Checkpoints first: each must be signed correctly, and is then compared with the
    // record it names during the walk.
    let mut signed: BTreeMap<i64, (i64, String)> = BTreeMap::new();
    for cp in checkpoints(db, chain).await? {
        report.checkpoints += 1;
        let key = match PublicKey::from_hex(&cp.public_key) {
            Ok(key) => key,
            Err(_) => {
                report.problem = Some(format!(
                    "checkpoint id {} (record {}): its public key is not a key",
                    cp.id, cp.seq
                ));
                return Ok(report);
            }
        };
        if !trusted.is_empty() && !trusted.contains(&key) {
            report.problem = Some(format!(
                "checkpoint id {} (record {}) is signed by {key}, which is not a trusted key",
                cp.id, cp.seq
            ));
            return Ok(report);
        }
        let message = encoding::checkpoint_bytes(chain.name(), cp.seq, &cp.hash, cp.at_ms);
        if key.verify_hex(&message, &cp.signature).is_err() {
            report.problem = Some(format!(
                "checkpoint id {} (record {}): the signature does not match (the checkpoint was altered)",
                cp.id, cp.seq
            ));
            return Ok(report);
        }
        signed.insert(cp.seq, (cp.id, cp.hash));
    }

    let mut expected = 1i64;
    let mut prev_hash = GENESIS_HASH.to_owned();
    let mut after = 0i64;
    loop {
        let page = records_after(db, chain, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for r in page {
            report.records += 1;
            if r.seq != expected {
                report.problem = Some(if r.seq > expected {
                    format!(
                        "record {expected} is not where it belongs: id {} carries record {} (deleted, inserted or reordered)",
                        r.id, r.seq
                    )
                } else {
                    format!(
                        "record id {} carries number {} where record {expected} belongs (inserted or reordered)",
                        r.id, r.seq
                    )
                });
                return Ok(report);
            }
            if r.prev_hash != prev_hash {
                report.problem = Some(format!(
                    "record {} (id {}) does not link to record {}: its previous hash is not that record's (inserted or reordered)",
                    r.seq,
                    r.id,
                    r.seq - 1
                ));
                return Ok(report);
            }
            let computed = encoding::record_hash(&RecordFields {
                chain: chain.name(),
                seq: r.seq,
                at_ms: r.at_ms,
                actor_id: r.actor_id,
                action: &r.action,
                target: &r.target,
                details: &r.details,
                prev_hash: &r.prev_hash,
            });
            if computed != r.hash {
                report.problem = Some(format!(
                    "record {} (id {}) was altered: its contents do not give its hash",
                    r.seq, r.id
                ));
                return Ok(report);
            }
            if let Some((cp_id, cp_hash)) = signed.get(&r.seq) {
                if *cp_hash != r.hash {
                    report.problem = Some(format!(
                        "record {} (id {}) differs from what checkpoint id {cp_id} signed: the chain was rewritten at or before it",
                        r.seq, r.id
                    ));
                    return Ok(report);
                }
                report.signed_through = r.seq;
            }
            prev_hash = r.hash;
            expected += 1;
        }
    }
    let last_seq = expected - 1;
    let (head_seq, head_hash) = head(db, chain).await?;
    if head_seq != last_seq || head_hash != prev_hash {
        report.problem = Some(format!(
            "the chain ends at record {last_seq} but its head names record {head_seq} (records deleted from the end)"
        ));
        return Ok(report);
    }
    if let Some((seq, (cp_id, _))) = signed.range(last_seq + 1..).next() {
        report.problem = Some(format!(
            "checkpoint id {cp_id} vouches for record {seq}, but the chain ends at record {last_seq} (records deleted from the end)"
        ));
    }
    Ok(report)
}
