//! A local stand-in for the price APIs the offers service reads (there is no internet
//! here): one HTTP server answering `/{kraken,coingecko,bitfinex,cryptocompare}/…` with the
//! documented response bodies of crates/pupero-offers/fixtures/prices, which a test can
//! change while the platform runs. Shared by the API tests of the feed and the browser
//! tests of margin offers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{StatusCode, Uri};
use reqwest::StatusCode as ClientStatus;

use pupero_api::offers::{MarketPrice, PriceBoard};

use crate::{Options, TestApp, typed};

/// The replayed sources, in the order the platform is given them.
pub const KINDS: [&str; 4] = ["kraken", "coingecko", "bitfinex", "cryptocompare"];

/// What a replayed source answers.
#[derive(Clone)]
pub enum Reply {
    Body(String),
    Status(u16),
    /// Never answers (the feed's timeout cuts it).
    Hang,
}

/// A documented answer of a price API, as stored in the offers crate's fixtures.
pub fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../pupero-offers/fixtures/prices/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Each source's documented answer with its EUR price replaced. The fixtures quote EUR at
/// 148.88 (Kraken), 149.02 (CoinGecko) and 149.10 (CryptoCompare): a median of 149.02.
pub fn eur_at(kind: &str, eur: &str) -> String {
    match kind {
        "kraken" => fixture("kraken_ticker.json").replace("148.88000000", eur),
        "coingecko" => fixture("coingecko_simple_price.json").replace("149.02", eur),
        "cryptocompare" => fixture("cryptocompare_pricemulti.json").replace("149.1", eur),
        // Bitfinex quotes XMR in USD only.
        _ => fixture("bitfinex_tickers.json"),
    }
}

/// The four price APIs on one local port; each answers its fixture until told otherwise.
#[derive(Clone)]
pub struct PriceSources {
    port: u16,
    replies: Arc<Mutex<HashMap<&'static str, Reply>>>,
}

impl PriceSources {
    pub async fn start() -> Self {
        let replies: Arc<Mutex<HashMap<&'static str, Reply>>> = Arc::default();
        {
            let mut r = replies.lock().unwrap();
            r.insert("kraken", Reply::Body(fixture("kraken_ticker.json")));
            r.insert(
                "coingecko",
                Reply::Body(fixture("coingecko_simple_price.json")),
            );
            r.insert("bitfinex", Reply::Body(fixture("bitfinex_tickers.json")));
            r.insert(
                "cryptocompare",
                Reply::Body(fixture("cryptocompare_pricemulti.json")),
            );
        }
        let shared = replies.clone();
        let app = axum::Router::new().fallback(move |uri: Uri| {
            let shared = shared.clone();
            async move {
                let kind = uri
                    .path()
                    .trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or("");
                let reply = shared.lock().unwrap().get(kind).cloned();
                match reply {
                    Some(Reply::Body(b)) => (StatusCode::OK, b),
                    Some(Reply::Status(s)) => (StatusCode::from_u16(s).unwrap(), "{}".into()),
                    Some(Reply::Hang) => {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        (StatusCode::OK, String::new())
                    }
                    None => (StatusCode::NOT_FOUND, String::new()),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { port, replies }
    }

    /// The platform's settings for these sources: refreshed every second, stale after three.
    pub fn options(&self) -> Options {
        let sources: Vec<String> = KINDS
            .iter()
            .map(|k| format!("{k}=http://127.0.0.1:{}/{k}", self.port))
            .collect();
        let mut options = Options::default();
        options.args.extend(
            [
                "--price-sources",
                &sources.join(","),
                "--price-refresh-seconds",
                "1",
                "--price-stale-seconds",
                "3",
                "--price-source-timeout-seconds",
                "1",
            ]
            .map(String::from),
        );
        options
    }

    pub fn set(&self, kind: &'static str, reply: Reply) {
        self.replies.lock().unwrap().insert(kind, reply);
    }

    /// Every source that quotes EUR quotes `eur`.
    pub fn eur(&self, eur: &str) {
        for kind in ["kraken", "coingecko", "cryptocompare"] {
            self.set(kind, Reply::Body(eur_at(kind, eur)));
        }
    }
}

impl TestApp {
    /// `GET /offers/prices`, which must answer 200.
    pub async fn price_board(&self) -> PriceBoard {
        let (status, body) = self.get("/offers/prices", None).await;
        assert_eq!(status, ClientStatus::OK, "{body}");
        typed(&body)
    }

    /// The market price of `currency` now, if the feed has one.
    pub async fn market_price(&self, currency: &str) -> Option<MarketPrice> {
        self.price_board()
            .await
            .prices
            .into_iter()
            .find(|p| p.currency == currency)
    }

    /// Waits (up to 30 s: a refresh or two) for `currency`'s market price to be `price`
    /// and fresh.
    pub async fn wait_for_market_price(&self, currency: &str, price: &str) -> MarketPrice {
        for _ in 0..300 {
            if let Some(p) = self.market_price(currency).await
                && p.price == price
                && p.fresh
            {
                return p;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the {currency} market price never became {price}: {:?}",
            self.market_price(currency).await
        )
    }
}
