//! What a report is about, checked with the service that owns it: the target must exist
//! and be visible to the reporter, and the people it concerns become parties to the case
//! (who may then not moderate it).

use pupero_api::internal::transactions::{MessageAuthor, TradeParties};
use pupero_api::offers::OfferView;
use pupero_core::ReportTarget;
use pupero_http::{ApiError, ApiResult};

use crate::ModerationState;

/// The users a report of `target` `id` is about (the reporter excluded), or 404 when the
/// target does not exist or is not the reporter's to see.
pub async fn subjects(
    state: &ModerationState,
    target: ReportTarget,
    id: i64,
    reporter: i64,
) -> ApiResult<Vec<i64>> {
    let subjects = match target {
        ReportTarget::User => match state.authority.lookup(id).await? {
            Some(s) if !s.deleted => vec![id],
            _ => return Err(ApiError::not_found("no such user")),
        },
        ReportTarget::Offer => {
            let offer: OfferView = state
                .offers
                .get(&format!("/internal/offers/{id}"))
                .await
                .map_err(|e| not_found_as(e, "no such offer"))?;
            vec![offer.owner_id]
        }
        ReportTarget::Trade => {
            let t: TradeParties = state
                .transactions
                .get(&format!("/internal/trades/{id}/parties"))
                .await
                .map_err(|e| not_found_as(e, "no such trade"))?;
            // A trade is only seen by its parties: anyone else learns nothing from it.
            if reporter != t.buyer_id && reporter != t.seller_id {
                return Err(ApiError::not_found("no such trade"));
            }
            vec![t.buyer_id, t.seller_id]
        }
        ReportTarget::Message => {
            let m: MessageAuthor = state
                .transactions
                .get(&format!("/internal/messages/{id}"))
                .await
                .map_err(|e| not_found_as(e, "no such message"))?;
            if reporter != m.buyer_id && reporter != m.seller_id {
                return Err(ApiError::not_found("no such message"));
            }
            vec![m.author_id]
        }
    };
    let others: Vec<i64> = subjects.into_iter().filter(|u| *u != reporter).collect();
    if others.is_empty() {
        return Err(ApiError::invalid(
            "target_id",
            format!("you cannot report your own {target}"),
        ));
    }
    Ok(others)
}

/// Another service's 404 in this service's words.
fn not_found_as(e: ApiError, message: &str) -> ApiError {
    if e.status == axum::http::StatusCode::NOT_FOUND {
        ApiError::not_found(message)
    } else {
        e
    }
}
