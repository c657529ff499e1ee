//! HTTP routes of the wallet service.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use pupero_core::Piconero;
use pupero_http::{
    AdminUser, ApiError, ApiPath, ApiResult, ServiceCaller, ServiceRouter, internal_route,
};

use pupero_api::internal::wallet::{
    ChainNotice, SweepWoken, WalletAddress, WalletDeposits, WorkerWoken,
};
use pupero_api::money::{ExecuteRequest, Executed, WalletBalance};

use crate::deposits;
use crate::{SERVICE, WalletState};

#[derive(OpenApi)]
#[openapi(info(
    title = "Pupero wallet manager",
    description = "The hot wallet. Admins only."
))]
struct ApiDoc;

pub fn router(state: WalletState) -> ServiceRouter {
    let internal = state.clone();
    let keys = state.keys.clone();
    let metrics = state.metrics.clone();
    let (routes, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(balance))
        .routes(routes!(execute_withdrawal))
        .with_state(state)
        .split_for_parts();
    pupero_http::service::document_bearer_auth(&mut openapi);
    let routes = routes
        .route(
            "/internal/users/{id}/deposit-address",
            internal_route(
                &keys,
                &["transactions"],
                axum::routing::post(deposit_address),
            ),
        )
        .route(
            "/internal/users/{id}/deposits",
            internal_route(&keys, &["transactions"], axum::routing::get(user_deposits)),
        )
        .route(
            "/internal/withdrawals/wake",
            internal_route(&keys, &["transactions"], axum::routing::post(wake)),
        )
        .route(
            "/internal/chain/notify",
            internal_route(&keys, &["wallet"], axum::routing::post(chain_notice)),
        )
        .route("/healthz", axum::routing::get(health))
        .with_state(internal);
    ServiceRouter {
        name: SERVICE,
        routes,
        openapi,
        metrics: Some(metrics),
    }
}

/// Ready when the database, the wallet RPC and the daemon answer; 503 naming what does not.
async fn health(State(state): State<WalletState>) -> Response {
    use pupero_api::health::{Check, HealthStatus as H, ServiceHealth};
    let database = Check {
        status: if pupero_db::ping(&state.db).await.is_ok() {
            H::Ok
        } else {
            H::Unavailable
        },
        backend: Some(pupero_db::backend_name(&state.db).to_owned()),
        height: None,
    };
    let wallet = match &state.wallet_rpc {
        None => (H::NotConfigured, None),
        Some(w) => match w.height().await {
            Ok(h) => (H::Ok, Some(h)),
            Err(_) => (H::Unreachable, None),
        },
    };
    let daemon = match state.daemon.height().await {
        Ok(h) => (H::Ok, Some(h)),
        Err(_) => (H::Unreachable, None),
    };
    let checks: std::collections::BTreeMap<String, Check> = [
        ("database".to_owned(), database),
        (
            "wallet".to_owned(),
            Check {
                status: wallet.0,
                backend: None,
                height: wallet.1,
            },
        ),
        (
            "daemon".to_owned(),
            Check {
                status: daemon.0,
                backend: None,
                height: daemon.1,
            },
        ),
    ]
    .into();
    let ok = checks.values().all(|c| c.status == H::Ok);
    let (code, status) = if ok {
        (StatusCode::OK, H::Ok)
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, H::Unavailable)
    };
    let health = ServiceHealth {
        status,
        service: SERVICE.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        checks,
    };
    (code, Json(health)).into_response()
}

/// The hot wallet's balance (admins).
#[utoipa::path(get, path = "/balance", tag = "wallet", security(("bearer" = [])),
    responses((status = 200, body = WalletBalance), (status = 403, description = "not an admin"),
              (status = 503, description = "wallet unavailable")))]
async fn balance(
    State(state): State<WalletState>,
    _admin: AdminUser,
) -> ApiResult<Json<WalletBalance>> {
    let wallet = state.wallet()?;
    let unavailable = |e: crate::rpc::RpcError| {
        tracing::warn!(error = %e, "wallet balance");
        ApiError::unavailable("the wallet is unavailable; try again shortly")
    };
    let b = wallet.balance().await.map_err(unavailable)?;
    let height = wallet.height().await.map_err(unavailable)?;
    let xmr = |v: u64| {
        Piconero::new(i64::try_from(v).unwrap_or(i64::MAX))
            .unwrap_or_default()
            .to_string()
    };
    Ok(Json(WalletBalance {
        balance: xmr(b.balance),
        unlocked_balance: xmr(b.unlocked_balance),
        wallet_height: height,
    }))
}

async fn deposit_address(
    State(state): State<WalletState>,
    _caller: ServiceCaller,
    ApiPath(user_id): ApiPath<i64>,
) -> ApiResult<Json<WalletAddress>> {
    Ok(Json(deposits::address_for(&state, user_id).await?))
}

async fn user_deposits(
    State(state): State<WalletState>,
    _caller: ServiceCaller,
    ApiPath(user_id): ApiPath<i64>,
) -> ApiResult<Json<WalletDeposits>> {
    Ok(Json(WalletDeposits {
        deposits: deposits::deposits_of(&state, user_id).await?,
    }))
}

/// A withdrawal was queued: run the worker now instead of at its next safety-net pass.
async fn wake(State(state): State<WalletState>, _caller: ServiceCaller) -> Json<WorkerWoken> {
    state.wake.notify_one();
    Json(WorkerWoken { woken: true })
}

/// monero-wallet-rpc saw a transaction of the hot wallet (`--tx-notify`) or monerod a new
/// block (`--block-notify`): sweep now, so a deposit shows as pending at once instead of
/// at the next `SWEEP_INTERVAL_SECONDS` (which stays as the safety net). Notices that
/// arrive while a sweep runs are folded into one more sweep.
async fn chain_notice(
    State(state): State<WalletState>,
    _caller: ServiceCaller,
    pupero_http::ApiJson(notice): pupero_http::ApiJson<ChainNotice>,
) -> ApiResult<Json<SweepWoken>> {
    if !matches!(notice.event.as_str(), "tx" | "block") {
        return Err(ApiError::invalid("event", "event must be tx or block"));
    }
    if notice.hash.len() != 64 || !notice.hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::invalid(
            "hash",
            "hash must be 64 hexadecimal characters",
        ));
    }
    tracing::debug!(event = %notice.event, hash = %notice.hash, "chain notice");
    state.sweep_now.notify_one();
    Ok(Json(SweepWoken { woken: true }))
}

/// Run one queued withdrawal now (the seed's operator endpoint).
#[utoipa::path(post, path = "/admin/withdraw/execute", tag = "wallet", security(("bearer" = [])), request_body = ExecuteRequest,
    responses((status = 200, body = Executed), (status = 403, description = "not an admin"),
              (status = 503, description = "wallet or ledger unavailable")))]
async fn execute_withdrawal(
    State(state): State<WalletState>,
    AdminUser(admin): AdminUser,
    pupero_http::ApiJson(req): pupero_http::ApiJson<ExecuteRequest>,
) -> ApiResult<Json<Executed>> {
    state.wallet()?;
    // On the audit chain first: a staff action nobody can see afterwards does not happen.
    let _: serde_json::Value = state
        .transactions
        .post(
            &format!("/internal/withdrawals/{}/executed", req.withdrawal_id),
            &pupero_api::internal::transactions::ExecuteRequested { admin_id: admin.id },
        )
        .await?;
    crate::withdrawals::work(&state, Some(req.withdrawal_id)).await?;
    Ok(Json(Executed {
        withdrawal_id: req.withdrawal_id,
        processed: true,
    }))
}
