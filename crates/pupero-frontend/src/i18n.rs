//! The languages the web UI speaks: message catalogues (Project Fluent), the choice of
//! language for a request, and numbers and dates written the way that language writes them.
//!
//! Messages live in `locales/<language>/<area>.ftl`, one file per area of the site, the
//! same file names in every language; `build.rs` embeds whatever is there. English is the
//! reference: a test fails when any language lacks a message English has (or has one
//! English lacks), when a message does not format, or when the code or a template asks for
//! a key English does not define.
//!
//! The language of a request is decided once, by the layer in `layers.rs`: the visitor's
//! own choice (the `pupero_lang` cookie, which signing in sets from the account's stored
//! choice), else the browser's `Accept-Language`, else English. It is kept in a task-local
//! for the duration of the request, so a page, a flash message or an error page drawn deep
//! in a handler speaks it without the language being passed through every call.
//!
//! Amounts in form fields stay in the API's form ("0.5"): a page formats amounts for
//! reading with [`amount`], and a field's value with `view::xmr`, because a prefilled
//! "0,125" would be read back as ambiguous.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

mod catalogues {
    include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));
}

/// The cookie that carries the visitor's chosen language.
pub const COOKIE: &str = "pupero_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Fr,
    Es,
    Pt,
    De,
}

impl Locale {
    pub const ALL: [Locale; 5] = [Locale::En, Locale::Fr, Locale::Es, Locale::Pt, Locale::De];

    /// The BCP 47 tag, as `<html lang>` and the catalogue directories use it.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
            Locale::Es => "es",
            Locale::Pt => "pt",
            Locale::De => "de",
        }
    }

    /// The language's name in itself, as a language picker shows it.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Fr => "Français",
            Locale::Es => "Español",
            Locale::Pt => "Português",
            Locale::De => "Deutsch",
        }
    }

    /// A tag such as "fr", "fr-CH" or "PT-br": its primary language, when we speak it.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
    }

    /// The language an `Accept-Language` header prefers most among ours (RFC 9110 §12.5.4:
    /// quality values, `q=0` meaning "not this one"); the first listed wins a tie.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut best: Option<(Locale, u16)> = None;
        for range in accept_language.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), parse_quality);
            let (Some(locale), Some(q)) = (Locale::parse(tag), quality) else {
                continue;
            };
            if q > 0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((locale, q));
            }
        }
        best.map(|(l, _)| l)
    }

    fn decimal_mark(self) -> char {
        match self {
            Locale::En => '.',
            _ => ',',
        }
    }

    fn group_mark(self) -> char {
        match self {
            Locale::En => ',',
            // French groups with a narrow no-break space, so a number never wraps.
            Locale::Fr => '\u{202f}',
            Locale::Es | Locale::Pt | Locale::De => '.',
        }
    }

    /// Spanish leaves four-digit numbers ungrouped (CLDR's minimum grouping digits).
    fn min_grouping_digits(self) -> usize {
        match self {
            Locale::Es => 5,
            _ => 4,
        }
    }

    /// A decimal in the API's form ("-1234.5") as this language writes it ("-1 234,5").
    /// Anything that is not such a decimal is returned as it is.
    pub fn decimal(self, text: &str) -> String {
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (digits, None),
        };
        let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !is_digits(whole) || frac.is_some_and(|f| !is_digits(f)) {
            return text.to_owned();
        }
        let mut out = String::from(sign);
        if whole.len() >= self.min_grouping_digits() {
            for (i, c) in whole.chars().enumerate() {
                if i > 0 && (whole.len() - i) % 3 == 0 {
                    out.push(self.group_mark());
                }
                out.push(c);
            }
        } else {
            out.push_str(whole);
        }
        if let Some(frac) = frac {
            out.push(self.decimal_mark());
            out.push_str(frac);
        }
        out
    }

    /// A date as this language writes it: 2026-12-01, 01/12/2026 or 01.12.2026.
    fn date(self, year: i32, month: u8, day: u8) -> String {
        match self {
            Locale::En => format!("{year:04}-{month:02}-{day:02}"),
            Locale::Fr | Locale::Es | Locale::Pt => format!("{day:02}/{month:02}/{year:04}"),
            Locale::De => format!("{day:02}.{month:02}.{year:04}"),
        }
    }
}

