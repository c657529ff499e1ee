//! Balances, statements, admin adjustments and transfers.

use axum::Json;
use axum::extract::State;
use pupero_api::Paged;
use pupero_api::accounts::AuditEntry;
use pupero_api::internal::transactions::{AvailableBalances, BalancesRequest, OwnerAvailable};
use pupero_api::money::{AdjustRequest, Adjusted, BalancesView, StatementLine, TransferRequest};
use pupero_core::{EntryKind, Role, format_signed_xmr};
use pupero_http::{
    AdminUser, ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, AuthUser, PageQuery, SecurityEvent,
    ServiceCaller, rfc3339,
};

use super::bounded_amount;
use super::errors::ledger_refusal;
use crate::TransactionsState;
use crate::ledger::{self, Account, Entry, Move, PlatformAccount, UserAccount};
use crate::operator::{self, AuditLine};
use crate::store::audit as audit_store;
use crate::vocabulary::Direction;

async fn balances_view(state: &TransactionsState, user_id: i64) -> ApiResult<BalancesView> {
    let b = ledger::balances(&state.db, user_id).await?;
    let total = b
        .available
        .checked_add(b.escrow)
        .and_then(|t| t.checked_add(b.withdrawing))
        .ok_or_else(|| ApiError::internal("balance overflow"))?;
    Ok(BalancesView {
        user_id,
        available: b.available,
        escrow: b.escrow,
        withdrawing: b.withdrawing,
        total,
    })
}

/// A user's balances: the user themself or an admin.
#[utoipa::path(get, path = "/balances/{user_id}", tag = "ledger", security(("bearer" = [])), params(("user_id" = i64, Path)),
    responses((status = 200, body = BalancesView), (status = 403, description = "someone else's balances")))]
pub async fn balances(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(user_id): ApiPath<i64>,
) -> ApiResult<Json<BalancesView>> {
    if caller.id != user_id && caller.role != Role::Admin {
        return Err(ApiError::forbidden("you may only see your own balances"));
    }
    Ok(Json(balances_view(&state, user_id).await?))
}

/// The caller's own ledger lines, newest first.
#[utoipa::path(get, path = "/ledger", tag = "ledger", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paged<StatementLine>)))]
pub async fn statement(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<StatementLine>>> {
    let page = q.page(50, 200)?;
    let (lines, total) = ledger::statement(&state.db, caller.id, page).await?;
    Ok(Json(
        page.of(
            lines
                .into_iter()
                .map(|l| StatementLine {
                    entry_id: l.entry_id,
                    kind: l.kind,
                    reference: l.reference,
                    memo: l.memo,
                    account: l.account.to_string(),
                    amount: format_signed_xmr(i128::from(l.amount)),
                    created_at: rfc3339(l.created_at_ms),
                })
                .collect(),
            total,
        ),
    ))
}

/// Money only moves to and from accounts that exist.
async fn ensure_user(state: &TransactionsState, user_id: i64, field: &str) -> ApiResult<()> {
    match crate::accounts::facts(state, user_id).await? {
        None => Err(ApiError::invalid(field, format!("{field}: no such user"))),
        Some(f) if f.deleted => Err(ApiError::invalid(
            field,
            format!("{field}: the account was deleted"),
        )),
        Some(_) => Ok(()),
    }
}

fn reason(raw: &str) -> ApiResult<String> {
    let r = raw.trim();
    if r.is_empty() || r.chars().count() > 500 {
        return Err(ApiError::invalid(
            "reason",
            "a reason of 1 to 500 characters is required",
        ));
    }
    Ok(r.to_owned())
}

/// Credit or debit a user's available balance against the platform's adjustments account.
#[utoipa::path(post, path = "/admin/adjust", tag = "admin", security(("bearer" = [])), request_body = AdjustRequest,
    responses((status = 200, body = Adjusted), (status = 403, description = "not an admin"),
              (status = 409, description = "debit above the available balance"),
              (status = 422, description = "invalid field, or an amount above MAX_AMOUNT_XMR or the ledger's range")))]
