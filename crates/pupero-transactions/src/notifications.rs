//! The inbox: which state change tells whom what. Every notice is written in the same
//! database transaction as the change it tells of, so a rolled-back change tells nobody
//! and a committed one is never lost; the row then waits for the dispatcher (e-mail and
//! webhooks) as an outbox row would.

use sea_orm::{ConnectionTrait, DbErr};

use pupero_api::internal::login::{MailNotice, MailNotices, MailOutcome, MailOutcomes};
use pupero_api::notifications::NotificationView;
use pupero_core::trade::Action;
use pupero_core::{NotificationKind as K, Piconero, TradeState};
use pupero_db::{is_unique_violation, now_ms};
use pupero_http::rfc3339;

use crate::TransactionsState;
use crate::entity::{notification, trade as trade_row};
use crate::store::notifications::{self as store, Notice};
use crate::store::trades as trade_store;

/// Writes `notices` (inside the caller's transaction).
pub async fn tell(db: &impl ConnectionTrait, notices: &[Notice]) -> Result<(), DbErr> {
    let now = now_ms();
    for n in notices {
        store::insert(db, n, now).await?;
    }
    Ok(())
}

/// Who hears of a trade step and as what: everyone on the trade but the one who took it.
/// `next` is the state the step moved to. Pure, so the table is tested on its own.
pub fn for_trade_step(
    t: &trade_row::Model,
    action: Action,
    actor_id: Option<i64>,
    next: TradeState,
) -> Vec<Notice> {
    let kind = match (action, next) {
        (Action::MarkPaid, _) => K::TradePaid,
        (Action::Release, TradeState::Completed) => K::TradeReleased,
        (Action::Dispute, _) => K::DisputeOpened,
        (Action::ResolveForBuyer | Action::ResolveForSeller, _) => K::DisputeResolved,
        (_, TradeState::Cancelled) => K::TradeCancelled,
        _ => return Vec::new(),
    };
    [t.buyer_id, t.seller_id]
        .into_iter()
        .filter(|party| Some(*party) != actor_id)
        .map(|party| Notice::about_trade(party, kind, t.id, t.amount))
        .collect()
}

/// The maker hears that someone took their offer.
pub fn for_trade_opened(trade_id: i64, maker_id: i64, amount: i64) -> Notice {
    Notice::about_trade(maker_id, K::TradeOpened, trade_id, amount)
}

/// Every participant of a trade's chat but the sender hears of a new message.
pub fn for_message(t: &trade_row::Model, sender_id: i64) -> Vec<Notice> {
    [t.buyer_id, t.seller_id]
        .into_iter()
        .filter(|party| *party != sender_id)
        .map(|party| Notice {
            amount: None,
            ..Notice::about_trade(party, K::MessageReceived, t.id, 0)
        })
        .collect()
}

pub fn for_deposit(user_id: i64, amount: i64) -> Notice {
    Notice {
        user_id,
        kind: K::DepositCredited,
        trade_id: None,
        withdrawal_id: None,
        amount: Some(amount),
        event_key: None,
    }
}

pub fn for_withdrawal_sent(user_id: i64, withdrawal_id: i64, amount: i64) -> Notice {
    Notice {
        user_id,
        kind: K::WithdrawalSent,
        trade_id: None,
        withdrawal_id: Some(withdrawal_id),
        amount: Some(amount),
        event_key: None,
    }
}

/// How long before an unpaid trade's deadline its buyer and seller are warned: the
/// configured lead, but never more than half the payment window (a short window would
/// otherwise be "expiring" from its first minute).
pub fn warning_lead_ms(t: &trade_row::Model, lead_ms: i64) -> i64 {
    let window_ms = i64::from(t.payment_window_minutes).saturating_mul(60_000);
    lead_ms.min(window_ms / 2)
}

/// One pass of expiry warnings: each unpaid trade whose deadline is within its lead gets
/// one warning per party, however many passes (or replicas) see it, because the row's key
/// is unique. Returns how many were written.
pub async fn warn_expiring(state: &TransactionsState) -> Result<usize, DbErr> {
    let now = now_ms();
    let lead = i64::try_from(state.expiry_warning.as_millis()).unwrap_or(i64::MAX);
    let soon =
        trade_store::unpaid_due_before(&state.db, now, now.saturating_add(lead), 200).await?;
    let due: Vec<Notice> = soon
        .iter()
        .filter(|t| t.payment_deadline_ms - now <= warning_lead_ms(t, lead))
        .flat_map(|t| {
            [t.buyer_id, t.seller_id].map(|party| Notice {
                event_key: Some(format!("trade:{}:expiring:{party}", t.id)),
                ..Notice::about_trade(party, K::TradeExpiring, t.id, t.amount)
            })
        })
        .collect();
    // Asked first rather than left to the unique key alone: on MariaDB and PostgreSQL a
    // refused insert still uses up an id, which every live event stream then holds as a gap
    // for a minute (see stream_cursor.rs). The key still settles a race between replicas.
    let keys: Vec<String> = due.iter().filter_map(|n| n.event_key.clone()).collect();
    let taken = store::taken_event_keys(&state.db, &keys).await?;
    let mut written = 0;
    for notice in due
        .iter()
        .filter(|n| n.event_key.as_ref().is_none_or(|k| !taken.contains(k)))
    {
        match store::insert(&state.db, notice, now).await {
            Ok(()) => written += 1,
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e),
        }
    }
    if written > 0 {
        state.notify_wake.notify_one();
    }
    Ok(written)
}

