//! Connectors to public price APIs, each in its own documented request and response
//! format. A connector only builds URLs and reads bodies; fetching is the feed's.
//!
//! - Kraken public Ticker: `GET /0/public/Ticker?pair=XMRUSD,XMREUR` →
//!   `{"error":[],"result":{"XXMRZEUR":{"c":["148.88000000","0.5"],…}}}` (`c`: last trade
//!   price, lot volume). Kraken lists XMR against USD and EUR only.
//! - CoinGecko simple/price: `GET /api/v3/simple/price?ids=monero&vs_currencies=usd,eur,…`
//!   → `{"monero":{"usd":162.31,"eur":149.02}}`; currencies it does not quote are left out.
//! - Bitfinex tickers: `GET /v2/tickers?symbols=tXMRUSD,…` → one array per symbol,
//!   `[SYMBOL, BID, BID_SIZE, ASK, ASK_SIZE, DAILY_CHANGE, DAILY_CHANGE_RELATIVE,
//!   LAST_PRICE, VOLUME, HIGH, LOW]`; errors are `["error", code, message]`.
//! - CryptoCompare pricemulti: `GET /data/pricemulti?fsyms=XMR&tsyms=USD,EUR,…` (at most
//!   100 characters of `tsyms`) → `{"XMR":{"USD":162.4}}`; errors are
//!   `{"Response":"Error","Message":…}`.

use std::collections::HashMap;

use serde::Deserialize;

use pupero_core::{Cents, Currency, market};

use super::numbers::quote_numbers;

/// The APIs a source can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Kraken,
    CoinGecko,
    Bitfinex,
    CryptoCompare,
}

impl Kind {
    fn parse(word: &str) -> Option<Self> {
        match word {
            "kraken" => Some(Kind::Kraken),
            "coingecko" => Some(Kind::CoinGecko),
            "bitfinex" => Some(Kind::Bitfinex),
            "cryptocompare" => Some(Kind::CryptoCompare),
            _ => None,
        }
    }
}

/// One configured price source (`kind[:label]=base URL` in PRICE_SOURCES).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The label, or the kind's name: what `GET /offers/prices` shows.
    pub name: String,
    pub kind: Kind,
    base: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error(
        "PRICE_SOURCES entry `{0}` is not kind=URL with kind kraken, coingecko, bitfinex or cryptocompare and an http(s) URL"
    )]
    BadSpec(String),
    #[error("PRICE_SOURCES names the source `{0}` twice; label one (kind:label=URL)")]
    Duplicate(String),
    #[error("the body is not in the API's format: {0}")]
    Malformed(String),
    #[error("the API answered an error: {0}")]
    Refused(String),
}

/// Parses PRICE_SOURCES (empty entries ignored).
pub fn parse_sources(specs: &[String]) -> Result<Vec<Source>, SourceError> {
    let mut sources: Vec<Source> = Vec::new();
    for spec in specs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let source = Source::parse(spec)?;
        if sources.iter().any(|s| s.name == source.name) {
            return Err(SourceError::Duplicate(source.name));
        }
        sources.push(source);
    }
    Ok(sources)
}

/// Fiat codes CryptoCompare accepts in one request (`tsyms` is at most 100 characters).
const CRYPTOCOMPARE_CHUNK: usize = 25;

impl Source {
    pub fn parse(spec: &str) -> Result<Self, SourceError> {
        let bad = || SourceError::BadSpec(spec.to_owned());
        let (name, url) = spec.split_once('=').ok_or_else(bad)?;
        let (kind, label) = match name.trim().split_once(':') {
            Some((kind, label)) if !label.trim().is_empty() => (kind.trim(), label.trim()),
            Some(_) => return Err(bad()),
            None => (name.trim(), name.trim()),
        };
        let kind = Kind::parse(&kind.to_ascii_lowercase()).ok_or_else(bad)?;
        let url = url.trim().trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(' ') {
            return Err(bad());
        }
        Ok(Self {
            name: label.to_ascii_lowercase(),
            kind,
            base: url.to_owned(),
        })
    }

