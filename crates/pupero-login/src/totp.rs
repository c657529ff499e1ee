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

#[cfg(test)]
mod tests {
    use super::*;

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
