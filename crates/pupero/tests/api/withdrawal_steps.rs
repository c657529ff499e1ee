//! The wallet worker's reports on a withdrawal (`/internal/withdrawals/{id}/{step}`) follow
//! the lifecycle table: a report that the table refuses in the current status is 409
//! `invalid_transition`, and a report of a step already taken is answered as before.

use pupero_api::ErrorCode;
use reqwest::StatusCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::{Value, json};

use pupero_core::WithdrawalStatus;
use pupero_transactions::entity::withdrawal;

use pupero_api::money::WithdrawalView;

use crate::helpers::{TestApp, db_test, error_code, typed};

const ADDRESS: &str = "45MtP6Jy2o93QdedfWzn1uSkJdwCfdYM8PEtKTSiyMnQXDbe5cswnCEHVdQaQq5Wg8BeqSi2j5mpGQXRJXWfFEYFMghfY9U";

/// A withdrawal row as a worker would find it, without the money (these steps move none).
async fn withdrawal_in(app: &TestApp, user_id: i64, status: WithdrawalStatus) -> i64 {
    let now = pupero_db::now_ms();
    withdrawal::Entity::insert(withdrawal::ActiveModel {
        user_id: Set(user_id),
        idempotency_key: Set(format!("steps-{now}-{status}")),
        address: Set(ADDRESS.into()),
        amount: Set(1_000_000_000_000),
        status: Set(status),
        tx_hashes: Set(String::new()),
        fee: Set(None),
        last_error: Set(String::new()),
        attempts: Set(1),
        lease_until_ms: Set(now + 60_000),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
        relayed_at_ms: Set(None),
        confirmed_at_ms: Set(None),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap()
    .last_insert_id
}

async fn set_status(app: &TestApp, id: i64, status: WithdrawalStatus) {
    withdrawal::Entity::update_many()
        .col_expr(withdrawal::Column::Status, Expr::value(status))
        .filter(withdrawal::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn report(app: &TestApp, id: i64, step: &str, body: Value) -> (StatusCode, Value) {
    let wallet = app
        .keys()
        .only("wallet")
        .issue_service("wallet")
        .unwrap()
        .token;
    app.call_at(
        &app.transactions,
        "POST",
        &format!("/internal/withdrawals/{id}/{step}"),
        Some(&wallet),
        Some(body),
    )
    .await
}

db_test! {
    async fn release_and_confirmed_refuse_a_wrong_state_and_repeat_harmlessly(app) {
        let (alice, _) = app.user("alice").await;
        let id = withdrawal_in(&app, alice, WithdrawalStatus::Signing).await;
        let wait = json!({"reason": "funds still locked"});

        // Not relayed yet: nothing can be confirmed (this answered 200 before).
        let (status, body) = report(&app, id, "confirmed", json!({})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::InvalidTransition), "{body}");

        let (status, body) = report(&app, id, "release", wait.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let released: WithdrawalView = typed(&body);
        assert_eq!((released.status, released.error.as_deref()), (WithdrawalStatus::Queued, Some("funds still locked")));
        let (status, body) = report(&app, id, "release", wait.clone()).await;
        assert_eq!(status, StatusCode::OK, "a repeat: {body}");
        assert_eq!(typed::<WithdrawalView>(&body).status, WithdrawalStatus::Queued);

        set_status(&app, id, WithdrawalStatus::Relayed).await;
        // Relayed money has left: giving the claim back is refused (this answered 200 before).
        let (status, body) = report(&app, id, "release", wait.clone()).await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::InvalidTransition), "{body}");

        let (status, body) = report(&app, id, "confirmed", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let first: WithdrawalView = typed(&body);
        assert_eq!(first.status, WithdrawalStatus::Confirmed);
        assert!(first.confirmed_at.is_some(), "{body}");
        let (status, body) = report(&app, id, "confirmed", json!({})).await;
        assert_eq!(status, StatusCode::OK, "a repeat: {body}");
        assert_eq!(typed::<WithdrawalView>(&body), first, "a repeat changes nothing");

        // The other steps answered like this already; they still do.
        let (status, body) = report(&app, id, "failed", json!({"reason": "too late"})).await;
        assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, ErrorCode::InvalidTransition), "{body}");
    }
}
