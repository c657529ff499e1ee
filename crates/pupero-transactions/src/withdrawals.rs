//! Withdrawals on the ledger side. A request moves the amount from `available` to
//! `withdrawing` in the same transaction that records it. The wallet service's worker
//! then drives it through guarded status changes, each idempotent:
//!
//! ```text
//! queued ─claim→ signing ─signed→ signed ─relayed→ relayed ─confirmed→ confirmed
//!   │ │            │  └─release→ queued (transient: e.g. funds still locked)
//!   │ └────────────┴─failed→ failed   (permanent, before anything was signed: refunded)
//!   └─cancel (the user)→ cancelled    (refunded)
//! ```
//! `claim` and `cancel` both change a `queued` row with `WHERE status = 'queued'`, so when
//! they race exactly one of them wins: the money is either on its way or back, never both.
//! On `relayed` the amount leaves for `platform:withdrawals`, and the network fee moves
//! `platform:fees → platform:network_fees` (the platform pays it; the user receives
//! exactly what was asked for). Once signed, a withdrawal is never refunded by this code:
//! the wallet must first prove the transaction can never be mined.

use pupero_api::internal::transactions::ClaimedWithdrawal;
use pupero_api::money::WithdrawalView;
use pupero_core::{Piconero, WithdrawalStatus};
use pupero_db::{now_ms, write_tx};
use pupero_http::ErrorCode;
use pupero_http::{ApiError, rfc3339};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::withdrawal;
use crate::ledger::{self, Account, Entry, Move, PlatformAccount, UserAccount};

/// How long a worker may hold a claim before another may take the withdrawal over.
pub const LEASE_MS: i64 = 120_000;
/// How long a withdrawal given back (e.g. funds still locked) waits before the next try.
pub const RETRY_AFTER_MS: i64 = 5_000;

/// The withdrawal as its owner sees it; a status this version does not know is an error.
pub fn view(w: &withdrawal::Model) -> Result<WithdrawalView, ApiError> {
    Ok(WithdrawalView {
        id: w.id,
        address: w.address.clone(),
        amount: Piconero::new(w.amount).unwrap_or_default(),
        status: w.status.parse().map_err(ApiError::internal)?,
        tx_hashes: w
            .tx_hashes
            .split(',')
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .collect(),
        fee: w.fee.map(|f| Piconero::new(f).unwrap_or_default()),
        error: (!w.last_error.is_empty()).then(|| w.last_error.clone()),
        created_at: rfc3339(w.created_at_ms),
        relayed_at: w.relayed_at_ms.map(rfc3339),
        confirmed_at: w.confirmed_at_ms.map(rfc3339),
    })
}

pub async fn load(db: &DatabaseConnection, id: i64) -> Result<withdrawal::Model, ApiError> {
    withdrawal::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("no such withdrawal"))
}

/// Claims a withdrawal for a worker: `id` if given (a queue message), else the oldest one
/// waiting. A claim whose lease ran out (a worker died) can be taken over.
pub async fn claim(
    db: &DatabaseConnection,
    id: Option<i64>,
) -> Result<Option<ClaimedWithdrawal>, ApiError> {
    let now = now_ms();
    // A queued withdrawal's lease is its "not before" time after a release; asking for one
    // by id (an operator's "execute now", a queue message) does not wait for it.
    let queued = match id {
        Some(_) => Condition::all().add(withdrawal::Column::Status.eq("queued")),
        None => Condition::all()
            .add(withdrawal::Column::Status.eq("queued"))
            .add(withdrawal::Column::LeaseUntilMs.lt(now)),
    };
    let claimable = Condition::any().add(queued).add(
        Condition::all()
            .add(withdrawal::Column::Status.eq("signing"))
            .add(withdrawal::Column::LeaseUntilMs.lt(now)),
    );
    let mut candidates = withdrawal::Entity::find()
        .filter(claimable.clone())
        .order_by_asc(withdrawal::Column::Id);
    if let Some(id) = id {
        candidates = candidates.filter(withdrawal::Column::Id.eq(id));
    }
    for w in candidates.all(db).await?.into_iter().take(5) {
        let taken = withdrawal::Entity::update_many()
            .col_expr(withdrawal::Column::Status, Expr::value("signing"))
            .col_expr(
                withdrawal::Column::LeaseUntilMs,
                Expr::value(now + LEASE_MS),
            )
            .col_expr(
                withdrawal::Column::Attempts,
                Expr::col(withdrawal::Column::Attempts).add(1),
            )
            .col_expr(withdrawal::Column::UpdatedAtMs, Expr::value(now))
            .filter(withdrawal::Column::Id.eq(w.id))
            .filter(claimable.clone())
            .exec(db)
            .await?;
        if taken.rows_affected == 1 {
            return Ok(Some(ClaimedWithdrawal {
                id: w.id,
                address: w.address,
                amount: Piconero::new(w.amount).map_err(ApiError::internal)?,
                status: WithdrawalStatus::Signing,
            }));
        }
    }
    Ok(None)
}

