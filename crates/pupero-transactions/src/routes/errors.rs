//! The domain's errors as API answers: the one place that picks status codes and error
//! codes for what the ledger, trades and withdrawals refuse.

use axum::http::StatusCode;
use pupero_db::Retryable;
use pupero_http::{ApiError, ErrorCode};
use sea_orm::DbErr;

use crate::accounts::Upstream;
use crate::ledger::LedgerError;
use crate::withdrawals::WithdrawalError;

impl From<Upstream> for ApiError {
    fn from(Upstream(e): Upstream) -> Self {
        e
    }
}

/// A database error after the retries: a serialization failure that kept coming back is
/// "busy" (503, try again), anything else keeps its own 503/500.
pub(crate) fn db_error(e: DbErr) -> ApiError {
    if e.is_retryable() {
        ApiError::unavailable("the database is busy; try again")
    } else {
        e.into()
    }
}

/// A refused debit is the caller's 409 (with `insufficient` as the message); a movement
/// that would overflow a balance is the caller's 422 on `amount` (nothing was written); a
/// database failure keeps its own 503/500.
pub(crate) fn ledger_refusal(e: LedgerError, insufficient: &str) -> ApiError {
    match e {
        LedgerError::InsufficientFunds(_) => {
            ApiError::conflict(ErrorCode::InsufficientFunds, insufficient.to_owned())
                .with_field("amount")
        }
        LedgerError::Overflow(account) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::AmountTooLarge,
            format!("amount: the balance of {account} would leave the range the ledger can hold"),
        )
        .with_field("amount"),
        LedgerError::Db(e) => db_error(e),
    }
}

impl From<WithdrawalError> for ApiError {
    fn from(e: WithdrawalError) -> Self {
        let message = e.to_string();
        match e {
            WithdrawalError::NotFound => ApiError::not_found(message),
            WithdrawalError::WrongState { .. } => {
                ApiError::conflict(ErrorCode::InvalidTransition, message)
            }
            WithdrawalError::KeyReused => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::IdempotencyKeyReused,
                message,
            )
            .with_field("Idempotency-Key"),
            WithdrawalError::NoHotWallet => ApiError::unavailable(message),
            WithdrawalError::NegativeFee => ApiError::invalid("fee", message),
            WithdrawalError::Ledger { refused, source } => ledger_refusal(source, refused),
            WithdrawalError::Upstream(e) => e.into(),
            WithdrawalError::Db(e) => db_error(e),
            WithdrawalError::CorruptAmount { .. } => ApiError::internal(e),
        }
    }
}
