//! The canonical bytes that a record's hash and a checkpoint's signature cover.
//!
//! Each field is written as its length (8 bytes, big-endian) followed by its UTF-8 bytes,
//! after a label naming the format, so no two different field lists encode alike (a `|`
//! inside `details` cannot pass for a field boundary) and a record can never be replayed as
//! a checkpoint. Numbers are written in decimal, an absent actor as the empty string.

/// What a record's hash covers, in this order.
pub struct RecordFields<'a> {
    pub chain: &'a str,
    pub seq: i64,
    pub at_ms: i64,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub target: &'a str,
    pub details: &'a str,
    pub prev_hash: &'a str,
}

const RECORD_LABEL: &str = "pupero-audit-record-v1";
const CHECKPOINT_LABEL: &str = "pupero-audit-checkpoint-v1";

/// The hash that precedes a chain's first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn field(out: &mut Vec<u8>, value: &str) {
    out.extend_from_slice(&(value.len() as u64).to_be_bytes());
    out.extend_from_slice(value.as_bytes());
}

pub fn record_bytes(r: &RecordFields<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + r.details.len());
    field(&mut out, RECORD_LABEL);
    field(&mut out, r.chain);
    field(&mut out, &r.seq.to_string());
    field(&mut out, &r.at_ms.to_string());
    field(
        &mut out,
        &r.actor_id.map(|a| a.to_string()).unwrap_or_default(),
    );
    field(&mut out, r.action);
    field(&mut out, r.target);
    field(&mut out, r.details);
    field(&mut out, r.prev_hash);
    out
}

/// SHA-256 of the record's canonical bytes, lowercase hex.
pub fn record_hash(r: &RecordFields<'_>) -> String {
    crate::seal::sha256_hex(&record_bytes(r))
}

/// What a checkpoint's signature covers: the chain's name, the record it vouches for and
/// that record's hash, and when it was signed.
pub fn checkpoint_bytes(chain: &str, seq: i64, hash: &str, at_ms: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(160);
    field(&mut out, CHECKPOINT_LABEL);
    field(&mut out, chain);
    field(&mut out, &seq.to_string());
    field(&mut out, hash);
    field(&mut out, &at_ms.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(details: &'a str, target: &'a str) -> RecordFields<'a> {
        RecordFields {
            chain: "transactions",
            seq: 1,
            at_ms: 1_700_000_000_000,
            actor_id: Some(4),
            action: "adjust",
            target,
            details,
            prev_hash: GENESIS_HASH,
        }
    }

    #[test]
    fn every_field_changes_the_hash_and_boundaries_cannot_shift() {
        let base = record_hash(&fields("a|b", "user:1"));
        assert_eq!(base.len(), 64);
        assert_eq!(base, record_hash(&fields("a|b", "user:1")), "deterministic");
        assert_ne!(base, record_hash(&fields("a|b ", "user:1")));
        // The same bytes split differently between two fields is a different record.
        assert_ne!(
            record_hash(&fields("1a", "user:")),
            record_hash(&fields("a", "user:1"))
        );
        let mut f = fields("a|b", "user:1");
        f.actor_id = None;
        assert_ne!(base, record_hash(&f));
        let mut f = fields("a|b", "user:1");
        f.seq = 2;
        assert_ne!(base, record_hash(&f));
        let mut f = fields("a|b", "user:1");
        f.chain = "login";
        assert_ne!(base, record_hash(&f));
    }
}
