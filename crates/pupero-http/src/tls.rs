//! TLS for outgoing HTTP (price sources, webhooks, a wallet-rpc behind https).
//!
//! One crypto provider for the whole process: ring. lettre's SMTP TLS already brings
//! rustls on ring, and the seal and webhook code use ring directly, so reqwest runs on
//! `rustls-no-provider` with ring installed here rather than pulling aws-lc-rs in beside it
//! (about 40 s more per clean build, and two providers leave rustls unable to choose).
//! reqwest refuses to build a client before a provider is installed, so every client is
//! built through [`crate::build_client`], which installs it first, and `main` installs it
//! at start.

/// Installs ring as the process's rustls provider (once; later calls do nothing).
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may have installed it in between: either way one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
