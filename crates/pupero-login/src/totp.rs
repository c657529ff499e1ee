//! RFC 6238 one-time codes (SHA-1, 6 digits, 30 s, ±1 step). The step a code matched is
//! returned so the caller can record it and refuse any code at or before it: a code
//! works once.

use totp_rs::{Secret, Totp};

pub const ISSUER: &str = "Pupero";

fn build(secret_b32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .ok()
}

/// A new random secret (160 bits) in base32.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

pub fn otpauth_url(secret_b32: &str, account: &str) -> Option<String> {
    build(secret_b32, account)?.to_url().ok()
}

/// The time step the code matches now, if any.
pub fn matching_step(secret_b32: &str, code: &str) -> Option<i64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = build(secret_b32, "x")?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    totp.check(code, now)
        .and_then(|step| i64::try_from(step).ok())
}

/// What a sealed TOTP secret is bound to, so a sealed value copied onto another
/// account's row does not open.
pub fn binding(user_id: i64) -> String {
    format!("totp:user:{user_id}")
}

/// How many recovery codes a user gets at a time.
pub const RECOVERY_CODES: usize = 10;

/// Crockford-style alphabet without look-alikes (no 0/o, 1/l/i, u).
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstvwxyz23456789";

/// Ten new recovery codes as the user sees them (`xxxx-xxxx-xxxx-xxxx`, about 78 bits
/// each), and the hashes to store.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    use rand::Rng;
    let mut rng = rand::rng();
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<char> = (0..16)
                .map(|_| {
                    let pick = rng.random_range(0..RECOVERY_ALPHABET.len());
                    RECOVERY_ALPHABET.get(pick).copied().map_or('a', char::from)
                })
                .collect();
            chars
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    let hashes = codes.iter().filter_map(|c| recovery_hash(c)).collect();
    (codes, hashes)
}

/// The stored hash of something typed as a recovery code, or None if it cannot be one.
/// The codes are random and long, so a plain SHA-256 cannot be reversed by guessing.
pub fn recovery_hash(typed: &str) -> Option<String> {
    let normalized: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (normalized.len() == 16 && normalized.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
        .then(|| pupero_db::seal::sha256_hex(normalized.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_distinct_and_match_their_hashes_however_typed() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(
            (codes.len(), hashes.len()),
            (RECOVERY_CODES, RECOVERY_CODES)
        );
        let unique: std::collections::HashSet<_> = hashes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 19);
        assert_eq!(recovery_hash(code).as_ref(), Some(&hashes[0]));
        let sloppy = format!(" {} ", code.replace('-', "").to_uppercase());
        assert_eq!(recovery_hash(&sloppy).as_ref(), Some(&hashes[0]));
        assert_eq!(recovery_hash("123456"), None);
    }

    #[test]
    fn a_generated_code_matches_its_step() {
        let secret = new_secret();
        let totp = build(&secret, "alice").unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let code = totp.generate(now).to_string();
        assert_eq!(matching_step(&secret, &code), Some((now / 30) as i64));
        assert_eq!(matching_step(&secret, "12345"), None);
        assert!(
            otpauth_url(&secret, "alice")
                .unwrap()
                .starts_with("otpauth://totp/Pupero:alice")
        );
    }
}
