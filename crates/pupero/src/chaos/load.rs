//! The mixed load: registrations, offers, trades to completion, disputes and their
//! resolution, chat, deposits (faucet payments to deposit subaddresses) and withdrawals
//! (each to a fresh subaddress of the faucet wallet, so each payment can be found again).
//! Everything that moves money is recorded for the checks afterwards.

// Reads JSON answers with serde_json::Value's `[]`, which gives Null for a missing key or
// index and never panics; the lint cannot tell it from slice indexing.
#![allow(clippy::indexing_slicing)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::{Method, StatusCode};
use serde_json::json;

use pupero_core::Piconero;
use pupero_wallet::rpc::WalletRpc;

use super::client::{Caller, Client};

pub const PASSWORD: &str = "chaos password 123";

/// A faucet payment to a user's deposit subaddress.
#[derive(Debug, Clone)]
pub struct SentDeposit {
    pub txid: String,
    pub user_id: i64,
    pub amount: i64,
}

/// A withdrawal the load asked for (answered or not).
#[derive(Debug, Clone)]
pub struct AskedWithdrawal {
    pub user_id: i64,
    /// Unique in the run: finds the ledger's row again.
    pub amount: i64,
    /// The faucet wallet's subaddress it pays (minor index, account 0).
    pub address_index: u32,
    /// The id the platform answered with, if it answered 200/201.
    pub accepted: Option<i64>,
}

#[derive(Debug, Default)]
pub struct Records {
    pub deposits: Vec<SentDeposit>,
    pub withdrawals: Vec<AskedWithdrawal>,
    pub trades: Vec<i64>,
}

/// What every load task shares.
pub struct World {
    pub client: Client,
    pub faucet: WalletRpc,
    pub moderator: Caller,
    pub users: Mutex<Vec<Caller>>,
    /// The sellers and buyers (who have funds to withdraw).
    pub traders: Mutex<Vec<Caller>>,
    pub records: Mutex<Records>,
    next: AtomicU32,
}

impl World {
    pub fn new(client: Client, faucet: WalletRpc, moderator: Caller) -> Self {
        Self {
            client,
            faucet,
            moderator,
            users: Mutex::default(),
            traders: Mutex::default(),
            records: Mutex::default(),
            // 1 is the moderator's address.
            next: AtomicU32::new(2),
        }
    }

    fn next(&self) -> u32 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    fn record(&self, f: impl FnOnce(&mut Records)) {
        if let Ok(mut r) = self.records.lock() {
            f(&mut r);
        }
    }

    fn random_user(&self) -> Option<Caller> {
        Self::pick(&self.users)
    }

    fn pick(list: &Mutex<Vec<Caller>>) -> Option<Caller> {
        let users = list.lock().ok()?;
        if users.is_empty() {
            return None;
        }
        let n = rand::rng().random_range(0..users.len());
        users.get(n).cloned()
    }

    /// Registers, signs in and learns the id of a new account (through the gateway).
    pub async fn register(&self, prefix: &str) -> Option<Caller> {
        let n = self.next();
        let mut caller = Caller::anonymous(n);
        let name = format!("{prefix}{n}");
        let body =
            json!({"email": format!("{name}@example.com"), "username": name, "password": PASSWORD});
        let (status, _) = self
            .client
            .call(
                "register",
                Method::POST,
                "/auth/register",
                &caller,
                None,
                Some(&body),
            )
            .await?;
        // A retry after a registration that went through answers 409: the account exists.
        if !(status.is_success() || status == StatusCode::CONFLICT) {
            return None;
        }
        sign_in(&self.client, &mut caller, &name).await?;
        Some(caller)
    }

