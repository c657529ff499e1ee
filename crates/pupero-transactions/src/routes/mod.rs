//! HTTP routes of the transactions service.

mod audit;
mod chat;
mod deposits;
mod disputes;
mod errors;
mod money;
mod notifications;
mod reviews;
mod trading;
mod webhooks;
mod withdrawals;

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use pupero_http::{ApiError, ErrorCode, ServiceRouter, internal_route};

use crate::{SERVICE, TransactionsState};

#[derive(OpenApi)]
#[openapi(info(
    title = "Pupero transactions service",
    description = "Balances and the double-entry ledger, trades with escrow, disputes, trade chat and reviews. \
                   Amounts are XMR decimal strings with up to 12 decimals."
))]
struct ApiDoc;

pub fn router(state: TransactionsState) -> ServiceRouter {
    let health_db = state.db.clone();
    let metrics = state.metrics.clone();
    let internal = state.clone();
    let told = state.clone();
    let keys = state.keys.clone();
    let (routes, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(money::balances))
        .routes(routes!(money::statement))
        .routes(routes!(money::adjust))
        .routes(routes!(money::transfer))
        .routes(routes!(money::audit_log))
        .routes(routes!(audit::public_key))
        .routes(routes!(trading::open_trade, trading::list_trades))
        .routes(routes!(trading::get_trade))
        .routes(routes!(trading::trade_action))
        .routes(routes!(trading::resolve))
        .routes(routes!(trading::receipt))
        .routes(routes!(trading::disputes))
        .routes(routes!(trading::trades_of_user))
        .routes(routes!(chat::list_messages, chat::post_message))
        .routes(routes!(disputes::put_statement))
        .routes(routes!(disputes::dispute_files))
        .routes(routes!(disputes::upload_evidence))
        .routes(routes!(disputes::download_evidence))
        .routes(routes!(disputes::workbench))
        .routes(routes!(reviews::review, reviews::my_review))
        .routes(routes!(reviews::reputation))
        .routes(routes!(deposits::deposit_address))
        .routes(routes!(deposits::deposits))
        .routes(routes!(withdrawals::withdraw))
        .routes(routes!(withdrawals::list))
        .routes(routes!(withdrawals::get))
        .routes(routes!(withdrawals::cancel))
        .routes(routes!(notifications::inbox))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(notifications::mark_all_read))
        .routes(routes!(notifications::stream))
        .routes(routes!(webhooks::create, webhooks::list))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::deliveries))
        .with_state(state)
        .split_for_parts();
    let routes = routes
        .route(
            "/internal/balances",
            internal_route(
                &keys,
                &["offers"],
                axum::routing::post(money::internal_balances),
            ),
        )
        .route(
            "/internal/users/{id}/close",
            internal_route(
                &keys,
                &["login"],
                axum::routing::post(trading::internal_close_account),
            ),
        )
        .route(
            "/internal/users/{id}/reopen",
            internal_route(
                &keys,
                &["login"],
                axum::routing::post(trading::internal_reopen_account),
            ),
        )
        .route(
            "/internal/offers/{id}/open-trades",
            internal_route(
                &keys,
                &["offers"],
                axum::routing::get(trading::internal_open_trades),
            ),
        )
        .route(
            "/internal/trades/{id}/parties",
            internal_route(
                &keys,
                &["moderation"],
                axum::routing::get(trading::internal_trade_parties),
            ),
        )
        .route(
            "/internal/messages/{id}",
            internal_route(
                &keys,
                &["moderation"],
                axum::routing::get(chat::internal_message),
            ),
        )
        .route(
            "/internal/deposits/credit",
            internal_route(&keys, &["wallet"], axum::routing::post(deposits::credit)),
        )
        .route(
            "/internal/network-fees",
            internal_route(
                &keys,
                &["wallet"],
                axum::routing::post(deposits::network_fee),
            ),
        )
        .route(
            "/internal/withdrawals/claim",
            internal_route(
                &keys,
                &["wallet"],
                axum::routing::post(withdrawals::internal_claim),
            ),
        )
        .route(
            "/internal/withdrawals/{id}/note",
            internal_route(
                &keys,
                &["wallet"],
                axum::routing::post(withdrawals::internal_note),
            ),
        )
        .route(
            "/internal/withdrawals/{id}/executed",
            internal_route(
                &keys,
                &["wallet"],
                axum::routing::post(withdrawals::internal_executed),
            ),
        )
        .route(
            "/internal/withdrawals/{id}/{step}",
            internal_route(
                &keys,
                &["wallet"],
                axum::routing::post(withdrawals::internal_progress),
            ),
        )
        .with_state(internal)
        .layer(axum::middleware::from_fn_with_state(
            told,
            crate::told_after_writes::after_writes,
        ));
    ServiceRouter::with_database(SERVICE, routes, openapi, health_db).with_metrics(metrics)
}

/// A JSON body that may be absent (empty body or none at all).
pub(crate) fn optional_json<T: DeserializeOwned + Default>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        let status = if e.is_syntax() || e.is_eof() {
            axum::http::StatusCode::BAD_REQUEST
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        };
        ApiError::new(status, ErrorCode::InvalidBody, e.to_string())
    })
}

/// A positive XMR amount within the per-operation limit (MAX_AMOUNT_XMR). Above the limit
/// is its own code, so a client can tell "too much at once" from a malformed amount.
pub(crate) fn bounded_amount(
    raw: &str,
    limit: pupero_core::Piconero,
    field: &str,
) -> Result<pupero_core::Piconero, ApiError> {
    use pupero_core::{AmountError, Piconero};
    Piconero::parse_positive_xmr_within(raw, limit).map_err(|e| {
        let message = format!("{field}: {e}");
        match e {
            AmountError::AboveLimit(_) | AmountError::TooLarge => ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::AmountTooLarge,
                message,
            )
            .with_field(field),
            _ => ApiError::invalid(field, message),
        }
    })
}
