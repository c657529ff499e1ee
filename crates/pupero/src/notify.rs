//! `pupero notify tx|block <hash>`: the program monero-wallet-rpc's `--tx-notify` and
//! monerod's `--block-notify` run. It asks the wallet service (its internal route, as the
//! wallet itself, with the wallet's own token key) to sweep for deposits now, so a deposit
//! shows as pending within a second instead of at the next sweep.

use anyhow::Context;

use pupero_api::internal::wallet::{ChainNotice, SweepWoken};
use pupero_config::{Service, Settings};
use pupero_http::{InternalClient, JwtKeys};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ChainEvent {
    /// A transaction of the hot wallet (`--tx-notify`).
    Tx,
    /// A new block (`--block-notify`).
    Block,
}

impl ChainEvent {
    fn as_str(self) -> &'static str {
        match self {
            ChainEvent::Tx => "tx",
            ChainEvent::Block => "block",
        }
    }
}

pub async fn notify(settings: &Settings, event: ChainEvent, hash: &str) -> anyhow::Result<()> {
    // Only loaded, never generated: keys made here would be ones the wallet does not trust.
    let dir = settings.keys_dir();
    let keys = JwtKeys::load(&dir, &[Service::Wallet.name()])
        .with_context(|| format!("cannot load the wallet's token key from {}", dir.display()))?;
    let wallet = InternalClient::new(
        keys,
        "wallet",
        "wallet",
        settings.service_url(Service::Wallet),
    )?;
    let notice = ChainNotice {
        event: event.as_str().to_owned(),
        hash: hash.to_owned(),
    };
    let _: SweepWoken = wallet
        .post("/internal/chain/notify", &notice)
        .await
        .map_err(|e| anyhow::anyhow!("the wallet service refused the notice: {e}"))?;
    Ok(())
}
