//! How amounts, times and codes read on a page. Amounts stay exact: trimming the
//! trailing zeros of a twelve-decimal string changes no digit that matters.

use pupero_core::{TradeState, WithdrawalStatus};

use crate::i18n::t;

/// Where a list is, and the links to its neighbours.
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `page` (1-based) of `total` items, `per_page` a page; `link` makes a page's URL.
    pub fn new(page: u64, total: u64, per_page: u64, link: impl Fn(u64) -> String) -> Self {
        let pages = total.div_ceil(per_page.max(1)).max(1);
        Self {
            page,
            pages,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// The offset of `page` (1-based; 0 and below count as 1).
    pub fn offset(page: u64, per_page: u64) -> u64 {
        page.max(1).saturating_sub(1).saturating_mul(per_page)
    }
}

/// "1.500000000000" → "1.5", "2.000000000000" → "2" (an amount, or its text).
pub fn xmr(amount: impl std::fmt::Display) -> String {
    let amount = amount.to_string();
    match amount.split_once('.') {
        Some((whole, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                whole.to_owned()
            } else {
                format!("{whole}.{frac}")
            }
        }
        None => amount,
    }
}

/// A typed decimal with a decimal comma ("0,5", as French, Spanish, Portuguese and German
/// write it) in the API's form ("0.5"). Only an unambiguous comma is read so: one comma,
/// no dot, and not three digits after it ("1,000" may be a thousands separator, so it is
/// left for the API to refuse, naming the field, rather than guessed at with money).
pub fn decimal_input(raw: &str) -> String {
    let raw = raw.trim();
    let thousands = |frac: &str| frac.len() == 3 && frac.bytes().all(|b| b.is_ascii_digit());
    match raw.split_once(',') {
        Some((whole, frac)) if !raw.contains('.') && !frac.contains(',') && !thousands(frac) => {
            format!("{whole}.{frac}")
        }
        _ => raw.to_owned(),
    }
}

/// An RFC 3339 instant in UTC, as the request's language writes it ("2026-12-01 08:30 UTC").
pub fn when(rfc3339: &str) -> String {
    crate::i18n::when(rfc3339)
}

/// The date part only ("2026-12-01" in English).
pub fn day(rfc3339: &str) -> String {
    crate::i18n::day(rfc3339)
}

pub fn trade_state(state: TradeState) -> String {
    t(match state {
        TradeState::AwaitingPayment => "trade-state-awaiting-payment",
        TradeState::Paid => "trade-state-paid",
        TradeState::Completed => "trade-state-completed",
        TradeState::Cancelled => "trade-state-cancelled",
        TradeState::Disputed => "trade-state-disputed",
    })
}

pub fn payment_method(code: &str) -> String {
    let words: Vec<String> = code
        .split('_')
        .map(|w| match w {
            "sepa" | "upi" | "pix" => w.to_ascii_uppercase(),
            _ => w.to_owned(),
        })
        .collect();
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

pub fn withdrawal_status(status: WithdrawalStatus) -> String {
    t(match status {
        WithdrawalStatus::Queued => "withdrawal-status-queued",
        WithdrawalStatus::Signing | WithdrawalStatus::Signed => "withdrawal-status-sending",
        WithdrawalStatus::Relayed => "withdrawal-status-relayed",
        WithdrawalStatus::Confirmed => "withdrawal-status-confirmed",
        WithdrawalStatus::Failed => "withdrawal-status-failed",
        WithdrawalStatus::Cancelled => "withdrawal-status-cancelled",
    })
}

/// A QR code of `text` as an `<img>` source (empty if the text does not fit in one).
pub fn qr_data_uri(text: &str) -> String {
    use base64::Engine;
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(220, 220)
                .quiet_zone(true)
                .build();
            format!(
                "data:image/svg+xml;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(svg.as_bytes())
            )
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decimal_comma_is_read_only_when_unambiguous() {
        assert_eq!(decimal_input(" 0,5 "), "0.5");
        assert_eq!(decimal_input("150,25"), "150.25");
        assert_eq!(decimal_input("1.5"), "1.5");
        assert_eq!(
            decimal_input("1,000"),
            "1,000",
            "maybe a thousands separator"
        );
        assert_eq!(decimal_input("1,000.5"), "1,000.5");
        assert_eq!(decimal_input("1,2,3"), "1,2,3");
        assert_eq!(decimal_input("-1,5"), "-1.5");
    }

    #[test]
    fn xmr_trims_only_trailing_zeros() {
        assert_eq!(xmr("1.500000000000"), "1.5");
        assert_eq!(xmr("2.000000000000"), "2");
        assert_eq!(xmr("0.000000000001"), "0.000000000001");
        assert_eq!(xmr("10.100000000000"), "10.1");
    }

    #[test]
    fn amounts_trim_the_same_as_their_text() {
        let amount = pupero_core::Piconero::new(1_500_000_000_000).unwrap();
        assert_eq!(xmr(amount), "1.5");
        assert_eq!(xmr(pupero_core::Piconero::default()), "0");
    }

    #[test]
    fn a_deposit_address_draws_as_an_svg_qr_code() {
        let uri = qr_data_uri("monero:4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx");
        assert!(uri.starts_with("data:image/svg+xml;base64,"), "{uri}");
    }

    #[test]
    fn times_read_in_utc() {
        assert_eq!(when("2026-12-01T08:30:15Z"), "2026-12-01 08:30 UTC");
        assert_eq!(day("2026-12-01T08:30:15Z"), "2026-12-01");
    }

    #[test]
    fn pagers_link_to_existing_neighbours_only() {
        let link = |p: u64| format!("/?page={p}");
        let first = Pager::new(1, 45, 20, link);
        assert_eq!(
            (first.pages, first.prev, first.next.as_deref()),
            (3, None, Some("/?page=2"))
        );
        let last = Pager::new(3, 45, 20, link);
        assert_eq!((last.prev.as_deref(), last.next), (Some("/?page=2"), None));
        let empty = Pager::new(1, 0, 20, link);
        assert_eq!((empty.pages, empty.prev, empty.next), (1, None, None));
        assert_eq!(Pager::offset(0, 20), 0);
        assert_eq!(Pager::offset(3, 20), 40);
        assert_eq!(
            Pager::offset(u64::MAX, 20),
            u64::MAX,
            "saturates instead of wrapping"
        );
    }

    #[test]
    fn payment_methods_read_as_words() {
        assert_eq!(payment_method("sepa_instant"), "SEPA instant");
        assert_eq!(payment_method("cash_by_mail"), "Cash by mail");
    }
}