async fn set_status(
    db: &DatabaseConnection,
    id: i64,
    from: &[&str],
    to: &str,
    extra: impl FnOnce(
        sea_orm::UpdateMany<withdrawal::Entity>,
    ) -> sea_orm::UpdateMany<withdrawal::Entity>,
) -> Result<bool, ApiError> {
    let update = withdrawal::Entity::update_many()
        .col_expr(withdrawal::Column::Status, Expr::value(to))
        .col_expr(withdrawal::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(withdrawal::Column::Id.eq(id))
        .filter(withdrawal::Column::Status.is_in(from.to_vec()));
    Ok(extra(update).exec(db).await?.rows_affected == 1)
}

/// Records the built transaction(s) before anything is relayed.
pub async fn signed(
    db: &DatabaseConnection,
    id: i64,
    hashes: &[String],
    fee: i64,
) -> Result<withdrawal::Model, ApiError> {
    let joined = hashes.join(",");
    let changed = set_status(db, id, &["signing"], "signed", |u| {
        u.col_expr(withdrawal::Column::TxHashes, Expr::value(joined.clone()))
            .col_expr(withdrawal::Column::Fee, Expr::value(fee))
            .col_expr(withdrawal::Column::LastError, Expr::value(""))
    })
    .await?;
    let w = load(db, id).await?;
    let already = (w.status == "signed" && w.tx_hashes == joined)
        || matches!(w.status.as_str(), "relayed" | "confirmed");
    if !changed && !already {
        return Err(ApiError::conflict(
            ErrorCode::InvalidTransition,
            format!("withdrawal is {}", w.status),
        ));
    }
    Ok(w)
}

/// The transaction is in the daemon: the money has left. Moves the ledger exactly once.
pub async fn relayed(
    db: &DatabaseConnection,
    id: i64,
    hashes: &[String],
    fee: i64,
) -> Result<withdrawal::Model, ApiError> {
    let w = load(db, id).await?;
    if matches!(w.status.as_str(), "relayed" | "confirmed") {
        return Ok(w);
    }
    let amount = Piconero::new(w.amount).map_err(ApiError::internal)?;
    let fee_amount =
        Piconero::new(fee).map_err(|_| ApiError::invalid("fee", "fee must not be negative"))?;
    let moves = [
        Move::new(
            Account::User(w.user_id, UserAccount::Withdrawing),
            Account::Platform(PlatformAccount::Withdrawals),
            amount,
        ),
        Move::new(
            Account::Platform(PlatformAccount::Fees),
            Account::Platform(PlatformAccount::NetworkFees),
            fee_amount,
        ),
    ];
    ledger::ensure_accounts(db, &ledger::accounts_of(&moves)).await?;
    let tx = write_tx(db).await?;
    let now = now_ms();
    let changed = withdrawal::Entity::update_many()
        .col_expr(withdrawal::Column::Status, Expr::value("relayed"))
        .col_expr(withdrawal::Column::TxHashes, Expr::value(hashes.join(",")))
        .col_expr(withdrawal::Column::Fee, Expr::value(fee))
        .col_expr(withdrawal::Column::RelayedAtMs, Expr::value(now))
        .col_expr(withdrawal::Column::UpdatedAtMs, Expr::value(now))
        .col_expr(withdrawal::Column::LastError, Expr::value(""))
        .filter(withdrawal::Column::Id.eq(id))
        .filter(withdrawal::Column::Status.is_in(["signing", "signed"]))
        .exec(&tx)
        .await?;
    if changed.rows_affected != 1 {
        drop(tx);
        let w = load(db, id).await?;
        return if matches!(w.status.as_str(), "relayed" | "confirmed") {
            Ok(w)
        } else {
            Err(ApiError::conflict(
                ErrorCode::InvalidTransition,
                format!("withdrawal is {}", w.status),
            ))
        };
    }
    let entry = Entry {
        kind: "withdrawal",
        reference: format!("withdrawal:{id}"),
        memo: format!(
            "sent in {}",
            hashes.first().map(String::as_str).unwrap_or("?")
        ),
        actor_id: None,
    };
    ledger::post(&tx, entry, &moves)
        .await
        .map_err(|e| e.into_api("the withdrawal's reserve does not cover it"))?;
    tx.commit().await?;
    load(db, id).await
}

/// A permanent failure before anything was signed: the amount goes back to the user.
pub async fn failed(
    db: &DatabaseConnection,
    id: i64,
    reason: &str,
) -> Result<withdrawal::Model, ApiError> {
    let w = load(db, id).await?;
    if w.status == "failed" {
        return Ok(w);
    }
    let amount = Piconero::new(w.amount).map_err(ApiError::internal)?;
    let refund = Move::new(
        Account::User(w.user_id, UserAccount::Withdrawing),
        Account::User(w.user_id, UserAccount::Available),
        amount,
    );
    ledger::ensure_accounts(db, &ledger::accounts_of(&[refund])).await?;
    let tx = write_tx(db).await?;
    let changed = withdrawal::Entity::update_many()
        .col_expr(withdrawal::Column::Status, Expr::value("failed"))
        .col_expr(
            withdrawal::Column::LastError,
            Expr::value(reason.chars().take(500).collect::<String>()),
        )
        .col_expr(withdrawal::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(withdrawal::Column::Id.eq(id))
        .filter(withdrawal::Column::Status.is_in(["queued", "signing"]))
        .exec(&tx)
        .await?;
    if changed.rows_affected != 1 {
        drop(tx);
        let w = load(db, id).await?;
        return if w.status == "failed" {
            Ok(w)
        } else {
            Err(ApiError::conflict(
                ErrorCode::InvalidTransition,
                format!("withdrawal is {}; it cannot be refunded", w.status),
            ))
        };
    }
    let entry = Entry {
        kind: "withdrawal_refund",
        reference: format!("withdrawal:{id}"),
        memo: reason.chars().take(200).collect(),
        actor_id: None,
    };
    ledger::post(&tx, entry, &[refund])
        .await
        .map_err(|e| e.into_api("the withdrawal's reserve does not cover the refund"))?;
    tx.commit().await?;
    load(db, id).await
}

/// The owner takes back a withdrawal that no worker has claimed: `queued → cancelled` and
/// `withdrawing → available`, in one transaction.
pub async fn cancel(
    db: &DatabaseConnection,
    id: i64,
    user_id: i64,
) -> Result<withdrawal::Model, ApiError> {
    let w = load(db, id).await?;
    if w.status == "cancelled" {
        return Ok(w);
    }
    let amount = Piconero::new(w.amount).map_err(ApiError::internal)?;
    let refund = Move::new(
        Account::User(user_id, UserAccount::Withdrawing),
        Account::User(user_id, UserAccount::Available),
        amount,
    );
    ledger::ensure_accounts(db, &ledger::accounts_of(&[refund])).await?;
    let tx = write_tx(db).await?;
    let changed = withdrawal::Entity::update_many()
        .col_expr(withdrawal::Column::Status, Expr::value("cancelled"))
        .col_expr(
            withdrawal::Column::LastError,
            Expr::value("cancelled by its owner"),
        )
        .col_expr(withdrawal::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(withdrawal::Column::Id.eq(id))
        .filter(withdrawal::Column::UserId.eq(user_id))
        .filter(withdrawal::Column::Status.eq("queued"))
        .exec(&tx)
        .await?;
    if changed.rows_affected != 1 {
        drop(tx);
        let w = load(db, id).await?;
        return if w.status == "cancelled" {
            Ok(w)
        } else {
            Err(ApiError::conflict(
                ErrorCode::InvalidTransition,
                format!(
                    "withdrawal is {}; only a queued withdrawal can be cancelled",
                    w.status
                ),
            ))
        };
    }
    let entry = Entry {
        kind: "withdrawal_cancel",
        reference: format!("withdrawal:{id}"),
        memo: "cancelled by its owner".into(),
        actor_id: Some(user_id),
    };
    ledger::post(&tx, entry, &[refund])
        .await
        .map_err(|e| e.into_api("the withdrawal's reserve does not cover the refund"))?;
    tx.commit().await?;
    load(db, id).await
}

/// Gives a claim back with the reason it has to wait (nothing was signed).
pub async fn release(
    db: &DatabaseConnection,
    id: i64,
    reason: &str,
) -> Result<withdrawal::Model, ApiError> {
    set_status(db, id, &["signing"], "queued", |u| {
        u.col_expr(
            withdrawal::Column::LastError,
            Expr::value(reason.chars().take(500).collect::<String>()),
        )
        .col_expr(
            withdrawal::Column::LeaseUntilMs,
            Expr::value(now_ms() + RETRY_AFTER_MS),
        )
    })
    .await?;
    load(db, id).await
}

/// Notes a transient problem without changing the status (e.g. relay to retry).
pub async fn note(
    db: &DatabaseConnection,
    id: i64,
    reason: &str,
) -> Result<withdrawal::Model, ApiError> {
    withdrawal::Entity::update_many()
        .col_expr(
            withdrawal::Column::LastError,
            Expr::value(reason.chars().take(500).collect::<String>()),
        )
        .col_expr(withdrawal::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(withdrawal::Column::Id.eq(id))
        .exec(db)
        .await?;
    load(db, id).await
}

pub async fn confirmed(db: &DatabaseConnection, id: i64) -> Result<withdrawal::Model, ApiError> {
    set_status(db, id, &["relayed"], "confirmed", |u| {
        u.col_expr(withdrawal::Column::ConfirmedAtMs, Expr::value(now_ms()))
    })
    .await?;
    load(db, id).await
}
