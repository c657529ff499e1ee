//! Balances: what is available, in escrow and on its way out; the deposit address with
//! its QR code and the deposits seen so far; the withdrawal form (with a confirmation
//! step) and the withdrawal history.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use pupero_api::Paged;
use pupero_api::accounts::MeView;
use pupero_api::money::{
    BalancesView, DepositAddressView, DepositView, Deposits, WithdrawRequest, WithdrawalAccepted,
    WithdrawalView,
};
use pupero_core::{DepositStatus, WithdrawalStatus};

use super::offers::random_key;
use super::trades::filled;
use super::{Chrome, Me, PageError, act, redirect_with, render, render_with};
use crate::FrontendState;
use crate::csrf::Form;
use crate::flash::Flash;
use crate::i18n;
use crate::view;

pub struct DepositRow {
    pub txid: String,
    pub amount: String,
    pub progress: String,
    pub percent: u64,
    pub credited: bool,
    pub seen: String,
}

pub struct WithdrawalRow {
    pub id: i64,
    pub address: String,
    pub amount: String,
    pub status: String,
    pub raw_status: WithdrawalStatus,
    pub txids: Vec<String>,
    pub note: Option<String>,
    pub created: String,
}

/// What was typed into the withdrawal form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    amount: String,
    /// Set by the confirmation step.
    #[serde(default)]
    key: String,
    #[serde(default)]
    confirm: String,
    /// The two-factor code asked for on the confirmation step when 2FA is on.
    #[serde(default)]
    totp: String,
}

#[derive(Template)]
#[template(path = "balances.html")]
struct BalancesPage {
    chrome: Chrome,
    available: String,
    escrow: String,
    withdrawing: String,
    total: String,
    address: Option<String>,
    qr: Option<String>,
    deposits: Vec<DepositRow>,
    wallet_note: Option<String>,
    withdrawals: Vec<WithdrawalRow>,
    form: WithdrawForm,
    error: Option<String>,
    /// A withdrawal hold in force: withdrawals wait, and the page says why.
    hold: Option<super::moderation::Blocked>,
}

async fn balances_page(
    state: &FrontendState,
    me: &Me,
    form: WithdrawForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let b: BalancesView = state
        .api
        .get(&me.caller, &format!("/transactions/balances/{}", me.id))
        .await?;
    // Without a wallet (or while it is down) the rest of the page still works.
    let (address, qr, wallet_note) = match state
        .api
        .get::<DepositAddressView>(&me.caller, "/transactions/deposit-address")
        .await
    {
        Ok(a) => {
            let qr = view::qr_data_uri(&format!("monero:{}", a.address));
            (Some(a.address), Some(qr), None)
        }
        Err(f) => (None, None, Some(f.message)),
    };
    let deposits = match state
        .api
        .get::<Deposits>(&me.caller, "/transactions/deposits")
        .await
    {
        Ok(d) => d.deposits.iter().map(deposit_row).collect(),
        Err(_) => Vec::new(),
    };
    let withdrawals: Paged<WithdrawalView> = state
        .api
        .get(&me.caller, "/transactions/withdrawals?limit=50")
        .await?;
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok(render_with(
        status,
        &BalancesPage {
            chrome: me.chrome("Balances"),
            available: i18n::amount(b.available),
            escrow: i18n::amount(b.escrow),
            withdrawing: i18n::amount(b.withdrawing),
            total: i18n::amount(b.total),
            address,
            qr,
            deposits,
            wallet_note,
            withdrawals: withdrawals.items.iter().map(withdrawal_row).collect(),
            form,
            error,
            hold: super::moderation::blocked_by(
                state,
                &me.caller,
                &[pupero_core::SanctionKind::WithdrawalHold],
            )
            .await,
        },
    ))
}

fn deposit_row(d: &DepositView) -> DepositRow {
    let needed = d.required_confirmations.max(1);
    let have = u64::try_from(d.confirmations.max(0)).unwrap_or(0);
    DepositRow {
        txid: d.txid.clone(),
        amount: view::xmr(d.amount),
        progress: if d.status == DepositStatus::Credited {
            DepositStatus::Credited.to_string()
        } else if have == 0 {
            "in the pool".into()
        } else {
            format!("{} of {needed} confirmations", have.min(needed))
        },
        percent: (have.min(needed) * 100) / needed,
        credited: d.status == DepositStatus::Credited,
        seen: view::when(&d.first_seen),
    }
}

fn withdrawal_row(w: &WithdrawalView) -> WithdrawalRow {
    WithdrawalRow {
        id: w.id,
        address: w.address.clone(),
        amount: view::xmr(w.amount),
        status: view::withdrawal_status(w.status),
        raw_status: w.status,
        txids: w.tx_hashes.clone(),
        note: w.error.clone(),
        created: view::when(&w.created_at),
    }
}

pub async fn page(State(state): State<FrontendState>, me: Me) -> Result<Response, PageError> {
    balances_page(&state, &me, WithdrawForm::default(), None).await
}