    /// The URLs one refresh fetches, for prices in `currencies` (ISO codes).
    pub fn urls(&self, currencies: &[&str]) -> Vec<String> {
        let base = &self.base;
        match self.kind {
            Kind::Kraken => vec![format!("{base}/0/public/Ticker?pair=XMRUSD,XMREUR")],
            Kind::CoinGecko => {
                let codes = currencies.join(",").to_ascii_lowercase();
                vec![format!(
                    "{base}/api/v3/simple/price?ids=monero&vs_currencies={codes}"
                )]
            }
            Kind::Bitfinex => {
                let symbols: Vec<String> = ["USD", "EUR", "GBP", "JPY"]
                    .iter()
                    .filter(|c| currencies.contains(c))
                    .map(|c| format!("tXMR{c}"))
                    .collect();
                vec![format!("{base}/v2/tickers?symbols={}", symbols.join(","))]
            }
            Kind::CryptoCompare => currencies
                .chunks(CRYPTOCOMPARE_CHUNK)
                .map(|chunk| format!("{base}/data/pricemulti?fsyms=XMR&tsyms={}", chunk.join(",")))
                .collect(),
        }
    }

    /// The prices in a body this source answered, by currency. Quotes in a currency that
    /// is not an ISO 4217 code we trade in (BTC, USDT) are left out.
    pub fn read(&self, body: &str) -> Result<Vec<(Currency, Cents)>, SourceError> {
        let exact = quote_numbers(body);
        let raw: Vec<(String, String)> = match self.kind {
            Kind::Kraken => read_kraken(&exact)?,
            Kind::CoinGecko => read_coingecko(&exact)?,
            Kind::Bitfinex => read_bitfinex(&exact)?,
            Kind::CryptoCompare => read_cryptocompare(&exact)?,
        };
        let mut prices = Vec::with_capacity(raw.len());
        for (code, price) in raw {
            let Ok(currency) = Currency::parse(&code) else {
                continue;
            };
            let price = market::parse_quote(&price).map_err(|_| {
                SourceError::Malformed(format!(
                    "the {} price `{price}` is not a positive decimal",
                    currency.as_str()
                ))
            })?;
            prices.push((currency, price));
        }
        Ok(prices)
    }
}

fn malformed(e: serde_json::Error) -> SourceError {
    SourceError::Malformed(e.to_string())
}

fn read_kraken(body: &str) -> Result<Vec<(String, String)>, SourceError> {
    #[derive(Deserialize)]
    struct Ticker {
        error: Vec<String>,
        #[serde(default)]
        result: HashMap<String, Pair>,
    }
    #[derive(Deserialize)]
    struct Pair {
        /// Last trade closed: price, lot volume.
        c: Vec<String>,
    }
    let ticker: Ticker = serde_json::from_str(body).map_err(malformed)?;
    if !ticker.error.is_empty() {
        return Err(SourceError::Refused(ticker.error.join("; ")));
    }
    ticker
        .result
        .into_iter()
        .map(|(pair, p)| {
            // `XXMRZEUR` (the pair's name) or `XMREUR` (its altname): the quote currency
            // is the last three letters.
            let code = pair.get(pair.len().saturating_sub(3)..).unwrap_or_default();
            let price =
                p.c.into_iter()
                    .next()
                    .ok_or_else(|| SourceError::Malformed(format!("{pair} has no last price")))?;
            Ok((code.to_owned(), price))
        })
        .collect()
}

fn read_coingecko(body: &str) -> Result<Vec<(String, String)>, SourceError> {
    #[derive(Deserialize)]
    struct Simple {
        monero: Option<HashMap<String, String>>,
        status: Option<Status>,
    }
    #[derive(Deserialize)]
    struct Status {
        error_message: Option<String>,
    }
    let simple: Simple = serde_json::from_str(body).map_err(malformed)?;
    match (simple.monero, simple.status) {
        (Some(prices), _) => Ok(prices.into_iter().collect()),
        (
            None,
            Some(Status {
                error_message: Some(m),
            }),
        ) => Err(SourceError::Refused(m)),
        (None, _) => Err(SourceError::Malformed("no `monero` prices".into())),
    }
}

fn read_bitfinex(body: &str) -> Result<Vec<(String, String)>, SourceError> {
    let rows: Vec<serde_json::Value> = serde_json::from_str(body).map_err(malformed)?;
    if rows.first().and_then(|v| v.as_str()) == Some("error") {
        let message = rows.get(2).and_then(|v| v.as_str()).unwrap_or("error");
        return Err(SourceError::Refused(message.to_owned()));
    }
    rows.iter()
        .map(|row| {
            let fields: Vec<&str> = row
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            let (Some(symbol), Some(last)) = (fields.first(), fields.get(7)) else {
                return Err(SourceError::Malformed(format!("not a ticker row: {row}")));
            };
            let code = symbol
                .strip_prefix("tXMR")
                .ok_or_else(|| SourceError::Malformed(format!("not an XMR ticker: {symbol}")))?;
            Ok((code.to_owned(), (*last).to_owned()))
        })
        .collect()
}

