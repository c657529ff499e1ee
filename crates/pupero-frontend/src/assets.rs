//! The stylesheet, script and icon, compiled into the binary: nothing is fetched at run
//! time and there is no build step.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::pages::PageError;

const STYLE: &str = include_str!("../static/style.css");
const SCRIPT: &str = include_str!("../static/app.js");
const ICON: &str = include_str!("../static/icon.svg");

pub async fn serve(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "app.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        "icon.svg" => (ICON, "image/svg+xml"),
        _ => return PageError::NotFound.into_response(),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::STYLE;

    /// A colour variable's value in the stylesheet's `:root`, as RGB.
    fn colour(name: &str) -> [f64; 3] {
        let at = STYLE
            .find(&format!("--{name}:"))
            .unwrap_or_else(|| panic!("no --{name}"));
        let hex = STYLE[at..].split('#').nth(1).unwrap();
        let hex: String = hex.chars().take_while(char::is_ascii_hexdigit).collect();
        let hex = if hex.len() == 3 {
            hex.chars().flat_map(|c| [c, c]).collect()
        } else {
            hex
        };
        let channel = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        [channel(0), channel(2), channel(4)]
    }

    /// WCAG 2 contrast ratio.
    fn contrast(a: &str, b: &str) -> f64 {
        let luminance = |c: [f64; 3]| {
            let lin = |v: f64| {
                if v <= 0.039_28 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
        };
        let (x, y) = (luminance(colour(a)), luminance(colour(b)));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn primary_buttons_and_links_meet_wcag_aa_contrast() {
        for (fg, bg) in [
            ("accent-ink", "accent"),
            ("accent-ink", "accent-dark"),
            ("accent-dark", "bg"),
            ("accent-dark", "card"),
            ("ink", "bg"),
            ("muted", "card"),
        ] {
            let ratio = contrast(fg, bg);
            assert!(
                ratio >= 4.5,
                "--{fg} on --{bg} is {ratio:.2}:1, below WCAG AA's 4.5:1"
            );
        }
    }
}