    /// Pays `amount` from the faucet to `user`'s deposit address; records the payment.
    pub async fn deposit(&self, user: &Caller, amount: i64) -> Option<String> {
        let (status, body) = self
            .client
            .call(
                "deposit-address",
                Method::GET,
                "/transactions/deposit-address",
                user,
                None,
                None,
            )
            .await?;
        if !status.is_success() {
            return None;
        }
        let address = body["address"].as_str()?.to_owned();
        // The faucet spends only outputs it has seen unlock.
        let _ = self.faucet.refresh().await;
        match self
            .faucet
            .transfer_now(&address, u64::try_from(amount).ok()?)
            .await
        {
            Ok(txid) => {
                self.client.count("deposit", true);
                self.record(|r| {
                    r.deposits.push(SentDeposit {
                        txid: txid.clone(),
                        user_id: user.id,
                        amount,
                    });
                });
                Some(txid)
            }
            Err(e) => {
                // Usually the faucet's outputs are still locked; the next one will do.
                tracing::debug!(error = %e, "chaos: faucet payment refused");
                self.client.count("deposit", false);
                None
            }
        }
    }
}

/// Signs `caller` in as `name` and reads its id.
pub async fn sign_in(client: &Client, caller: &mut Caller, name: &str) -> Option<()> {
    let body = json!({"username": name, "password": PASSWORD});
    let (status, tokens) = client
        .call(
            "login",
            Method::POST,
            "/auth/login",
            caller,
            None,
            Some(&body),
        )
        .await?;
    if !status.is_success() {
        return None;
    }
    caller.token = Some(tokens["access_token"].as_str()?.to_owned());
    let (status, me) = client
        .call("me", Method::GET, "/auth/me", caller, None, None)
        .await?;
    if !status.is_success() {
        return None;
    }
    caller.id = me["id"].as_i64()?;
    caller.name = name.to_owned();
    Some(())
}

/// `n`th unique amount above `base` piconero (amounts find rows again).
fn unique(base: i64, n: u32) -> i64 {
    base + i64::from(n) * 1_000
}

fn xmr(piconero: i64) -> String {
    Piconero::new(piconero).map_or_else(|_| "0".to_owned(), |p| p.to_string())
}

