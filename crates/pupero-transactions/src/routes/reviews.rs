//! Reviews after completed trades, and the reputation they add up to.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use pupero_api::trades::{Reputation, ReviewRequest, ReviewView};
use pupero_http::ErrorCode;

use pupero_core::record_band::band_u64;
use pupero_core::trade::{Actor, TradeState};
use pupero_db::{is_unique_violation, write_tx};
use pupero_http::{ActiveUser, ApiError, ApiJson, ApiPath, ApiResult, AuthUser, rfc3339};

use crate::TransactionsState;
use crate::entity::review as review_row;
use crate::store::reviews::{self as store, NewReview};
use crate::trades::{self, Access, access};

fn review_view(r: review_row::Model) -> ReviewView {
    ReviewView {
        trade_id: r.trade_id,
        reviewer_id: r.reviewer_id,
        reviewee_id: r.reviewee_id,
        rating: r.rating,
        comment: r.comment,
        created_at: rfc3339(r.created_at_ms),
    }
}

/// The caller's own review of a trade, if they wrote one (so a page knows whether to
/// offer the form).
#[utoipa::path(get, path = "/trades/{id}/review", tag = "reviews", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ReviewView), (status = 404, description = "no such trade, or no review by the caller yet")))]
pub async fn my_review(
    State(state): State<TransactionsState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReviewView>> {
    let t = trades::load(&state.db, id).await?;
    if access(&t, caller).is_none() {
        return Err(ApiError::not_found("no such trade"));
    }
    store::find_by_reviewer(&state.db, id, caller.id)
        .await?
        .map(|r| Json(review_view(r)))
        .ok_or_else(|| ApiError::not_found("you have not reviewed this trade"))
}

/// Review the other party of a completed trade, once.
#[utoipa::path(post, path = "/trades/{id}/review", tag = "reviews", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ReviewRequest,
    responses((status = 201, body = ReviewView), (status = 409, description = "not completed, or already reviewed"),
              (status = 422, description = "rating outside 1–5 or comment too long")))]
pub async fn review(
    State(state): State<TransactionsState>,
    ActiveUser(caller): ActiveUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> ApiResult<(StatusCode, Json<ReviewView>)> {
    if !(1..=5).contains(&req.rating) {
        return Err(ApiError::invalid("rating", "rating must be 1 to 5"));
    }
    let comment = req.comment.trim();
    if comment.chars().count() > 1000 {
        return Err(ApiError::invalid(
            "comment",
            "comment must be at most 1000 characters",
        ));
    }
    let t = trades::load(&state.db, id).await?;
    let reviewee = match access(&t, caller) {
        Some(Access::Party(Actor::Buyer)) => t.seller_id,
        Some(Access::Party(_)) => t.buyer_id,
        Some(_) => return Err(ApiError::forbidden("only the parties review a trade")),
        None => return Err(ApiError::not_found("no such trade")),
    };
    if t.state != TradeState::Completed {
        return Err(ApiError::conflict(
            ErrorCode::TradeNotCompleted,
            "reviews open when the trade is completed",
        ));
    }
    let new = NewReview {
        trade_id: id,
        reviewer_id: caller.id,
        reviewee_id: reviewee,
        rating: i32::try_from(req.rating).unwrap_or(1),
        comment,
    };
    // The review and the count of the reviewee's record change commit together, so the
    // record is told to offers (after the commit) or left behind for the retell job.
    let tx = write_tx(&state.db).await?;
    let saved = match store::insert(&tx, new).await {
        Ok(saved) => saved,
        Err(e) if is_unique_violation(&e) => {
            return Err(ApiError::conflict(
                ErrorCode::AlreadyReviewed,
                "you have already reviewed this trade",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    crate::records::changed(&tx, &[(reviewee, crate::records::Counts::default())]).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(review_view(saved))))
}

/// A user's public reputation. Counts are banded for everyone, the user included: the
/// answer is public, and a user's own exact history is in their trades and ledger.
#[utoipa::path(get, path = "/users/{id}/reputation", tag = "reviews", params(("id" = i64, Path)),
    responses((status = 200, body = Reputation)))]
pub async fn reputation(
    State(state): State<TransactionsState>,
    ApiPath(user_id): ApiPath<i64>,
) -> ApiResult<Json<Reputation>> {
    let record = crate::records::record_of(&state.db, user_id).await?;
    let reviews = store::latest_of_reviewee(&state.db, user_id, 20)
        .await?
        .into_iter()
        .map(review_view)
        .collect();
    Ok(Json(Reputation {
        user_id,
        completed_trades: band_u64(record.completed_trades),
        cancellations: band_u64(record.cancellations),
        lost_disputes: band_u64(record.lost_disputes),
        reviews_count: band_u64(record.reviews_count),
        average_rating: record.average_rating(),
        reviews,
    }))
}