fn xmr(amount: Option<i64>) -> String {
    amount
        .and_then(|a| Piconero::new(a).ok())
        .map(|p| {
            let full = p.to_string();
            format!("{} XMR", full.trim_end_matches('0').trim_end_matches('.'))
        })
        .unwrap_or_else(|| "XMR".into())
}

/// One sentence saying what happened (the inbox, e-mails and webhook bodies).
pub fn text(kind: K, trade_id: Option<i64>, amount: Option<i64>) -> String {
    let trade = trade_id
        .map(|id| format!("trade #{id}"))
        .unwrap_or_default();
    let amount = xmr(amount);
    match kind {
        K::TradeOpened => format!("Someone opened {trade} for {amount} on your offer."),
        K::TradePaid => {
            format!("The buyer marked {trade} as paid: check the payment and release {amount}.")
        }
        K::TradeReleased => format!("The seller released {amount} to you in {trade}."),
        K::TradeCancelled => format!("{} was cancelled; {amount} left escrow.", capital(&trade)),
        K::TradeExpiring => format!(
            "The payment window of {trade} ({amount}) closes soon; unpaid, it will be cancelled."
        ),
        K::DisputeOpened => format!("A dispute was opened on {trade}."),
        K::DisputeResolved => format!("A moderator decided the dispute on {trade}."),
        K::MessageReceived => format!("New message in {trade}."),
        K::DepositCredited => format!("A deposit of {amount} was credited to your balance."),
        K::WithdrawalSent => format!("Your withdrawal of {amount} was sent."),
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub fn view(n: &notification::Model) -> NotificationView {
    NotificationView {
        id: n.id,
        kind: n.kind,
        trade_id: n.trade_id,
        withdrawal_id: n.withdrawal_id,
        amount: n.amount.and_then(|a| Piconero::new(a).ok()),
        text: text(n.kind, n.trade_id, n.amount),
        created_at: rfc3339(n.created_at_ms),
        read_at: n.read_at_ms.map(rfc3339),
    }
}

/// Where in the web UI an event is seen.
pub fn web_path(n: &notification::Model) -> String {
    match n.trade_id {
        Some(id) => format!("/trades/{id}"),
        None => "/balances".into(),
    }
}

/// Hands on every due row: its webhook deliveries are queued and login is asked to
/// e-mail it (login decides by the user's address and preferences), for up to a batch of
/// rows with one webhook lookup, one call to login and one write. A row whose hand-on
/// fails (login, the SMTP server or the database down) waits and is tried again, backing
/// off; it is marked dispatched only once both steps succeeded, so nothing is dropped.
/// Returns how many rows were handed on.
pub async fn dispatch_due(state: &TransactionsState) -> Result<usize, DbErr> {
    let due = store::due_for_dispatch(&state.db, now_ms(), DISPATCH_BATCH).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let outcomes = match hand_on(state, &due).await {
        Ok(outcomes) => outcomes,
        Err(why) => vec![Err(why); due.len()],
    };
    let mut handed_on = Vec::with_capacity(due.len());
    for (n, outcome) in due.iter().zip(outcomes) {
        match outcome {
            Ok(()) => handed_on.push(n.id),
            Err(why) => postpone(state, n, &why).await?,
        }
    }
    store::mark_dispatched(&state.db, &handed_on, now_ms()).await?;
    Ok(handed_on.len())
}

/// How long a woken dispatcher waits for more notices before a pass (a mail leaving
/// 50 ms later changes nothing for its reader).
const DISPATCH_GATHER: std::time::Duration = std::time::Duration::from_millis(50);

/// Rows handed on per pass (login's limit per call).
const DISPATCH_BATCH: u64 = MailNotices::MAX as u64;

/// Each row's outcome, in order; an `Err` for all when the webhooks or login could not
/// be reached at all.
async fn hand_on(
    state: &TransactionsState,
    due: &[notification::Model],
) -> Result<Vec<Result<(), String>>, String> {
    crate::webhooks::enqueue_for(state, due)
        .await
        .map_err(|e| e.to_string())?;
    let notices = MailNotices {
        notices: due
            .iter()
            .map(|n| MailNotice {
                user_id: n.user_id,
                kind: n.kind,
                text: text(n.kind, n.trade_id, n.amount),
                path: web_path(n),
            })
            .collect(),
    };
    let answer: MailOutcomes = state
        .login
        .post("/internal/mail", &notices)
        .await
        .map_err(|e| e.to_string())?;
    if answer.outcomes.len() != due.len() {
        return Err(format!(
            "login answered {} outcomes for {} notices",
            answer.outcomes.len(),
            due.len()
        ));
    }
    Ok(answer
        .outcomes
        .into_iter()
        .map(|o| match o {
            MailOutcome::Sent | MailOutcome::NotWanted => Ok(()),
            MailOutcome::Unavailable => Err("the mail server refused it".to_owned()),
        })
        .collect())
}

/// Puts a row back: 1 s doubling up to 5 minutes, so an outage of login or the SMTP server
/// delays mail, and nothing is lost.
async fn postpone(
    state: &TransactionsState,
    n: &notification::Model,
    why: &str,
) -> Result<(), DbErr> {
    let attempts = n.dispatch_attempts.saturating_add(1);
    let wait_ms = 1000_i64
        .saturating_mul(1_i64 << attempts.clamp(0, 8))
        .min(300_000);
    tracing::warn!(notification_id = n.id, attempts, error = %why, "notification not handed on yet; will retry");
    store::postpone_dispatch(&state.db, n.id, attempts, now_ms().saturating_add(wait_ms)).await
}

/// Dispatches when woken and every second, until `shutdown` turns true.
pub fn spawn_dispatcher(
    state: TransactionsState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(e) = dispatch_due(&state).await {
                tracing::warn!(error = %e, "notification dispatch: database unavailable; will retry");
            }
            let woken = tokio::select! {
                () = state.notify_wake.notified() => true,
                () = tokio::time::sleep(std::time::Duration::from_secs(1)) => false,
                _ = shutdown.wait_for(|stop| *stop) => return,
            };
            if woken {
                // Let the changes of the next moments join this pass, so a busy market
                // hands on batches instead of a pass per step.
                tokio::time::sleep(DISPATCH_GATHER).await;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pupero_core::{OfferSide, TradeState as S};

    fn trade() -> trade_row::Model {
        trade_row::Model {
            id: 7,
            offer_id: 1,
            open_key: None,
            maker_id: 10,
            taker_id: 20,
            seller_id: 10,
            buyer_id: 20,
            side: OfferSide::Sell,
            currency: "EUR".into(),
            price_cents: 15_000,
            amount: 1_000_000_000_000,
            fee: 0,
            fiat_total_cents: 15_000,
            payment_method: "sepa".into(),
            payment_window_minutes: 60,
            terms: String::new(),
            state: S::AwaitingPayment,
            payment_deadline_ms: 0,
            created_at_ms: 0,
            paid_at_ms: None,
            completed_at_ms: None,
            cancelled_at_ms: None,
            cancel_reason: None,
            buyer_wants_cancel: false,
            seller_wants_cancel: false,
            disputed_at_ms: None,
            dispute_opened_by: None,
            dispute_statement: None,
            resolution: None,
            resolution_code: None,
            buyer_share_bps: None,
            resolved_by: None,
            resolution_reason: None,
            updated_at_ms: 0,
        }
    }

    fn told(action: Action, actor: Option<i64>, next: S) -> Vec<(i64, K)> {
        for_trade_step(&trade(), action, actor, next)
            .into_iter()
            .map(|n| (n.user_id, n.kind))
            .collect()
    }

    #[test]
    fn each_step_tells_the_other_party() {
        assert_eq!(
            told(Action::MarkPaid, Some(20), S::Paid),
            [(10, K::TradePaid)]
        );
        assert_eq!(
            told(Action::Release, Some(10), S::Completed),
            [(20, K::TradeReleased)]
        );
        assert_eq!(
            told(Action::Cancel, Some(20), S::Cancelled),
            [(10, K::TradeCancelled)]
        );
        assert_eq!(
            told(Action::Dispute, Some(10), S::Disputed),
            [(20, K::DisputeOpened)]
        );
    }

    #[test]
    fn platform_and_moderator_steps_tell_both_parties() {
        assert_eq!(
            told(Action::Expire, None, S::Cancelled),
            [(20, K::TradeCancelled), (10, K::TradeCancelled)]
        );
        assert_eq!(
            told(Action::ResolveForBuyer, Some(99), S::Completed),
            [(20, K::DisputeResolved), (10, K::DisputeResolved)]
        );
    }

    #[test]
    fn a_first_cancel_vote_tells_nobody() {
        assert!(told(Action::MutualCancel, Some(20), S::AwaitingPayment).is_empty());
    }

    #[test]
    fn a_short_window_is_warned_at_its_half() {
        let mut t = trade();
        t.payment_window_minutes = 10;
        assert_eq!(warning_lead_ms(&t, 15 * 60_000), 5 * 60_000);
        t.payment_window_minutes = 120;
        assert_eq!(warning_lead_ms(&t, 15 * 60_000), 15 * 60_000);
    }

    #[test]
    fn texts_name_the_trade_and_amount() {
        assert_eq!(
            text(K::TradePaid, Some(7), Some(1_500_000_000_000)),
            "The buyer marked trade #7 as paid: check the payment and release 1.5 XMR."
        );
        assert_eq!(
            text(K::TradeCancelled, Some(7), Some(1_000_000_000_000)),
            "Trade #7 was cancelled; 1 XMR left escrow."
        );
    }
}
