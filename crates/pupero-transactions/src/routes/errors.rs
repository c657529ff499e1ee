//! The domain's errors as API answers: the one place that picks status codes and error
//! codes for what the ledger, trades and withdrawals refuse.

use axum::http::StatusCode;
use pupero_db::Retryable;
use pupero_http::{ApiError, ErrorCode};
use sea_orm::DbErr;

use pupero_core::trade::Refusal;

use crate::accounts::Upstream;
use crate::ledger::LedgerError;
use crate::trades::TradeError;
use crate::trading_accounts::CloseError;
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
        LedgerError::Unreadable(_) => ApiError::internal(e),
    }
}

/// A ledger error where nothing is refused to the caller (reads): a database failure
/// keeps its answer, anything else is a 500.
impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::Db(e) => db_error(e),
            other => ApiError::internal(other),
        }
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

impl From<TradeError> for ApiError {
    fn from(e: TradeError) -> Self {
        let message = e.to_string();
        let limit = e.limit();
        match e {
            TradeError::NotFound => ApiError::not_found(message),
            TradeError::ObserverOnly => ApiError::forbidden(message),
            TradeError::Refused(Refusal::NotYourStep { .. }) => ApiError::forbidden(message),
            TradeError::Refused(Refusal::WrongState(_)) => {
                ApiError::conflict(ErrorCode::InvalidTransition, message)
            }
            TradeError::Invalid { field, .. } => ApiError::invalid(field, message),
            TradeError::OfferNotOpen(_) => ApiError::conflict(ErrorCode::OfferNotOpen, message),
            TradeError::SelfTrade => ApiError::conflict(ErrorCode::SelfTrade, message),
            TradeError::ReputationTooLow { needs, .. } => {
                ApiError::new(StatusCode::FORBIDDEN, ErrorCode::ReputationTooLow, message)
                    .with_extra("min_taker_trades", needs.to_string())
            }
            TradeError::FirstTradeLimit { limit } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::FirstTradeLimit,
                message,
            )
            .with_field("amount")
            .with_extra("first_trade_max_amount", limit.to_string()),
            TradeError::OfferChanged { offer, .. } => {
                ApiError::conflict(ErrorCode::OfferChanged, message)
                    .with_field("price")
                    .with_extra("price", offer.price.clone())
                    .with_extra("currency", offer.currency.clone())
                    .with_extra("min_amount", offer.min_amount.to_string())
                    .with_extra("max_amount", offer.max_amount.to_string())
                    .with_extra("payment_method", offer.payment_method.clone())
                    .with_extra(
                        "payment_window_minutes",
                        offer.payment_window_minutes.to_string(),
                    )
                    .with_extra("status", offer.status.to_string())
            }
            TradeError::InsufficientFunds { .. } => {
                ApiError::conflict(ErrorCode::InsufficientFunds, message).with_field("amount")
            }
            TradeError::OfferTradeLimit { .. } => {
                ApiError::conflict(ErrorCode::OfferTradeLimit, message)
                    .with_extra("limit", limit.unwrap_or_default().to_string())
            }
            TradeError::OpenTradeLimit { .. } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::OpenTradeLimit,
                message,
            )
            .with_extra("limit", limit.unwrap_or_default().to_string()),
            TradeError::KeyReused => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::IdempotencyKeyReused,
                message,
            )
            .with_field("Idempotency-Key"),
            TradeError::AccountGone => ApiError::unauthorized(ErrorCode::InvalidToken, message),
            TradeError::Raced => ApiError::unavailable("the database is busy; try again"),
            TradeError::Ledger(LedgerError::Db(e)) | TradeError::Db(e) => db_error(e),
            // Escrow always covers its own settlement; reaching this is a bug worth a 500.
            TradeError::Ledger(_) | TradeError::Corrupt(_) => ApiError::internal(e),
            TradeError::Upstream(e) => e.into(),
        }
    }
}