#[derive(Template)]
#[template(path = "withdraw_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    address: String,
    amount: String,
    key: String,
    needs_totp: bool,
    error: Option<String>,
}

/// Whether the signed-in person has 2FA, so a money-moving form asks for a code. When the
/// API cannot say, the field is shown: an unneeded code is ignored, a missing one refused.
pub(super) async fn has_2fa(state: &FrontendState, me: &Me) -> bool {
    state
        .api
        .get::<MeView>(&me.caller, "/auth/me")
        .await
        .map(|m| m.totp_enabled)
        .unwrap_or(true)
}

/// Two steps: the form leads to a page that repeats address and amount for a last look
/// (a withdrawal cannot be called back), and only that page's button sends it, with a
/// key made for it so a double click or a resent form withdraws once.
pub async fn withdraw(
    State(state): State<FrontendState>,
    me: Me,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, PageError> {
    let address = form.address.trim().to_owned();
    let amount = form.amount.trim().to_owned();
    if address.is_empty() || amount.is_empty() {
        let error = Some("Enter the address and the amount to withdraw.".into());
        return balances_page(&state, &me, form, error).await;
    }
    let amount = view::decimal_input(&amount);
    if form.confirm != "yes" || form.key.is_empty() || form.key.len() > 64 {
        // The last look shows only a withdrawal that could be sent: a malformed address,
        // a negative amount or more than the balance are said here, on the form.
        if let Some(problem) = review_problem(&state, &me, &address, &amount).await? {
            return balances_page(&state, &me, form, Some(problem)).await;
        }
        return Ok(render(&ConfirmPage {
            chrome: me.chrome("Confirm withdrawal"),
            needs_totp: has_2fa(&state, &me).await,
            address,
            amount,
            key: random_key(),
            error: None,
        }));
    }
    let body = WithdrawRequest {
        address: address.clone(),
        amount: amount.clone(),
        totp: filled(&form.totp),
    };
    match state
        .api
        .send::<_, WithdrawalAccepted>(
            &me.caller,
            Method::POST,
            "/transactions/withdraw",
            Some(&body),
            Some(&form.key),
        )
        .await
    {
        Ok(a) => Ok(redirect_with(
            &state,
            "/balances",
            Flash::success(format!(
                "Withdrawal #{} of {amount} XMR is on its way. It appears below with its transaction id once sent.",
                a.withdrawal_id
            )),
        )),
        Err(f) if f.is_unauthenticated() => Err(f.into()),
        // A wrong or missing code: ask again on the same step, with the same key (nothing
        // was accepted, so the key is still unused).
        Err(f) if f.is_second_factor_refusal() => Ok(render_with(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &ConfirmPage {
                chrome: me.chrome("Confirm withdrawal"),
                needs_totp: true,
                address,
                amount,
                key: form.key.clone(),
                error: Some(f.message),
            },
        )),
        Err(f) => {
            let f = f.labelled(WITHDRAW_LABELS);
            balances_page(&state, &me, form, Some(f.message)).await
        }
    }
}

/// The withdrawal form's labels, for the API's field names.
const WITHDRAW_LABELS: &[(&str, &str)] =
    &[("address", "Monero address"), ("amount", "Amount (XMR)")];

/// Why a withdrawal could not be sent as typed, checked before the confirmation page
/// (the API checks again when it is sent: the network of the address, limits, holds).
async fn review_problem(
    state: &FrontendState,
    me: &Me,
    address: &str,
    amount: &str,
) -> Result<Option<String>, PageError> {
    if let Err(e) = pupero_core::MoneroAddress::parse_any(address) {
        let e = e.to_string();
        return Ok(Some(format!(
            "Monero address: {}.",
            e.strip_prefix("address ").unwrap_or(&e)
        )));
    }
    let amount = match pupero_core::Piconero::parse_xmr(amount) {
        Ok(a) if a.is_zero() => return Ok(Some("Amount (XMR): must be greater than zero.".into())),
        Ok(a) => a,
        Err(e) => {
            let e = e.to_string();
            return Ok(Some(format!(
                "Amount (XMR): {}.",
                e.strip_prefix("amount ").unwrap_or(&e)
            )));
        }
    };
    let b: BalancesView = state
        .api
        .get(&me.caller, &format!("/transactions/balances/{}", me.id))
        .await?;
    if amount > b.available {
        return Ok(Some(format!(
            "Amount (XMR): more than your available balance of {} XMR.",
            view::xmr(b.available)
        )));
    }
    Ok(None)
}

/// Takes back a withdrawal the wallet has not started on; the API refuses once it has.
pub async fn cancel_withdrawal(
    State(state): State<FrontendState>,
    me: Me,
    Path(id): Path<i64>,
    Form(_): Form<super::auth::Empty>,
) -> Response {
    let path = format!("/transactions/withdrawals/{id}/cancel");
    act(
        &state,
        &me,
        Method::POST,
        &path,
        Some(&json!({})),
        "/balances",
        format!("Withdrawal #{id} is cancelled; its amount is back in your available balance."),
    )
    .await
}
