//! The one list of what an API key may call through the gateway: for each route, the
//! scope it needs and whether it moves money (and so must be signed), or that no key may
//! call it at all. The gateway enforces it and `/docs` shows it; login checks the key
//! itself (`pupero-login/src/api_keys.rs`).
//!
//! No key manages keys, the password, 2FA, mail or webhooks (those need a signed-in
//! session), and no key reaches staff routes: the token a key call is forwarded with is of
//! role `user` whatever the account's role, and the staff routes are refused here first.

use axum::http::Method;
use pupero_config::Service;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Trade,
    Withdraw,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Trade => "trade",
            Scope::Withdraw => "withdraw",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAccess {
    /// No key may make this call; the reason says what to do instead.
    Refused(&'static str),
    Allowed {
        scope: Scope,
        money_moving: bool,
    },
}

const fn allowed(scope: Scope) -> KeyAccess {
    KeyAccess::Allowed {
        scope,
        money_moving: false,
    }
}

const fn money(scope: Scope) -> KeyAccess {
    KeyAccess::Allowed {
        scope,
        money_moving: true,
    }
}

const ACCOUNT: KeyAccess =
    KeyAccess::Refused("API keys cannot manage the account, its keys, 2FA or mail: sign in");
const STAFF: KeyAccess = KeyAccess::Refused("API keys never act as staff");

/// What a key may do with `method` on `path`, the path as the service sees it (the
/// gateway prefix stripped where it is stripped; a route template such as
/// `/trades/{id}/{action}` reads the same).
pub fn key_access(service: Service, method: &Method, path: &str) -> KeyAccess {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let read = *method == Method::GET || *method == Method::HEAD;
    match service {
        Service::Login => match segments.as_slice() {
            ["me"] | ["users", ..] if read => allowed(Scope::Read),
            ["admin", ..] => STAFF,
            _ => ACCOUNT,
        },
        Service::Offers => match segments.as_slice() {
            _ if read => allowed(Scope::Read),
            // Posting, editing, pausing, deleting offers and the trusted/blocked lists.
            _ => allowed(Scope::Trade),
        },
        Service::Transactions => match segments.as_slice() {
            ["admin", ..] | ["transfer"] | ["disputes", ..] | ["trades", _, "resolve"] => STAFF,
            ["audit", "public-key"] if read => allowed(Scope::Read),
            ["audit", ..] => STAFF,
            ["notifications", "webhooks", ..] if read => allowed(Scope::Read),
            ["notifications", "webhooks", ..] => ACCOUNT,
            // Marking one's own events read changes nothing else.
            ["notifications", ..] => allowed(Scope::Read),
            _ if read => allowed(Scope::Read),
            // Opening a trade locks the seller's XMR in escrow.
            ["trades"] => money(Scope::Trade),
            // Chat, reviews and a dispute's statement and evidence move no money.
            [
                "trades",
                _,
                "messages" | "review" | "statement" | "evidence",
            ] => allowed(Scope::Trade),
            // Every step: paid, release, cancel, dispute, agree to cancel…
            ["trades", _, _] => money(Scope::Trade),
            ["withdraw"] | ["withdrawals", _, "cancel"] => money(Scope::Withdraw),
            _ => KeyAccess::Refused("API keys cannot make this call"),
        },
        Service::Wallet | Service::Moderation | Service::Frontend | Service::Gateway => STAFF,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(service: Service, method: Method, path: &str) -> KeyAccess {
        key_access(service, &method, path)
    }

    #[test]
    fn reads_need_read_and_money_moves_are_signed() {
        use Service::*;
        assert_eq!(access(Offers, Method::GET, "/offers"), allowed(Scope::Read));
        assert_eq!(
            access(Offers, Method::POST, "/offers"),
            allowed(Scope::Trade)
        );
        assert_eq!(
            access(Transactions, Method::GET, "/trades/4"),
            allowed(Scope::Read)
        );
        assert_eq!(
            access(Transactions, Method::POST, "/trades"),
            money(Scope::Trade)
        );
        assert_eq!(
            access(Transactions, Method::POST, "/trades/4/release"),
            money(Scope::Trade)
        );
        assert_eq!(
            access(Transactions, Method::POST, "/trades/{id}/{action}"),
            money(Scope::Trade)
        );
        assert_eq!(
            access(Transactions, Method::POST, "/trades/4/messages"),
            allowed(Scope::Trade)
        );
        assert_eq!(
            access(Transactions, Method::POST, "/withdraw"),
            money(Scope::Withdraw)
        );
        assert_eq!(
            access(Transactions, Method::POST, "/withdrawals/3/cancel"),
            money(Scope::Withdraw)
        );
        assert_eq!(
            access(Transactions, Method::GET, "/notifications/stream"),
            allowed(Scope::Read)
        );
        assert_eq!(access(Login, Method::GET, "/me"), allowed(Scope::Read));
    }

    #[test]
    fn keys_manage_nothing_and_are_never_staff() {
        use Service::*;
        for (service, method, path) in [
            (Login, Method::POST, "/api-keys"),
            (Login, Method::GET, "/api-keys"),
            (Login, Method::DELETE, "/api-keys/1"),
            (Login, Method::PUT, "/me"),
            (Login, Method::POST, "/2fa/disable"),
            (Login, Method::GET, "/admin/users"),
            (Transactions, Method::POST, "/admin/adjust"),
            (Transactions, Method::POST, "/transfer"),
            (Transactions, Method::POST, "/trades/4/resolve"),
            (Transactions, Method::GET, "/disputes"),
            (Transactions, Method::POST, "/notifications/webhooks"),
            (Wallet, Method::GET, "/balance"),
            (Moderation, Method::GET, "/reports"),
        ] {
            assert!(
                matches!(access(service, method.clone(), path), KeyAccess::Refused(_)),
                "{method} {path}"
            );
        }
    }
}
