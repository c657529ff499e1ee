//! HTTP routes of the moderation service.

mod appeals;
mod audit;
mod cases;
mod offers;
mod sanctions;
mod views;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use pupero_http::{AccountAuthority, ApiError, ApiResult, AuthUser, ErrorCode, ServiceRouter};

use crate::ModerationState;

#[derive(OpenApi)]
#[openapi(info(
    title = "Pupero moderation service",
    description = "Reports (merged into cases for the moderators' queue), sanctions on accounts, and appeals."
))]
struct ApiDoc;

pub fn router(state: ModerationState) -> ServiceRouter {
    let health_db = state.db.clone();
    let metrics = state.metrics.clone();
    let (routes, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(cases::file_report))
        .routes(routes!(cases::my_reports))
        .routes(routes!(cases::queue))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::claim))
        .routes(routes!(cases::add_note))
        .routes(routes!(cases::resolve))
        .routes(routes!(sanctions::impose, sanctions::list))
        .routes(routes!(sanctions::mine))
        .routes(routes!(sanctions::lift))
        .routes(routes!(appeals::file, appeals::list))
        .routes(routes!(appeals::decide))
        .routes(routes!(offers::remove))
        .routes(routes!(audit::audit_log))
        .with_state(state)
        .split_for_parts();
    ServiceRouter::with_database(crate::SERVICE, routes, openapi, health_db).with_metrics(metrics)
}

/// Lists here: 20 rows unless asked, at most 100.
const PAGE_DEFAULT: u64 = 20;
const PAGE_MAX: u64 = 100;

/// A free-text field: trimmed, 1 to `max` characters.
fn text(field: &str, raw: &str, max: usize) -> ApiResult<String> {
    let t = raw.trim();
    if t.is_empty() || t.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("{field} must be 1 to {max} characters"),
        ));
    }
    Ok(t.to_owned())
}

/// The caller of a route a sanctioned user still needs (seeing their sanctions,
/// appealing): the token must be current and the account neither deleted nor disabled,
/// but a suspension or ban does not stop it, or nobody could ever appeal one.
async fn sanctioned_caller(authority: &AccountAuthority, caller: AuthUser) -> ApiResult<AuthUser> {
    let gone = || ApiError::unauthorized(ErrorCode::InvalidToken, "the account no longer exists");
    let standing = authority.lookup(caller.id).await?.ok_or_else(gone)?;
    if standing.deleted {
        return Err(gone());
    }
    if standing.disabled {
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            ErrorCode::AccountDisabled,
            "this account is disabled",
        ));
    }
    if let Some(after_ms) = standing.tokens_valid_after_ms
        && caller.issued_at.saturating_mul(1000) < after_ms
    {
        return Err(ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "this session was ended",
        ));
    }
    Ok(AuthUser {
        role: standing.role,
        ..caller
    })
}
