//! The routing table: which path prefix goes to which service, and what path it sees.
//!
//! The gateway judges a path after decoding it, so the path it forwards must be that same
//! decoded path, re-encoded: cutting the prefix off the raw text instead once turned
//! `/%61uth/x` into `http://127.0.0.1:9001th/x` (port 80 of the service's host). Here the
//! upstream path is rebuilt from the decoded segments, and the proxy puts it after the
//! configured scheme and authority, never after raw request text.

use axum::http::Uri;
use axum::http::uri::{Authority, PathAndQuery, Scheme};

use pupero_config::Service;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub service: Service,
    /// The path the service receives (the gateway prefix stripped where the seed strips
    /// it), percent-encoded so that the service decodes it to the path judged here.
    pub upstream_path: String,
    /// Only admins may pass (the hot wallet's routes).
    pub admin_only: bool,
}

/// Decides where a request path goes. `None` means "not ours": 404, never forwarded.
///
/// The path is checked after percent-decoding (repeatedly, so double encoding gains
/// nothing): `internal` and dot segments, empty segments (`//`), backslashes and control
/// characters are refused, and so is every service's `/metrics` (scraped on the
/// services' own ports, with a credential, never through the public gateway).
pub fn route_for(raw_path: &str) -> Option<Route> {
    let decoded = percent_decode(raw_path)?;
    if !decoded.starts_with('/') || decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    let last = segments.len() - 1;
    let refused = |(i, s): (usize, &&str)| {
        (s.is_empty() && i != last) || *s == "." || *s == ".." || s.eq_ignore_ascii_case("internal")
    };
    if segments.iter().enumerate().any(refused) {
        return None;
    }
    let (service, keep_prefix, admin_only) = match *segments.first()? {
        "auth" => (Service::Login, false, false),
        "offers" => (Service::Offers, true, false),
        "me" if segments.get(1) == Some(&"offers") => (Service::Offers, true, false),
        "transactions" => (Service::Transactions, false, false),
        "notifications" => (Service::Transactions, true, false),
        "monero" => (Service::Wallet, false, true),
        "moderation" => (Service::Moderation, false, false),
        _ => return None,
    };
    let forwarded = if keep_prefix {
        segments.as_slice()
    } else {
        segments.get(1..)?
    };
    if is_metrics(forwarded) {
        return None;
    }
    let mut upstream_path = String::with_capacity(decoded.len() + 8);
    for segment in forwarded {
        upstream_path.push('/');
        encode_segment(segment, &mut upstream_path);
    }
    if upstream_path.is_empty() {
        upstream_path.push('/');
    }
    Some(Route {
        service,
        upstream_path,
        admin_only,
    })
}

/// `/metrics` (or `/metrics/`) as the service would see it.
fn is_metrics(forwarded: &[&str]) -> bool {
    match forwarded {
        [m] | [m, ""] => m.eq_ignore_ascii_case("metrics"),
        _ => false,
    }
}

/// Where a service lives, parsed once from its configured URL. Only these parts (and
/// the path the routing table made) make the upstream URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: Scheme,
    authority: Authority,
    /// A path prefix in the configured URL (usually empty), without a trailing slash.
    base_path: String,
}

impl Origin {
    /// `None` for a URL without an http(s) scheme and a host, or with a query.
    pub fn parse(url: &str) -> Option<Self> {
        let uri: Uri = url.parse().ok()?;
        let scheme = uri.scheme()?.clone();
        if scheme != Scheme::HTTP && scheme != Scheme::HTTPS {
            return None;
        }
        let authority = uri.authority()?.clone();
        // A port that is not a number would silently become the scheme's default port.
        let host_port = authority.as_str().rsplit('@').next().unwrap_or_default();
        let after_host = match host_port.rfind(']') {
            Some(i) => &host_port[i..],
            None => host_port,
        };
        if after_host.contains(':') && authority.port_u16().is_none() {
            return None;
        }
        if uri.query().is_some() {
            return None;
        }
        Some(Self {
            scheme,
            authority,
            base_path: uri.path().trim_end_matches('/').to_owned(),
        })
    }

    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    /// The URI for `route` with the client's query string (already a valid query, as
    /// the request line it came from was parsed).
    pub fn uri_for(&self, route: &Route, query: Option<&str>) -> Option<Uri> {
        let path_and_query = match query {
            Some(q) => format!("{}{}?{q}", self.base_path, route.upstream_path),
            None => format!("{}{}", self.base_path, route.upstream_path),
        };
        let path_and_query: PathAndQuery = path_and_query.parse().ok()?;
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(path_and_query)
            .build()
            .ok()
    }
}

/// Appends `segment` percent-encoded: RFC 3986 unreserved characters, sub-delims, `:`
/// and `@` stay as they are; everything else (`%`, `/`, `?`, `#`, spaces, non-ASCII)
/// is encoded, so the service decodes exactly `segment`.
fn encode_segment(segment: &str, out: &mut String) {
    for &b in segment.as_bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Decodes until nothing is left to decode; `None` for a malformed escape or a result
/// that is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let mut current = path.to_owned();
    // Every round shortens the text, so this ends; the bound only caps the work.
    for _ in 0..8 {
        if !current.contains('%') {
            return Some(current);
        }
        current = decode_once(&current)?;
    }
    None
}

