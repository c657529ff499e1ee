//! The price refresh as a background pass: fetch the market prices, then bring every
//! margin offer's stored price to its margin over the new median, then tell the listing.
//!
//! The stored price is what listings sort and filter by and what a trade locks, so a
//! taker is always held to the price they were shown. Each pass sets every margin offer
//! whose currency has a fresh price (not only the ones whose median moved), so an offer
//! posted while a pass was running is corrected by the next one.

use pupero_core::{Cents, Margin};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{OffersState, store};

/// Refreshes the market prices every PRICE_REFRESH_SECONDS until shutdown.
pub fn spawn_price_feed(state: OffersState, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    let interval = state.prices.refresh;
    pupero_http::periodic::every(interval, shutdown, move || {
        let state = state.clone();
        async move { refresh(&state).await }
    })
}

/// One pass.
pub async fn refresh(state: &OffersState) {
    let before = state.prices.fresh().0;
    let priced = state.prices.refresh().await;
    let mut changed = before != state.prices.fresh().0;
    for (currency, market) in priced {
        match reprice(state, &currency, market).await {
            Ok(n) => changed |= n > 0,
            Err(e) => tracing::warn!(%currency, error = %e, "margin offers not repriced"),
        }
    }
    if changed {
        state.listing.changed();
    }
}

async fn reprice(
    state: &OffersState,
    currency: &str,
    market: Cents,
) -> Result<u64, sea_orm::DbErr> {
    let mut changed = 0;
    for bp in store::margins_in(&state.db, currency).await? {
        let Ok(margin) = Margin::from_bp(bp) else {
            tracing::error!(%currency, bp, "a stored margin out of range; its offers keep their price");
            continue;
        };
        changed += store::reprice(&state.db, currency, bp, margin.apply(market).0).await?;
    }
    Ok(changed)
}
