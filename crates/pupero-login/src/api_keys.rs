//! Personal API keys (issue 15): making them, and deciding whether a presented key may
//! make a call now. The gateway decides which scope a call needs and whether it moves
//! money (its one list, `pupero-gateway/src/key_policy.rs`); everything about the key
//! itself is decided here, by the service that owns accounts.
//!
//! A key is `pup_<12 hex>_<43 base64url>` (256 random bits of secret). Only its SHA-256
//! is kept for `Authorization: ApiKey` (a plain hash is enough for a random value of that
//! size: nothing to stretch, and a lookup per call must be cheap). A signed call sends
//! only the public `pup_<id>`, so the server must know the signing secret: it is kept
//! sealed under a subkey of DATA_ENCRYPTION_KEY, like TOTP secrets, so a copy of the
//! database alone yields neither.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::{SecureRandom, SystemRandom};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::entity::{api_key, api_key_nonce};

pub const KEY_PREFIX: &str = "pup_";
/// A signed call's timestamp may be this far from the server's clock either way.
pub const SIGNATURE_WINDOW_SECONDS: i64 = 300;
/// Keys one account may hold (revoked ones do not count).
pub const MAX_KEYS_PER_USER: u64 = 10;
/// How long the access token a key call is forwarded with lives.
pub const GRANT_TTL_SECONDS: u64 = 60;
/// `last_used_at` is written at most this often per key, not on every call.
const LAST_USED_GRANULARITY_MS: i64 = 60_000;

/// A freshly made key: the whole key (shown once), its public prefix and its hash.
pub struct FreshKey {
    pub key: String,
    pub prefix: String,
    pub hash: String,
}

pub fn generate() -> Result<FreshKey, ring::error::Unspecified> {
    let rng = SystemRandom::new();
    let mut id = [0u8; 6];
    let mut secret = [0u8; 32];
    rng.fill(&mut id)?;
    rng.fill(&mut secret)?;
    let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let prefix = format!("{KEY_PREFIX}{id}");
    let key = format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(secret));
    let hash = pupero_db::seal::sha256_hex(key.as_bytes());
    Ok(FreshKey { key, prefix, hash })
}

/// The public prefix of a whole key (`pup_<id>_<secret>` → `pup_<id>`), or of a prefix
/// presented alone.
pub fn prefix_of(presented: &str) -> Option<&str> {
    let rest = presented.strip_prefix(KEY_PREFIX)?;
    let id = rest.split('_').next()?;
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    presented.get(..KEY_PREFIX.len() + 12)
}

/// A range of client addresses: `203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    bits: u8,
}

impl IpRange {
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (address, bits) = match text.split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        if bits > max {
            return None;
        }
        // Stored with the host bits cleared, so the list shows what it matches.
        Some(Self {
            network: mask(network, bits),
            bits,
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        ip.is_ipv4() == self.network.is_ipv4() && mask(ip, self.bits) == self.network
    }
}

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.bits)
    }
}

fn mask(ip: IpAddr, bits: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let m = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & m).into())
        }
        IpAddr::V6(v6) => {
            let m = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & m).into())
        }
    }
}

/// What a signed call signs: method, path (with query) as sent, timestamp, nonce and body,
/// each on its own line (the body last, as it is).
pub fn signed_message(
    method: &str,
    path: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut message = format!("{method}\n{path}\n{timestamp}\n{nonce}\n").into_bytes();
    message.extend_from_slice(body);
    message
}

