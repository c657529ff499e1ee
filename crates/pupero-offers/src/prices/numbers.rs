//! Exact numbers out of JSON: price APIs publish prices as JSON numbers (CoinGecko,
//! Bitfinex, CryptoCompare), which serde_json would read as `f64`. Quoting every number
//! token first keeps the digits exactly as sent, to be parsed as a decimal.

/// `body` with every number outside a string turned into a string of the same digits.
/// Anything that is not JSON stays not JSON (the parse after this fails on it).
pub fn quote_numbers(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 64);
    let mut chars = body.chars().peekable();
    let mut in_string = false;
    let mut escaped = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '-' | '0'..='9' => {
                out.push('"');
                out.push(c);
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_digit() || matches!(n, '.' | 'e' | 'E' | '+' | '-') {
                        out.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push('"');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_strings_and_strings_stay() {
        assert_eq!(
            quote_numbers(r#"{"a":163.45,"b":[-1.5e-3, 7],"c":"x\"1,2","d":true}"#),
            r#"{"a":"163.45","b":["-1.5e-3", "7"],"c":"x\"1,2","d":true}"#
        );
    }
}