/// Registrations, one after another.
pub async fn registrations(world: &World, until: Instant) {
    while Instant::now() < until {
        if let Some(user) = world.register("chaosuser").await
            && let Ok(mut users) = world.users.lock()
        {
            users.push(user);
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}

/// Deposits to random users, one every few seconds.
pub async fn deposits(world: &World, until: Instant) {
    while Instant::now() < until {
        if let Some(user) = world.random_user() {
            let amount = unique(300_000_000_000, world.next());
            world.deposit(&user, amount).await;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}

/// Withdrawals, each to a fresh faucet subaddress, each with its own idempotency key,
/// retried with that key while the platform is unavailable: half from traders (who have
/// funds), half from any user (a new one is refused for want of funds). Every third one
/// accepted is cancelled at once, racing the withdrawal worker: it ends either cancelled
/// (and never paid) or sent (and the cancel refused).
pub async fn withdrawals(world: &World, until: Instant) {
    let mut round: u32 = 0;
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        round += 1;
        let user = if round.is_multiple_of(2) {
            World::pick(&world.traders)
        } else {
            world.random_user()
        };
        let Some(user) = user else {
            continue;
        };
        let n = world.next();
        let destination = match world.faucet.create_address(&format!("w{n}")).await {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "chaos: no faucet subaddress");
                continue;
            }
        };
        let amount = unique(10_000_000_000, n);
        let body = json!({"address": destination.address, "amount": xmr(amount)});
        let key = format!("chaos-w-{n}");
        let answer = world
            .client
            .call(
                "withdraw",
                Method::POST,
                "/transactions/withdraw",
                &user,
                Some(&key),
                Some(&body),
            )
            .await;
        let accepted = match &answer {
            Some((status, body)) if status.is_success() => body["withdrawal_id"].as_i64(),
            _ => None,
        };
        if let Some(id) = accepted
            && round.is_multiple_of(3)
        {
            world
                .client
                .call(
                    "withdraw-cancel",
                    Method::POST,
                    &format!("/transactions/withdrawals/{id}/cancel"),
                    &user,
                    None,
                    None,
                )
                .await;
        }
        // A refusal (no funds) moved nothing and needs no check; anything else may have.
        if !matches!(&answer, Some((status, _)) if status.is_client_error()) {
            world.record(|r| {
                r.withdrawals.push(AskedWithdrawal {
                    user_id: user.id,
                    amount,
                    address_index: destination.address_index,
                    accepted,
                });
            });
        }
    }
}

/// One seller and one buyer trading over and over: an offer, then trades opened, chatted
/// about, paid and released; every sixth cancelled by the buyer, every sixth disputed and
/// decided by the moderator (for the buyer, the seller, or split).
pub async fn trading(world: &World, pair: usize, seller: &Caller, buyer: &Caller, until: Instant) {
    let offer = json!({"side": "sell", "currency": "EUR", "price": "150.00", "payment_method": "sepa",
        "min_amount": "0.01", "max_amount": "1", "payment_window_minutes": 30, "terms": "chaos run"});
    let mut offer_id = None;
    let client = &world.client;
    let mut round: u32 = 0;
    while Instant::now() < until {
        let Some(offer) = offer_id else {
            offer_id = match client
                .call("offer", Method::POST, "/offers", seller, None, Some(&offer))
                .await
            {
                Some((status, body)) if status.is_success() => body["id"].as_i64(),
                _ => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    None
                }
            };
            continue;
        };
        round += 1;
        let key = format!("chaos-t-{pair}-{round}");
        let open = json!({"offer_id": offer, "amount": "0.05", "price": "150.00"});
        let trade = match client
            .call(
                "trade-open",
                Method::POST,
                "/transactions/trades",
                buyer,
                Some(&key),
                Some(&open),
            )
            .await
        {
            Some((status, body)) if status.is_success() => body["id"].as_i64(),
            _ => None,
        };
        let Some(trade) = trade else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        world.record(|r| r.trades.push(trade));
        let path = |action: &str| format!("/transactions/trades/{trade}/{action}");
        let say = |text: &str| json!({ "body": text });
        client
            .call(
                "chat",
                Method::POST,
                &path("messages"),
                buyer,
                None,
                Some(&say("hello, paying now")),
            )
            .await;
        let step = |who: &'static str, action: &'static str| (who, action);
        let mut steps = Vec::new();
        match round % 6 {
            5 => steps.push(step("buyer", "cancel")),
            4 => {
                steps.push(step("buyer", "paid"));
                steps.push(step("buyer", "dispute"));
            }
            _ => {
                steps.push(step("buyer", "paid"));
                steps.push(step("seller", "release"));
            }
        }
        for (who, action) in steps {
            let caller = if who == "buyer" { buyer } else { seller };
            let body = json!({"statement": "the seller does not answer"});
            client
                .call(
                    action_kind(action),
                    Method::POST,
                    &path(action),
                    caller,
                    None,
                    Some(&body),
                )
                .await;
        }
        client
            .call(
                "chat",
                Method::POST,
                &path("messages"),
                seller,
                None,
                Some(&say("thanks")),
            )
            .await;
        if round % 6 == 4 {
            let decision = match (round / 6) % 3 {
                0 => json!({"outcome": "buyer", "reason": "chaos: paid"}),
                1 => json!({"outcome": "seller", "reason": "chaos: not paid"}),
                _ => json!({"outcome": "split", "buyer_share_bps": 5000, "reason": "chaos: half"}),
            };
            client
                .call(
                    "resolve",
                    Method::POST,
                    &path("resolve"),
                    &world.moderator,
                    None,
                    Some(&decision),
                )
                .await;
        }
    }
}

fn action_kind(action: &str) -> &'static str {
    match action {
        "paid" => "trade-paid",
        "release" => "trade-release",
        "cancel" => "trade-cancel",
        _ => "trade-dispute",
    }
}