/// Checks a lower-case hex HMAC-SHA256 in constant time.
pub fn signature_matches(secret: &str, message: &[u8], signature_hex: &str) -> bool {
    let Some(tag) = decode_hex(signature_hex) else {
        return false;
    };
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    ring::hmac::verify(&key, message, &tag).is_ok()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// A nonce is 16 to 64 characters of `[A-Za-z0-9_-]` (a UUID, or 128 random bits in hex).
pub fn nonce_is_well_formed(nonce: &str) -> bool {
    (16..=64).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn decode_body(body_base64: &str) -> Option<Vec<u8>> {
    STANDARD.decode(body_base64).ok()
}

// --- storage ---

pub struct NewKey<'a> {
    pub user_id: i64,
    pub prefix: &'a str,
    pub name: Option<String>,
    pub scopes: String,
    pub allowed_ips: Option<String>,
    pub key_hash: String,
    pub signing_secret: String,
    pub expires_at_ms: Option<i64>,
    pub now: i64,
}

pub async fn insert(db: &impl ConnectionTrait, k: NewKey<'_>) -> Result<api_key::Model, DbErr> {
    api_key::ActiveModel {
        user_id: Set(k.user_id),
        prefix: Set(k.prefix.to_owned()),
        name: Set(k.name),
        scopes: Set(k.scopes),
        allowed_ips: Set(k.allowed_ips),
        key_hash: Set(k.key_hash),
        signing_secret: Set(k.signing_secret),
        expires_at_ms: Set(k.expires_at_ms),
        created_at_ms: Set(k.now),
        last_used_at_ms: Set(None),
        revoked_at_ms: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The user's keys that are not revoked, newest first.
pub async fn live_keys_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<api_key::Model>, DbErr> {
    api_key::Entity::find()
        .filter(api_key::Column::UserId.eq(user_id))
        .filter(api_key::Column::RevokedAtMs.is_null())
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await
}

pub async fn by_prefix(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Option<api_key::Model>, DbErr> {
    api_key::Entity::find()
        .filter(api_key::Column::Prefix.eq(prefix))
        .one(db)
        .await
}

/// Revokes one of the user's keys; false when it is not theirs or already revoked.
pub async fn revoke(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let done = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAtMs, Expr::value(now))
        .filter(api_key::Column::Id.eq(id))
        .filter(api_key::Column::UserId.eq(user_id))
        .filter(api_key::Column::RevokedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Revokes every key of the account (deletion).
pub async fn revoke_all(db: &impl ConnectionTrait, user_id: i64, now: i64) -> Result<u64, DbErr> {
    let done = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAtMs, Expr::value(now))
        .filter(api_key::Column::UserId.eq(user_id))
        .filter(api_key::Column::RevokedAtMs.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

pub async fn touch(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<(), DbErr> {
    api_key::Entity::update_many()
        .col_expr(api_key::Column::LastUsedAtMs, Expr::value(now))
        .filter(api_key::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(api_key::Column::LastUsedAtMs.is_null())
                .add(api_key::Column::LastUsedAtMs.lt(now - LAST_USED_GRANULARITY_MS)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Spends a nonce of a key: false when it was already used (the primary key holds it
/// once, on every replica). Nonces out of the window are dropped first.
pub async fn spend_nonce(
    db: &impl ConnectionTrait,
    key_id: i64,
    nonce: &str,
    expires_at_ms: i64,
    now: i64,
) -> Result<bool, DbErr> {
    api_key_nonce::Entity::delete_many()
        .filter(api_key_nonce::Column::KeyId.eq(key_id))
        .filter(api_key_nonce::Column::ExpiresAtMs.lt(now))
        .exec(db)
        .await?;
    let inserted = api_key_nonce::ActiveModel {
        key_id: Set(key_id),
        nonce: Set(nonce.to_owned()),
        expires_at_ms: Set(expires_at_ms),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if pupero_db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_has_its_prefix_and_hash() {
        let k = generate().unwrap();
        assert_eq!(prefix_of(&k.key), Some(k.prefix.as_str()));
        assert_eq!(prefix_of(&k.prefix), Some(k.prefix.as_str()));
        assert_eq!(k.key.len(), 4 + 12 + 1 + 43);
        assert_eq!(k.hash, pupero_db::seal::sha256_hex(k.key.as_bytes()));
        assert_ne!(generate().unwrap().key, k.key);
        assert_eq!(prefix_of("pup_zz"), None);
        assert_eq!(prefix_of("Bearer x"), None);
    }

    #[test]
    fn ranges_match_their_addresses_only() {
        let r = IpRange::parse("203.0.113.77/24").unwrap();
        assert_eq!(r.to_string(), "203.0.113.0/24");
        assert!(r.contains("203.0.113.5".parse().unwrap()));
        assert!(r.contains("::ffff:203.0.113.5".parse().unwrap()));
        assert!(!r.contains("203.0.114.5".parse().unwrap()));
        let one = IpRange::parse("127.0.0.1").unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        let v6 = IpRange::parse("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8:1::1".parse().unwrap()));
        assert!(!v6.contains("2001:db9::1".parse().unwrap()));
        assert!(
            IpRange::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        for bad in ["", "10.0.0.0/33", "x", "10.0.0.0/", "::/129"] {
            assert_eq!(IpRange::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_signature_is_checked_over_every_part() {
        let message = signed_message("POST", "/transactions/withdraw", "1700000000", "n1", b"{}");
        assert_eq!(message, b"POST\n/transactions/withdraw\n1700000000\nn1\n{}");
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"secret");
        let tag: String = ring::hmac::sign(&key, &message)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(signature_matches("secret", &message, &tag));
        assert!(!signature_matches("other", &message, &tag));
        assert!(!signature_matches("secret", b"POST\n/x", &tag));
        assert!(!signature_matches("secret", &message, "zz"));
    }
}