impl From<CloseError> for ApiError {
    fn from(e: CloseError) -> Self {
        match e {
            CloseError::InUse { .. } => ApiError::conflict(ErrorCode::AccountInUse, e.to_string()),
            CloseError::Db(e) | CloseError::Ledger(LedgerError::Db(e)) => db_error(e),
            CloseError::Ledger(_) => ApiError::internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use pupero_core::trade::TradeState;
    use pupero_core::{WithdrawalEvent, WithdrawalStatus};

    use super::*;
    use crate::ledger::{Account, UserAccount};

    fn answer(e: impl Into<ApiError>) -> (u16, ErrorCode, Option<String>) {
        let e = e.into();
        (e.status.as_u16(), e.code, e.field)
    }

    #[test]
    fn trade_refusals_keep_their_answers() {
        let table: Vec<(TradeError, u16, ErrorCode)> = vec![
            (TradeError::NotFound, 404, ErrorCode::NotFound),
            (TradeError::ObserverOnly, 403, ErrorCode::Forbidden),
            (
                TradeError::Refused(Refusal::NotYourStep {
                    allowed: "the buyer",
                }),
                403,
                ErrorCode::Forbidden,
            ),
            (
                TradeError::Refused(Refusal::WrongState(TradeState::Completed)),
                409,
                ErrorCode::InvalidTransition,
            ),
            (TradeError::SelfTrade, 409, ErrorCode::SelfTrade),
            (
                TradeError::InsufficientFunds {
                    caller_is_seller: true,
                },
                409,
                ErrorCode::InsufficientFunds,
            ),
            (
                TradeError::OfferTradeLimit { open: 3, limit: 3 },
                409,
                ErrorCode::OfferTradeLimit,
            ),
            (
                TradeError::OpenTradeLimit {
                    open: 2,
                    limit: 2,
                    until_completed: Some(3),
                },
                429,
                ErrorCode::OpenTradeLimit,
            ),
            (TradeError::KeyReused, 422, ErrorCode::IdempotencyKeyReused),
            (TradeError::AccountGone, 401, ErrorCode::InvalidToken),
            (TradeError::Raced, 503, ErrorCode::ServiceUnavailable),
            (
                TradeError::Corrupt("fee above amount".into()),
                500,
                ErrorCode::Internal,
            ),
            (
                TradeError::Ledger(LedgerError::InsufficientFunds(Account::User(
                    1,
                    UserAccount::Escrow,
                ))),
                500,
                ErrorCode::Internal,
            ),
        ];
        for (error, status, code) in table {
            let shown = error.to_string();
            let (s, c, _) = answer(error);
            assert_eq!((s, c), (status, code), "{shown}");
        }
    }

    #[test]
    fn withdrawal_refusals_keep_their_answers() {
        let wrong = |event, status| WithdrawalError::WrongState { event, status };
        let table: Vec<(WithdrawalError, u16, ErrorCode, Option<&str>)> = vec![
            (WithdrawalError::NotFound, 404, ErrorCode::NotFound, None),
            (
                wrong(WithdrawalEvent::Release, WithdrawalStatus::Relayed),
                409,
                ErrorCode::InvalidTransition,
                None,
            ),
            (
                WithdrawalError::KeyReused,
                422,
                ErrorCode::IdempotencyKeyReused,
                Some("Idempotency-Key"),
            ),
            (
                WithdrawalError::NoHotWallet,
                503,
                ErrorCode::ServiceUnavailable,
                None,
            ),
            (
                WithdrawalError::NegativeFee,
                422,
                ErrorCode::InvalidField,
                Some("fee"),
            ),
            (
                WithdrawalError::Ledger {
                    refused: "your available balance does not cover this amount",
                    source: LedgerError::InsufficientFunds(Account::User(
                        1,
                        UserAccount::Available,
                    )),
                },
                409,
                ErrorCode::InsufficientFunds,
                Some("amount"),
            ),
        ];
        for (error, status, code, field) in table {
            let shown = error.to_string();
            assert_eq!(
                answer(error),
                (status, code, field.map(str::to_owned)),
                "{shown}"
            );
        }
    }

    #[test]
    fn a_wrong_state_names_what_can_be_done() {
        let message = |event| {
            WithdrawalError::WrongState {
                event,
                status: WithdrawalStatus::Signing,
            }
            .to_string()
        };
        assert_eq!(
            message(WithdrawalEvent::Cancel),
            "withdrawal is signing; only a queued withdrawal can be cancelled"
        );
        assert_eq!(message(WithdrawalEvent::Confirmed), "withdrawal is signing");
    }
}