fn decode_once(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream(path: &str) -> Option<(Service, String, bool)> {
        route_for(path).map(|r| (r.service, r.upstream_path, r.admin_only))
    }

    #[test]
    fn prefixes_map_to_services() {
        assert_eq!(
            upstream("/auth/login"),
            Some((Service::Login, "/login".into(), false))
        );
        assert_eq!(upstream("/auth"), Some((Service::Login, "/".into(), false)));
        assert_eq!(
            upstream("/offers"),
            Some((Service::Offers, "/offers".into(), false))
        );
        assert_eq!(
            upstream("/offers/12"),
            Some((Service::Offers, "/offers/12".into(), false))
        );
        assert_eq!(
            upstream("/me/offers"),
            Some((Service::Offers, "/me/offers".into(), false))
        );
        assert_eq!(
            upstream("/transactions/trades/3"),
            Some((Service::Transactions, "/trades/3".into(), false))
        );
        assert_eq!(
            upstream("/notifications/4/read"),
            Some((Service::Transactions, "/notifications/4/read".into(), false))
        );
        assert_eq!(
            upstream("/monero/balance"),
            Some((Service::Wallet, "/balance".into(), true))
        );
        assert_eq!(
            upstream("/moderation/reports"),
            Some((Service::Moderation, "/reports".into(), false))
        );
        assert_eq!(upstream("/users/x"), None);
        assert_eq!(upstream("/me"), None);
    }

    #[test]
    fn internal_paths_are_never_routed() {
        for p in [
            "/transactions/internal/credit",
            "/auth/INTERNAL/x",
            "/auth/%69nternal/x",
            "/auth/%2569nternal/x",
            "/transactions/trades/../internal/x",
            "/auth/%2e%2e/x",
            "/internal/x",
            "/auth/%zz",
            "/auth/%+1/x",
        ] {
            assert_eq!(route_for(p), None, "{p}");
        }
    }

    // issue 9 item 3: an encoded prefix once left the rest of the raw text as the
    // upstream path, which became part of the URL's port.
    #[test]
    fn encoded_prefixes_forward_the_decoded_path() {
        for (raw, service, path) in [
            ("/%61uth/x", Service::Login, "/x"),
            ("/aut%68/x", Service::Login, "/x"),
            ("/aut%2568/x", Service::Login, "/x"),
            ("/transaction%73/x", Service::Transactions, "/x"),
            ("/%6Fffers/7", Service::Offers, "/offers/7"),
            ("/auth%2fusers%2Falice", Service::Login, "/users/alice"),
            ("/auth/users/a%20b", Service::Login, "/users/a%20b"),
            ("/auth/users/a%3Fb", Service::Login, "/users/a%3Fb"),
            ("/auth/", Service::Login, "/"),
        ] {
            assert_eq!(
                upstream(raw),
                Some((service, path.to_owned(), false)),
                "{raw}"
            );
        }
    }

    #[test]
    fn confusing_paths_are_refused() {
        for p in [
            "/auth//x",
            "//auth/x",
            "/auth/x%2f%2fy",
            "/auth\\x",
            "/auth%5cx",
            "/auth/%09/x",
            "/auth/x%0d%0aHost:%20evil",
            "/auth/%7f",
            "/auth/%c2%85",
            "/auth/./x",
            "/auth/%252e/x",
            "/AUTH/x",
            "/auth/%ff",
            "auth/x",
            "",
        ] {
            assert_eq!(route_for(p), None, "{p}");
        }
    }

    // issue 9 item 11: metrics stay off the public surface.
    #[test]
    fn service_metrics_are_not_routed() {
        for p in [
            "/auth/metrics",
            "/auth/metrics/",
            "/transactions/metrics",
            "/transactions/METRICS",
            "/monero/metrics",
            "/moderation/metrics",
            "/auth/%6detrics",
            "/%61uth/metric%73",
        ] {
            assert_eq!(route_for(p), None, "{p}");
        }
        // Other paths that merely contain the word are not metrics.
        assert!(route_for("/auth/users/metrics").is_some());
        assert!(route_for("/offers/metrics").is_some());
    }

    #[test]
    fn the_upstream_uri_keeps_the_configured_origin() {
        let origin = Origin::parse("http://127.0.0.1:9001").unwrap();
        let route = route_for("/%61uth/x").unwrap();
        let uri = origin.uri_for(&route, Some("a=1&b=%2F")).unwrap();
        assert_eq!(uri.to_string(), "http://127.0.0.1:9001/x?a=1&b=%2F");
        let prefixed = Origin::parse("http://login.internal:80/api/").unwrap();
        let uri = prefixed.uri_for(&route, None).unwrap();
        assert_eq!(uri.to_string(), "http://login.internal:80/api/x");
        for bad in [
            "127.0.0.1:9001",
            "ftp://x",
            "http://h:80x",
            "http://h/?q",
            "/x",
        ] {
            assert_eq!(Origin::parse(bad), None, "{bad}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const PREFIXES: [&str; 8] = [
            "auth",
            "offers",
            "me/offers",
            "transactions",
            "notifications",
            "monero",
            "moderation",
            "internal",
        ];

        /// One character as a client might send it: itself, or %-encoded in either
        /// case, or encoded twice.
        fn spelling(c: char) -> impl Strategy<Value = String> {
            let byte = c as u32;
            let raw = c.to_string();
            prop_oneof![
                Just(raw),
                Just(format!("%{byte:02x}")),
                Just(format!("%{byte:02X}")),
                Just(format!("%25{byte:02X}")),
            ]
        }

        fn spelled(text: &'static str) -> impl Strategy<Value = String> {
            text.chars()
                .map(spelling)
                .collect::<Vec<_>>()
                .prop_map(|parts| parts.concat())
        }

        /// Pieces that confuse path handling, in several spellings.
        fn tricky() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("/".to_owned()),
                Just("//".to_owned()),
                Just("/./".to_owned()),
                Just("/../".to_owned()),
                Just("\\".to_owned()),
                Just("%5c".to_owned()),
                Just("%2f".to_owned()),
                Just("%2F%2F".to_owned()),
                Just("%2e%2e".to_owned()),
                Just("%252e%252e%252f".to_owned()),
                Just("%00".to_owned()),
                Just("%09".to_owned()),
                Just("%0d%0a".to_owned()),
                Just("%7f".to_owned()),
                Just("@".to_owned()),
                Just(":".to_owned()),
                Just("%3a80".to_owned()),
                Just("%40evil.example".to_owned()),
                Just("?".to_owned()),
                Just("#".to_owned()),
                Just("%".to_owned()),
                Just("%e2%80%ae".to_owned()),
                "[a-z0-9]{0,6}",
                spelled("internal"),
                spelled("metrics"),
            ]
        }

        fn path() -> impl Strategy<Value = String> {
            (
                prop::bool::weighted(0.9),
                prop::sample::select(PREFIXES.to_vec()).prop_flat_map(spelled),
                // Mostly plain segments, so most paths are routed and checked; one
                // confusing piece among them is enough to test the refusals.
                prop::collection::vec(prop_oneof![3 => "/[a-z0-9._~-]{1,6}", 1 => tricky()], 0..5),
            )
                .prop_map(|(leading, prefix, rest)| {
                    let lead = if leading { "/" } else { "" };
                    format!("{lead}{prefix}{}", rest.concat())
                })
        }

        /// What a service does with the path it receives: one percent-decoding.
        fn service_view(path: &str) -> Option<String> {
            decode_once(path)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]

            // issue 9 item 3: for any spelling of any prefix among confusing pieces,
            // the request goes to exactly the configured host:port of the service the
            // decoded path names, or nowhere.
            #[test]
            fn a_request_reaches_the_named_service_or_nothing(raw in path()) {
                let origin = Origin::parse("http://10.0.0.7:9001").unwrap();
                let Some(route) = route_for(&raw) else { return Ok(()); };
                let decoded = percent_decode(&raw).unwrap();
                let first = decoded.trim_start_matches('/').split('/').next().unwrap();
                let expected = match first {
                    "auth" => Service::Login,
                    "offers" | "me" => Service::Offers,
                    "transactions" | "notifications" => Service::Transactions,
                    "monero" => Service::Wallet,
                    "moderation" => Service::Moderation,
                    other => panic!("{raw} routed by {other:?}"),
                };
                prop_assert_eq!(route.service, expected, "{}", raw);
                prop_assert_eq!(route.admin_only, expected == Service::Wallet);

                let uri = origin.uri_for(&route, Some("x=%2F..%2F")).unwrap();
                prop_assert_eq!(uri.scheme_str(), Some("http"));
                prop_assert_eq!(uri.host(), Some("10.0.0.7"));
                prop_assert_eq!(uri.port_u16(), Some(9001));
                // Reparsed from text, as a proxy or the service would, it is the same.
                let reparsed: Uri = uri.to_string().parse().unwrap();
                prop_assert_eq!(reparsed.authority(), Some(origin.authority()));

                // The service sees the path the gateway judged: nothing internal, no
                // dot segments, no metrics, no control characters.
                let seen = service_view(uri.path()).unwrap();
                prop_assert!(seen.starts_with('/') && !seen.starts_with("//"), "{}", seen);
                prop_assert!(!seen.chars().any(|c| c.is_control() || c == '\\'), "{:?}", seen);
                for segment in seen.split('/') {
                    prop_assert!(!segment.eq_ignore_ascii_case("internal"), "{}", seen);
                    prop_assert!(segment != "." && segment != "..", "{}", seen);
                }
                prop_assert!(!seen.trim_end_matches('/').eq_ignore_ascii_case("/metrics"));
                let judged = match (expected, first) {
                    (Service::Offers, _) | (_, "notifications") => decoded.clone(),
                    _ => decoded[first.len() + 1..].to_owned(),
                };
                let judged = if judged.is_empty() { "/".to_owned() } else { judged };
                prop_assert_eq!(seen, judged, "{}", raw);
            }
        }
    }
}
