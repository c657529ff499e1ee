//! How amounts, times and codes read on a page. Amounts stay exact: trimming the
//! trailing zeros of a twelve-decimal string changes no digit that matters.

/// "1.500000000000" → "1.5", "2.000000000000" → "2".
pub fn xmr(amount: &str) -> String {
    match amount.split_once('.') {
        Some((whole, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                whole.to_owned()
            } else {
                format!("{whole}.{frac}")
            }
        }
        None => amount.to_owned(),
    }
}

/// An RFC 3339 instant as "2026-12-01 08:30 UTC".
pub fn when(rfc3339: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    match time::OffsetDateTime::parse(rfc3339, &Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(time::UtcOffset::UTC);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => rfc3339.to_owned(),
    }
}

/// The date part only: "2026-12-01".
pub fn day(rfc3339: &str) -> String {
    when(rfc3339).chars().take(10).collect()
}

pub fn trade_state(state: &str) -> &'static str {
    match state {
        "awaiting_payment" => "Awaiting payment",
        "paid" => "Paid — waiting for release",
        "completed" => "Completed",
        "cancelled" => "Cancelled",
        "disputed" => "In dispute",
        _ => "Unknown",
    }
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

pub fn withdrawal_status(status: &str) -> &'static str {
    match status {
        "queued" => "Queued",
        "signing" | "signed" => "Being sent",
        "relayed" => "Sent, confirming",
        "confirmed" => "Confirmed",
        "failed" => "Failed (refunded)",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmr_trims_only_trailing_zeros() {
        assert_eq!(xmr("1.500000000000"), "1.5");
        assert_eq!(xmr("2.000000000000"), "2");
        assert_eq!(xmr("0.000000000001"), "0.000000000001");
        assert_eq!(xmr("10.100000000000"), "10.1");
    }

    #[test]
    fn times_read_in_utc() {
        assert_eq!(when("2026-12-01T08:30:15Z"), "2026-12-01 08:30 UTC");
        assert_eq!(day("2026-12-01T08:30:15Z"), "2026-12-01");
    }

    #[test]
    fn payment_methods_read_as_words() {
        assert_eq!(payment_method("sepa_instant"), "SEPA instant");
        assert_eq!(payment_method("cash_by_mail"), "Cash by mail");
    }
}