pub async fn adjust(
    State(state): State<TransactionsState>,
    AdminUser(admin): AdminUser,
    ApiJson(req): ApiJson<AdjustRequest>,
) -> ApiResult<Json<Adjusted>> {
    let amount = bounded_amount(&req.amount, state.max_amount, "amount")?;
    let reason = reason(&req.reason)?;
    let user = Account::User(req.user_id, UserAccount::Available);
    let platform = Account::Platform(PlatformAccount::Adjustments);
    let direction: Direction = req
        .direction
        .parse()
        .map_err(|_| ApiError::invalid("direction", "direction must be credit or debit"))?;
    let (from, to) = match direction {
        Direction::Credit => (platform, user),
        Direction::Debit => (user, platform),
    };
    ensure_user(&state, req.user_id, "user_id").await?;
    crate::accounts::second_factor(&state, admin.id, req.totp.as_deref()).await?;
    let entry = Entry {
        kind: EntryKind::Adjustment,
        reference: format!("user:{}", req.user_id),
        memo: reason.clone(),
        actor_id: Some(admin.id),
    };
    let line = AuditLine {
        actor_id: admin.id,
        action: pupero_core::AuditAction::Adjust,
        target: format!("user:{}", req.user_id),
        details: format!("{direction} {amount} XMR: {reason}"),
    };
    let entry_id = operator::post_audited(&state.db, entry, Move::new(from, to, amount), line)
        .await
        .map_err(|e| ledger_refusal(e, "the debit is above the user's available balance"))?;
    pupero_http::security::record(
        &state.metrics,
        SecurityEvent::BalanceAdjusted,
        Some(req.user_id),
        Some(admin.id),
        &format!("{direction} {amount} XMR, entry {entry_id}"),
    );
    Ok(Json(Adjusted {
        entry_id,
        balances: balances_view(&state, req.user_id).await?,
    }))
}

/// The seed's transfer between two users' available balances, kept for operators only:
/// no user can move anyone's money with it.
#[utoipa::path(post, path = "/transfer", tag = "admin", security(("bearer" = [])), request_body = TransferRequest,
    responses((status = 200, body = Adjusted), (status = 403, description = "not an admin"),
              (status = 409, description = "insufficient funds")))]
pub async fn transfer(
    State(state): State<TransactionsState>,
    AdminUser(admin): AdminUser,
    ApiJson(req): ApiJson<TransferRequest>,
) -> ApiResult<Json<Adjusted>> {
    let amount = bounded_amount(&req.amount, state.max_amount, "amount")?;
    let reason = reason(&req.reason)?;
    if req.from_user_id == req.to_user_id {
        return Err(ApiError::invalid(
            "to_user_id",
            "to_user_id must differ from from_user_id",
        ));
    }
    ensure_user(&state, req.from_user_id, "from_user_id").await?;
    ensure_user(&state, req.to_user_id, "to_user_id").await?;
    crate::accounts::second_factor(&state, admin.id, req.totp.as_deref()).await?;
    let moved = Move::new(
        Account::User(req.from_user_id, UserAccount::Available),
        Account::User(req.to_user_id, UserAccount::Available),
        amount,
    );
    let entry = Entry {
        kind: EntryKind::Transfer,
        reference: format!("user:{}", req.from_user_id),
        memo: reason.clone(),
        actor_id: Some(admin.id),
    };
    let line = AuditLine {
        actor_id: admin.id,
        action: pupero_core::AuditAction::Transfer,
        target: format!("user:{}", req.from_user_id),
        details: format!("{amount} XMR to user {}: {reason}", req.to_user_id),
    };
    let entry_id = operator::post_audited(&state.db, entry, moved, line)
        .await
        .map_err(|e| ledger_refusal(e, "the sender's available balance is too low"))?;
    pupero_http::security::record(
        &state.metrics,
        SecurityEvent::BalanceTransferred,
        Some(req.from_user_id),
        Some(admin.id),
        &format!("{amount} XMR to user {}, entry {entry_id}", req.to_user_id),
    );
    Ok(Json(Adjusted {
        entry_id,
        balances: balances_view(&state, req.from_user_id).await?,
    }))
}

/// The audit chain: every money movement and every staff action on money, newest first.
#[utoipa::path(get, path = "/admin/audit", tag = "admin", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paged<AuditEntry>), (status = 403, description = "not an admin")))]
pub async fn audit_log(
    State(state): State<TransactionsState>,
    _admin: AdminUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<AuditEntry>>> {
    let page = q.page(50, 200)?;
    // What is shown is chained: the queue of the last moments first.
    crate::audit_sequencer::sequence(&state).await?;
    Ok(Json(
        pupero_http::audit::page(&state.db, audit_store::CHAIN, page).await?,
    ))
}

/// For the offers service: can these sellers fund their offers?
pub async fn internal_balances(
    State(state): State<TransactionsState>,
    _caller: ServiceCaller,
    ApiJson(req): ApiJson<BalancesRequest>,
) -> ApiResult<Json<AvailableBalances>> {
    if req.user_ids.len() > 1000 {
        return Err(ApiError::invalid("user_ids", "at most 1000 users at once"));
    }
    let map = ledger::available_of(&state.db, &req.user_ids).await?;
    Ok(Json(AvailableBalances {
        balances: map
            .into_iter()
            .map(|(user_id, available)| OwnerAvailable { user_id, available })
            .collect(),
    }))
}
