//! The routing table: which path prefix goes to which service, and what path it sees.

use pupero_config::Service;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub service: Service,
    /// The path the service receives (the gateway prefix stripped where the seed strips it).
    pub upstream_path: String,
    /// Only admins may pass (the hot wallet's routes).
    pub admin_only: bool,
}

/// Decides where a request path goes. `None` means "not ours": 404, never forwarded.
///
/// The path is checked after percent-decoding so `/auth/%69nternal/x` cannot sneak
/// past the `/internal/` rule, and dot segments are refused outright.
pub fn route_for(raw_path: &str) -> Option<Route> {
    let decoded = percent_decode(raw_path)?;
    if decoded.contains('\\') {
        return None;
    }
    let segments: Vec<&str> = decoded.split('/').skip(1).collect();
    if segments
        .iter()
        .any(|s| *s == "." || *s == ".." || s.eq_ignore_ascii_case("internal"))
    {
        return None;
    }
    let first = *segments.first()?;
    let rest = || format!("/{}", segments[1..].join("/"));
    let route = |service, upstream_path, admin_only| {
        Some(Route {
            service,
            upstream_path,
            admin_only,
        })
    };
    match first {
        "auth" => route(Service::Login, rest(), false),
        "offers" => route(Service::Offers, raw_path.to_owned(), false),
        "me" if segments.get(1) == Some(&"offers") => {
            route(Service::Offers, raw_path.to_owned(), false)
        }
        "transactions" => route(Service::Transactions, rest(), false),
        "monero" => route(Service::Wallet, rest(), true),
        "moderation" => route(Service::Moderation, rest(), false),
        _ => None,
    }
    .map(|mut r: Route| {
        // Forward exactly what the client sent (still encoded) below the prefix.
        if r.upstream_path != raw_path {
            let prefix_len = first.len() + 1;
            r.upstream_path = match raw_path.get(prefix_len..) {
                Some("") | None => "/".to_owned(),
                Some(p) => p.to_owned(),
            };
        }
        r
    })
}

fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = path.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    // Encoded twice? Decode again so %2569nternal is judged as "internal" too.
    if decoded.contains('%') && decoded != path {
        return percent_decode(&decoded);
    }
    Some(decoded)
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
        ] {
            assert_eq!(route_for(p), None, "{p}");
        }
    }
}
