//! The price feed: the market price of XMR in each currency the configured sources quote,
//! refreshed every PRICE_REFRESH_SECONDS.
//!
//! A refresh fetches every source at once (each within PRICE_SOURCE_TIMEOUT_SECONDS),
//! groups the quotes by currency, and takes [`pupero_core::market::robust_median`]: the
//! median of the quotes within PRICE_OUTLIER_PERCENT of the median of all quotes, and no
//! price at all when fewer than half of the quotes agree. A currency whose refresh gave no
//! price keeps its last one, which ages; once older than PRICE_STALE_SECONDS it is stale,
//! and margin offers in that currency are hidden from listings and refused when taken
//! (the stale-feed breaker). Fixed-price offers never look at the feed.
//!
//! The feed lives in the offers process's memory: after a restart margin offers are
//! hidden until the first refresh (made at start) has priced their currency.

pub mod numbers;
pub mod sources;

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use pupero_api::offers::{MarketPrice, PriceBoard, SourceQuote};
use pupero_config::Settings;
use pupero_core::{Cents, Currency, market};
use pupero_http::rfc3339;

pub use sources::{Source, SourceError};

/// Bodies larger than this are not price answers.
const MAX_BODY_BYTES: usize = 1 << 20;

pub struct PriceFeed {
    sources: Vec<Source>,
    http: reqwest::Client,
    pub refresh: Duration,
    pub stale: Duration,
    outlier_bp: u32,
    board: RwLock<BTreeMap<String, Priced>>,
}

/// One currency's last good median.
#[derive(Debug, Clone)]
struct Priced {
    price: Cents,
    at: Instant,
    at_ms: i64,
    /// Source name, its quote, and whether the median used it.
    quotes: Vec<(String, Cents, bool)>,
}

impl PriceFeed {
    pub fn new(settings: &Settings) -> Result<Self, pupero_config::ConfigError> {
        let sources = sources::parse_sources(&settings.price_sources)
            .map_err(|e| pupero_config::ConfigError::PriceSources(e.to_string()))?;
        let http = pupero_http::build_client(
            "offers → price sources",
            reqwest::Client::builder()
                .timeout(Duration::from_secs(settings.price_source_timeout_seconds))
                .connect_timeout(Duration::from_secs(
                    settings.price_source_timeout_seconds.min(5),
                )),
        )?;
        Ok(Self {
            sources,
            http,
            refresh: Duration::from_secs(settings.price_refresh_seconds),
            stale: Duration::from_secs(settings.price_stale_seconds),
            outlier_bp: settings.price_outlier_percent.saturating_mul(100),
            board: RwLock::default(),
        })
    }

    /// The fresh market price of `currency`, if there is one.
    pub fn price(&self, currency: &str) -> Option<Cents> {
        let board = self.board.read().ok()?;
        board
            .get(currency)
            .filter(|p| p.at.elapsed() < self.stale)
            .map(|p| p.price)
    }

    /// The currencies with a fresh price, and the moment the first of them goes stale.
    pub fn fresh(&self) -> (Vec<String>, Option<Instant>) {
        let Ok(board) = self.board.read() else {
            return (Vec::new(), None);
        };
        let mut first_stale: Option<Instant> = None;
        let fresh = board
            .iter()
            .filter(|(_, p)| p.at.elapsed() < self.stale)
            .map(|(c, p)| {
                let stale_at = p.at + self.stale;
                first_stale = Some(first_stale.map_or(stale_at, |f| f.min(stale_at)));
                c.clone()
            })
            .collect();
        (fresh, first_stale)
    }

    /// Fetches every source and takes the medians. Returns the currencies whose price is
    /// now fresh (newly made by this refresh).
    pub async fn refresh(&self) -> Vec<(String, Cents)> {
        let codes: Vec<&str> = Currency::all().collect();
        let mut tasks = tokio::task::JoinSet::new();
        for source in &self.sources {
            for url in source.urls(&codes) {
                let (http, source) = (self.http.clone(), source.clone());
                tasks.spawn(async move {
                    let read = fetch(&http, &url)
                        .await
                        .and_then(|body| source.read(&body).map_err(|e| e.to_string()));
                    (source.name, read)
                });
            }
        }
        let mut by_currency: HashMap<String, Vec<(String, Cents)>> = HashMap::new();
        while let Some(done) = tasks.join_next().await {
            let Ok((name, read)) = done else { continue };
            match read {
                Ok(prices) => {
                    for (currency, price) in prices {
                        by_currency
                            .entry(currency.as_str().to_owned())
                            .or_default()
                            .push((name.clone(), price));
                    }
                }
                Err(e) => tracing::warn!(source = %name, error = %e, "price source failed"),
            }
        }
        let now = Instant::now();
        let now_ms = pupero_db::now_ms();
        let mut priced = Vec::new();
        let Ok(mut board) = self.board.write() else {
            return priced;
        };
        for (currency, mut quotes) in by_currency {
            // One quote per source: a source answering one currency twice (two chunks)
            // keeps its first.
            quotes.sort_by(|a, b| a.0.cmp(&b.0));
            quotes.dedup_by(|a, b| a.0 == b.0);
            let values: Vec<Cents> = quotes.iter().map(|q| q.1).collect();
            let Some(median) = market::robust_median(&values, self.outlier_bp) else {
                tracing::warn!(%currency, ?values, "price sources disagree; no price this time");
                continue;
            };
            let quotes = quotes
                .into_iter()
                .map(|(name, price)| {
                    let used = median.kept.contains(&price);
                    (name, price, used)
                })
                .collect();
            board.insert(
                currency.clone(),
                Priced {
                    price: median.price,
                    at: now,
                    at_ms: now_ms,
                    quotes,
                },
            );
            priced.push((currency, median.price));
        }
        priced
    }

    /// What `GET /offers/prices` shows.
    pub fn board(&self) -> PriceBoard {
        let prices = self
            .board
            .read()
            .map(|board| {
                board
                    .iter()
                    .map(|(currency, p)| MarketPrice {
                        currency: currency.clone(),
                        price: p.price.to_string(),
                        updated_at: rfc3339(p.at_ms),
                        age_seconds: p.at.elapsed().as_secs(),
                        fresh: p.at.elapsed() < self.stale,
                        quotes: p
                            .quotes
                            .iter()
                            .map(|(source, price, used)| SourceQuote {
                                source: source.clone(),
                                price: price.to_string(),
                                used: *used,
                            })
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        PriceBoard {
            refresh_seconds: self.refresh.as_secs(),
            stale_seconds: self.stale.as_secs(),
            sources: self.sources.iter().map(|s| s.name.clone()).collect(),
            prices,
        }
    }
}

async fn fetch(http: &reqwest::Client, url: &str) -> Result<String, String> {
    let response = http
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| format!("unreachable: {e}"))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("body cut: {e}"))?;
    if !status.is_success() {
        return Err(format!("answered {status}"));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(format!("answered {} bytes", body.len()));
    }
    String::from_utf8(body.to_vec()).map_err(|_| "answered a body that is not UTF-8".into())
}
