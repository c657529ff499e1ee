//! A trader's public profile: member since, completed trades, rating, cancellations and
//! lost disputes (counts banded, as beside offers), and reviews.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use pupero_api::accounts::PublicProfile;
use pupero_api::trades::Reputation;

use super::offers::{caller_of, usernames};
use super::{Chrome, PageError, Visit, render};
use crate::FrontendState;
use crate::api::q;
use crate::i18n::{self, t};
use crate::view;

pub struct ReviewRow {
    pub by: String,
    pub stars: String,
    pub rating: i32,
    pub comment: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    chrome: Chrome,
    username: String,
    member_since: String,
    /// Counts as the API gives them: banded ("10+").
    completed: String,
    rating: Option<String>,
    reviews_count: String,
    /// Cancellations and lost disputes, when there are any.
    marks: Option<String>,
    reviews: Vec<ReviewRow>,
    /// A signed-in visitor other than this trader may report them.
    report_id: Option<i64>,
}

pub async fn page(
    State(state): State<FrontendState>,
    mut visit: Visit,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let caller = caller_of(&state, &mut visit).await?;
    let p: PublicProfile = state
        .api
        .get(&caller, &format!("/auth/users/{}", q(&username)))
        .await?;
    let r: Reputation = state
        .api
        .get(&caller, &format!("/transactions/users/{}/reputation", p.id))
        .await?;
    let ids: Vec<i64> = r.reviews.iter().map(|rv| rv.reviewer_id).collect();
    let names = usernames(&state, &caller, &ids).await;
    let reviews = r
        .reviews
        .iter()
        .map(|rv| ReviewRow {
            by: names
                .get(&rv.reviewer_id)
                .cloned()
                .unwrap_or_else(|| t("profile-a-trader")),
            stars: "★".repeat(usize::try_from(rv.rating.clamp(0, 5)).unwrap_or(0))
                + &"☆".repeat(usize::try_from(5 - rv.rating.clamp(0, 5)).unwrap_or(0)),
            rating: rv.rating,
            comment: rv.comment.clone(),
            at: view::day(&rv.created_at),
        })
        .collect();
    let report_id = visit
        .session
        .as_ref()
        .filter(|s| s.user_id != p.id)
        .map(|_| p.id);
    Ok(render(&ProfilePage {
        report_id,
        chrome: visit.chrome(p.username.clone()),
        username: p.username,
        member_since: view::day(&p.member_since),
        marks: super::offers::marks(&r.cancellations, &r.lost_disputes),
        completed: r.completed_trades,
        rating: r.average_rating.as_deref().map(i18n::decimal),
        reviews_count: r.reviews_count,
        reviews,
    }))
}