fn read_cryptocompare(body: &str) -> Result<Vec<(String, String)>, SourceError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Answer {
        Prices {
            #[serde(rename = "XMR")]
            xmr: HashMap<String, String>,
        },
        Error {
            #[serde(rename = "Response")]
            response: String,
            #[serde(rename = "Message", default)]
            message: String,
        },
    }
    match serde_json::from_str(body).map_err(malformed)? {
        Answer::Prices { xmr } => Ok(xmr.into_iter().collect()),
        Answer::Error { response, message } => Err(SourceError::Refused(if message.is_empty() {
            response
        } else {
            message
        })),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/fixtures/prices/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn source(spec: &str) -> Source {
        Source::parse(spec).unwrap()
    }

    fn prices(spec: &str, file: &str) -> Vec<(String, i64)> {
        let mut p: Vec<(String, i64)> = source(spec)
            .read(&fixture(file))
            .unwrap()
            .into_iter()
            .map(|(c, p)| (c.as_str().to_owned(), p.0))
            .collect();
        p.sort();
        p
    }

    #[test]
    fn each_connector_reads_its_documented_format() {
        assert_eq!(
            prices("kraken=http://k", "kraken_ticker.json"),
            [("EUR".into(), 14_888), ("USD".into(), 16_227)]
        );
        assert_eq!(
            prices("coingecko=http://c", "coingecko_simple_price.json"),
            [
                ("CHF".into(), 14_120),
                ("EUR".into(), 14_902),
                ("GBP".into(), 12_844),
                ("JPY".into(), 2_431_050),
                ("USD".into(), 16_231),
            ],
            "btc is not a fiat currency"
        );
        assert_eq!(
            prices("bitfinex=http://b", "bitfinex_tickers.json"),
            [("USD".into(), 16_215)]
        );
        assert_eq!(
            prices("cryptocompare=http://cc", "cryptocompare_pricemulti.json"),
            [
                ("EUR".into(), 14_910),
                ("GBP".into(), 12_860),
                ("USD".into(), 16_240)
            ]
        );
    }

    #[test]
    fn each_connector_reports_its_apis_errors() {
        for (spec, file, says) in [
            ("kraken=http://k", "kraken_error.json", "Unknown asset pair"),
            ("coingecko=http://c", "coingecko_error.json", "Rate Limit"),
            (
                "bitfinex=http://b",
                "bitfinex_error.json",
                "symbol: invalid",
            ),
            (
                "cryptocompare=http://cc",
                "cryptocompare_error.json",
                "fsyms param",
            ),
        ] {
            match source(spec).read(&fixture(file)) {
                Err(SourceError::Refused(m)) => assert!(m.contains(says), "{spec}: {m}"),
                other => panic!("{spec}: {other:?}"),
            }
        }
    }

    #[test]
    fn malformed_bodies_are_errors_not_prices() {
        for spec in [
            "kraken=http://k",
            "coingecko=http://c",
            "bitfinex=http://b",
            "cryptocompare=http://cc",
        ] {
            for body in [
                "",
                "<html>502 Bad Gateway</html>",
                "{\"error\":[],\"result\":{\"XXMRZEUR\":{\"c\":[\"-1\",\"1\"]}}}",
                "{\"monero\":{\"eur\":\"cheap\"}}",
                "[[\"tXMRUSD\",1,2]]",
                "{\"XMR\":{\"EUR\":0}}",
                "{}",
            ] {
                let read = source(spec).read(body);
                assert!(
                    !matches!(&read, Ok(p) if !p.is_empty()),
                    "{spec} read prices from {body:?}: {read:?}"
                );
            }
        }
    }

    #[test]
    fn sources_are_configured_as_kind_equals_url() {
        let parsed = parse_sources(&[
            "kraken=http://127.0.0.1:9/".into(),
            "coingecko:mirror=https://example.org/cg".into(),
            " ".into(),
        ])
        .unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].name, "kraken");
        assert_eq!(
            parsed[0].urls(&["EUR"]),
            ["http://127.0.0.1:9/0/public/Ticker?pair=XMRUSD,XMREUR"]
        );
        assert_eq!(parsed[1].name, "mirror");
        for bad in [
            "kraken",
            "binance=http://x",
            "kraken=ftp://x",
            "kraken:=http://x",
        ] {
            assert!(Source::parse(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            parse_sources(&["kraken=http://a".into(), "kraken=http://b".into()]),
            Err(SourceError::Duplicate(_))
        ));
        let codes: Vec<&str> = vec!["EUR"; 60];
        assert_eq!(source("cryptocompare=http://cc").urls(&codes).len(), 3);
    }
}
