//! The conflict-of-interest rule: nobody moderates a report case, an appeal or a sanction
//! they are a party to.

use axum::http::StatusCode;

use pupero_http::{ApiError, ApiResult, ErrorCode};
use sea_orm::ConnectionTrait;

use crate::store;

pub fn conflict(message: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::ConflictOfInterest,
        message,
    )
}

/// 403 when `moderator` reported the case's target or is one of the people it is about.
pub async fn not_party_to_case(
    db: &impl ConnectionTrait,
    case_id: i64,
    moderator: i64,
) -> ApiResult<()> {
    if store::is_case_party(db, case_id, moderator).await? {
        return Err(conflict(
            "you are a party to this case (a reporter or the reported): another moderator must handle it",
        ));
    }
    Ok(())
}
