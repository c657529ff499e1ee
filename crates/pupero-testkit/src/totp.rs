//! Authenticator codes, as a phone would show them.

/// The current TOTP code of `secret` for `step` (30-second window number).
pub fn totp_code(secret: &str, step: u64) -> String {
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap();
    totp.generate(step * 30).to_string()
}

/// Waits until at least `needed` seconds remain in the current 30 s step, so a test that
/// uses steps now-1, now and now+1 cannot see the window move under it.
pub async fn align_to_fresh_step(needed: u64) -> u64 {
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        if 30 - now % 30 >= needed {
            return now / 30;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}