/// "0.8" → 800, "1" → 1000; anything else is not a quality value.
fn parse_quality(raw: &str) -> Option<u16> {
    let raw = raw.trim();
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{frac:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

tokio::task_local! {
    static CURRENT: Locale;
}

/// The language of the request being served (English outside one).
pub fn current() -> Locale {
    CURRENT.try_with(|l| *l).unwrap_or_default()
}

/// Runs `work` in `locale`: everything it formats speaks that language.
pub async fn scope<F: Future>(locale: Locale, work: F) -> F::Output {
    CURRENT.scope(locale, work).await
}

struct Catalogue {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut bundles = HashMap::new();
        for locale in Locale::ALL {
            let id = locale.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Placeholders hold usernames and amounts inside HTML the templates escape;
            // bidi isolation marks would only end up in copied amounts.
            bundle.set_use_isolating(false);
            for (tag, area, source) in catalogues::CATALOGUES {
                if *tag != locale.tag() {
                    continue;
                }
                let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(
                    |(partial, errors)| {
                        tracing::error!(
                            language = tag,
                            area,
                            ?errors,
                            "message catalogue has syntax errors"
                        );
                        partial
                    },
                );
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(
                        language = tag,
                        area,
                        ?errors,
                        "message catalogue repeats a key"
                    );
                }
            }
            bundles.insert(locale, bundle);
        }
        Catalogue { bundles }
    })
}

fn format(locale: Locale, key: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = catalogue().bundles.get(&locale)?;
    let pattern = bundle.get_message(key)?.value()?;
    let mut errors = Vec::new();
    let text = bundle
        .format_pattern(pattern, args, &mut errors)
        .into_owned();
    if !errors.is_empty() {
        tracing::warn!(
            language = locale.tag(),
            key,
            ?errors,
            "message formatted with errors"
        );
    }
    Some(text)
}

/// The message `key` with `args` in the request's language, falling back to English, and
/// to the key itself (which the catalogue test makes impossible for keys the code names).
pub fn t_args(key: &str, args: &[(&str, &dyn Display)]) -> String {
    let texts: Vec<String> = args.iter().map(|(_, v)| v.to_string()).collect();
    let fluent_args = (!args.is_empty()).then(|| {
        let mut fa = FluentArgs::new();
        for ((name, _), text) in args.iter().zip(&texts) {
            // A number stays a number, so plural selection ("{ $n -> [one] … }") works.
            fa.set(*name, FluentValue::try_number(text));
        }
        fa
    });
    let locale = current();
    format(locale, key, fluent_args.as_ref())
        .or_else(|| {
            tracing::warn!(
                language = locale.tag(),
                key,
                "message missing; English used"
            );
            format(Locale::En, key, fluent_args.as_ref())
        })
        .unwrap_or_else(|| key.to_owned())
}

pub fn t(key: &str) -> String {
    t_args(key, &[])
}

pub fn t1(key: &str, name: &str, value: impl Display) -> String {
    t_args(key, &[(name, &value)])
}

pub fn t2(key: &str, a: &str, av: impl Display, b: &str, bv: impl Display) -> String {
    t_args(key, &[(a, &av), (b, &bv)])
}

/// An amount or price for reading ("1.500000000000" → "1,5" in French): trailing zeros
/// trimmed, then written the request's way.
pub fn amount(value: impl Display) -> String {
    current().decimal(&crate::view::xmr(value))
}

/// An RFC 3339 instant as the request's language writes it, in UTC.
pub fn when(rfc3339: &str) -> String {
    match utc(rfc3339) {
        Some(t) => format!(
            "{} {:02}:{:02} UTC",
            current().date(t.year(), u8::from(t.month()), t.day()),
            t.hour(),
            t.minute()
        ),
        None => rfc3339.to_owned(),
    }
}

/// The date part of an RFC 3339 instant (UTC) as the request's language writes it.
pub fn day(rfc3339: &str) -> String {
    match utc(rfc3339) {
        Some(t) => current().date(t.year(), u8::from(t.month()), t.day()),
        None => rfc3339.to_owned(),
    }
}

fn utc(rfc3339: &str) -> Option<time::OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(rfc3339, &Rfc3339)
        .ok()
        .map(|t| t.to_offset(time::UtcOffset::UTC))
}

#[cfg(test)]
mod tests;
