//! The moderation service's SQL, through SeaORM so one text serves the three backends.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use pupero_core::{
    AppealStatus, AuditAction, CaseResolution, CaseStatus, ReportCategory, ReportTarget,
    SanctionKind,
};
use pupero_db::{is_unique_violation, now_ms};
use pupero_http::Page;

use crate::entity::{appeal, case, case_party, enforcement, note, report, sanction};

/// The key that merges the reports of one target while its case is undecided.
fn open_key(target: ReportTarget, target_id: i64) -> String {
    format!("{target}:{target_id}")
}

/// A report filed: into the target's open case (made if there was none).
pub enum Filed {
    New(Box<(report::Model, case::Model)>),
    /// This reporter already reported this target in its open case.
    Repeated,
}

pub struct NewReport<'a> {
    pub target: ReportTarget,
    pub target_id: i64,
    pub category: ReportCategory,
    pub text: &'a str,
    pub reporter: i64,
    /// The users the target concerns.
    pub subjects: &'a [i64],
}

/// Files a report in the caller's transaction. A unique violation on the open case
/// (another first report of the same target at the same moment) is returned as such, for
/// the caller to retry in a fresh transaction, which then finds that case.
pub async fn file_report(db: &impl ConnectionTrait, new: &NewReport<'_>) -> Result<Filed, DbErr> {
    let now = now_ms();
    let key = open_key(new.target, new.target_id);
    let existing = case::Entity::find()
        .filter(case::Column::OpenKey.eq(key.as_str()))
        .one(db)
        .await?;
    let case_id = match existing {
        Some(c) => c.id,
        None => {
            case::Entity::insert(case::ActiveModel {
                target_kind: Set(new.target),
                target_id: Set(new.target_id),
                open_key: Set(Some(key)),
                category: Set(new.category),
                status: Set(CaseStatus::Open),
                reporters: Set(0),
                assignee_id: Set(None),
                resolution: Set(None),
                resolution_reason: Set(None),
                resolved_by: Set(None),
                created_at_ms: Set(now),
                updated_at_ms: Set(now),
                resolved_at_ms: Set(None),
                ..Default::default()
            })
            .exec(db)
            .await?
            .last_insert_id
        }
    };
    let inserted = report::Entity::insert(report::ActiveModel {
        case_id: Set(case_id),
        reporter_id: Set(new.reporter),
        category: Set(new.category),
        text: Set(new.text.to_owned()),
        created_at_ms: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await;
    let report_id = match inserted {
        Ok(r) => r.last_insert_id,
        Err(e) if is_unique_violation(&e) => return Ok(Filed::Repeated),
        Err(e) => return Err(e),
    };
    for user in std::iter::once(new.reporter).chain(new.subjects.iter().copied()) {
        add_party(db, case_id, user).await?;
    }
    let reporters = report::Entity::find()
        .filter(report::Column::CaseId.eq(case_id))
        .count(db)
        .await?;
    case::Entity::update_many()
        .col_expr(
            case::Column::Reporters,
            Expr::value(i64::try_from(reporters).unwrap_or(i64::MAX)),
        )
        .col_expr(case::Column::UpdatedAtMs, Expr::value(now))
        .filter(case::Column::Id.eq(case_id))
        .exec(db)
        .await?;
    let report = report::Entity::find_by_id(report_id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("report {report_id}")))?;
    let case = find_case(db, case_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("case {case_id}")))?;
    Ok(Filed::New(Box::new((report, case))))
}

async fn add_party(db: &impl ConnectionTrait, case_id: i64, user_id: i64) -> Result<(), DbErr> {
    if is_case_party(db, case_id, user_id).await? {
        return Ok(());
    }
    case_party::Entity::insert(case_party::ActiveModel {
        case_id: Set(case_id),
        user_id: Set(user_id),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

pub async fn is_case_party(
    db: &impl ConnectionTrait,
    case_id: i64,
    user_id: i64,
) -> Result<bool, DbErr> {
    Ok(case_party::Entity::find()
        .filter(case_party::Column::CaseId.eq(case_id))
        .filter(case_party::Column::UserId.eq(user_id))
        .count(db)
        .await?
        > 0)
}

pub async fn find_case(db: &impl ConnectionTrait, id: i64) -> Result<Option<case::Model>, DbErr> {
    case::Entity::find_by_id(id).one(db).await
}

/// A reporter's reports, newest first, each with its case.
pub async fn reports_of(
    db: &impl ConnectionTrait,
    reporter: i64,
    page: Page,
) -> Result<(Vec<(report::Model, case::Model)>, u64), DbErr> {
    let q = report::Entity::find().filter(report::Column::ReporterId.eq(reporter));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(report::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let c = find_case(db, r.case_id)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("case {}", r.case_id)))?;
        out.push((r, c));
    }
    Ok((out, total))
}

/// What the queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Empty: every undecided case (open or claimed).
    pub statuses: Vec<CaseStatus>,
    pub category: Option<ReportCategory>,
    pub target: Option<ReportTarget>,
    pub target_id: Option<i64>,
    pub assignee: Option<i64>,
}

/// Cases by priority (most distinct reporters first), then oldest first.
pub async fn queue(
    db: &impl ConnectionTrait,
    filter: &QueueFilter,
    page: Page,
) -> Result<(Vec<case::Model>, u64), DbErr> {
    let statuses = if filter.statuses.is_empty() {
        vec![CaseStatus::Open, CaseStatus::Claimed]
    } else {
        filter.statuses.clone()
    };
    let mut q = case::Entity::find().filter(case::Column::Status.is_in(statuses));
    if let Some(c) = filter.category {
        q = q.filter(case::Column::Category.eq(c));
    }
    if let Some(t) = filter.target {
        q = q.filter(case::Column::TargetKind.eq(t));
    }
    if let Some(id) = filter.target_id {
        q = q.filter(case::Column::TargetId.eq(id));
    }
    if let Some(a) = filter.assignee {
        q = q.filter(case::Column::AssigneeId.eq(a));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(case::Column::Reporters)
        .order_by_asc(case::Column::CreatedAtMs)
        .order_by_asc(case::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub async fn case_reports(
    db: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Vec<report::Model>, DbErr> {
    report::Entity::find()
        .filter(report::Column::CaseId.eq(case_id))
        .order_by_asc(report::Column::Id)
        .all(db)
        .await
}

pub async fn case_notes(
    db: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Vec<note::Model>, DbErr> {
    note::Entity::find()
        .filter(note::Column::CaseId.eq(case_id))
        .order_by_asc(note::Column::Id)
        .all(db)
        .await
}

/// Assigns an undecided case to `moderator`; false when it is decided meanwhile.
pub async fn claim(db: &impl ConnectionTrait, id: i64, moderator: i64) -> Result<bool, DbErr> {
    let done = case::Entity::update_many()
        .col_expr(case::Column::AssigneeId, Expr::value(moderator))
        .col_expr(
            case::Column::Status,
            Expr::value(CaseStatus::Claimed.as_str()),
        )
        .col_expr(case::Column::UpdatedAtMs, Expr::value(now_ms()))
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Status.ne(CaseStatus::Resolved.as_str()))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

pub async fn add_note(
    db: &impl ConnectionTrait,
    case_id: i64,
    author: i64,
    text: &str,
) -> Result<note::Model, DbErr> {
    note::ActiveModel {
        case_id: Set(case_id),
        author_id: Set(author),
        text: Set(text.to_owned()),
        created_at_ms: Set(now_ms()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Decides an undecided case; false when it was decided already. Its target's next
/// report opens a new case.
pub async fn resolve(
    db: &impl ConnectionTrait,
    id: i64,
    moderator: i64,
    resolution: CaseResolution,
    reason: &str,
) -> Result<bool, DbErr> {
    let now = now_ms();
    let done = case::Entity::update_many()
        .col_expr(
            case::Column::Status,
            Expr::value(CaseStatus::Resolved.as_str()),
        )
        .col_expr(case::Column::OpenKey, Expr::value(Option::<String>::None))
        .col_expr(case::Column::Resolution, Expr::value(resolution.as_str()))
        .col_expr(case::Column::ResolutionReason, Expr::value(reason))
        .col_expr(case::Column::ResolvedBy, Expr::value(moderator))
        .col_expr(case::Column::ResolvedAtMs, Expr::value(now))
        .col_expr(case::Column::UpdatedAtMs, Expr::value(now))
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Status.ne(CaseStatus::Resolved.as_str()))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

pub struct NewSanction<'a> {
    pub user_id: i64,
    pub kind: SanctionKind,
    pub reason: &'a str,
    pub imposed_by: i64,
    pub expires_at_ms: Option<i64>,
}

pub async fn insert_sanction(
    db: &impl ConnectionTrait,
    new: &NewSanction<'_>,
) -> Result<sanction::Model, DbErr> {
    let row = sanction::ActiveModel {
        user_id: Set(new.user_id),
        kind: Set(new.kind),
        reason: Set(new.reason.to_owned()),
        imposed_by: Set(new.imposed_by),
        created_at_ms: Set(now_ms()),
        expires_at_ms: Set(new.expires_at_ms),
        lifted_at_ms: Set(None),
        lifted_by: Set(None),
        lift_reason: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    bump_enforcement(db, new.user_id).await?;
    Ok(row)
}

pub async fn find_sanction(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<sanction::Model>, DbErr> {
    sanction::Entity::find_by_id(id).one(db).await
}

/// Every sanction of a user, newest first.
pub async fn sanctions_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<sanction::Model>, DbErr> {
    sanction::Entity::find()
        .filter(sanction::Column::UserId.eq(user_id))
        .order_by_desc(sanction::Column::Id)
        .all(db)
        .await
}

/// Sanctions newest first, of one user or of everyone.
pub async fn sanctions_page(
    db: &impl ConnectionTrait,
    user_id: Option<i64>,
    page: Page,
) -> Result<(Vec<sanction::Model>, u64), DbErr> {
    let mut q = sanction::Entity::find();
    if let Some(u) = user_id {
        q = q.filter(sanction::Column::UserId.eq(u));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(sanction::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Ends a sanction now; false when it was lifted already.
pub async fn lift(
    db: &impl ConnectionTrait,
    row: &sanction::Model,
    by: i64,
    reason: &str,
) -> Result<bool, DbErr> {
    let done = sanction::Entity::update_many()
        .col_expr(sanction::Column::LiftedAtMs, Expr::value(now_ms()))
        .col_expr(sanction::Column::LiftedBy, Expr::value(by))
        .col_expr(sanction::Column::LiftReason, Expr::value(reason))
        .filter(sanction::Column::Id.eq(row.id))
        .filter(sanction::Column::LiftedAtMs.is_null())
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Ok(false);
    }
    bump_enforcement(db, row.user_id).await?;
    Ok(true)
}

/// Undoes [`lift`] (the lift could not be made to take effect).
pub async fn unlift(db: &impl ConnectionTrait, row: &sanction::Model) -> Result<(), DbErr> {
    sanction::Entity::update_many()
        .col_expr(
            sanction::Column::LiftedAtMs,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(sanction::Column::LiftedBy, Expr::value(Option::<i64>::None))
        .col_expr(
            sanction::Column::LiftReason,
            Expr::value(Option::<String>::None),
        )
        .filter(sanction::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    bump_enforcement(db, row.user_id).await
}

/// Counts a change to `user_id`'s sanctions, in the transaction that makes it: until
/// login and offers take this version, the account is behind (see `enforcement`).
async fn bump_enforcement(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    // The row first (a no-op when it exists; its user id "updated" to itself), then the
    // count, which a concurrent change of the same account waits to make after this one.
    enforcement::Entity::insert(enforcement::ActiveModel {
        user_id: Set(user_id),
        version: Set(0),
        told_version: Set(0),
    })
    .on_conflict(
        OnConflict::column(enforcement::Column::UserId)
            .update_column(enforcement::Column::UserId)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    enforcement::Entity::update_many()
        .col_expr(
            enforcement::Column::Version,
            Expr::col(enforcement::Column::Version).add(1),
        )
        .filter(enforcement::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// How many changes `user_id`'s sanctions have had (0: never sanctioned).
pub async fn enforcement_version(db: &impl ConnectionTrait, user_id: i64) -> Result<i64, DbErr> {
    Ok(enforcement::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map_or(0, |e| e.version))
}

/// Login and offers both took `version` of `user_id`'s sanctions.
pub async fn mark_told(db: &impl ConnectionTrait, user_id: i64, version: i64) -> Result<(), DbErr> {
    enforcement::Entity::update_many()
        .col_expr(enforcement::Column::ToldVersion, Expr::value(version))
        .filter(enforcement::Column::UserId.eq(user_id))
        .filter(enforcement::Column::ToldVersion.lt(version))
        .exec(db)
        .await?;
    Ok(())
}

/// Accounts whose latest sanction change may not have been told, up to `limit`.
pub async fn untold(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<i64>, DbErr> {
    Ok(enforcement::Entity::find()
        .filter(
            Expr::col(enforcement::Column::ToldVersion).lt(Expr::col(enforcement::Column::Version)),
        )
        .order_by_asc(enforcement::Column::UserId)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.user_id)
        .collect())
}

/// A new appeal; `None` when the sanction was appealed already.
pub async fn insert_appeal(
    db: &impl ConnectionTrait,
    sanction_id: i64,
    user_id: i64,
    text: &str,
) -> Result<Option<appeal::Model>, DbErr> {
    let inserted = appeal::ActiveModel {
        sanction_id: Set(sanction_id),
        user_id: Set(user_id),
        text: Set(text.to_owned()),
        status: Set(AppealStatus::Pending),
        decided_by: Set(None),
        decision_reason: Set(None),
        created_at_ms: Set(now_ms()),
        decided_at_ms: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(a) => Ok(Some(a)),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn find_appeal(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<appeal::Model>, DbErr> {
    appeal::Entity::find_by_id(id).one(db).await
}

pub async fn appeal_of(
    db: &impl ConnectionTrait,
    sanction_id: i64,
) -> Result<Option<appeal::Model>, DbErr> {
    appeal::Entity::find()
        .filter(appeal::Column::SanctionId.eq(sanction_id))
        .one(db)
        .await
}

/// Appeals oldest first, in one status or all.
pub async fn appeals_page(
    db: &impl ConnectionTrait,
    status: Option<AppealStatus>,
    page: Page,
) -> Result<(Vec<appeal::Model>, u64), DbErr> {
    let mut q = appeal::Entity::find();
    if let Some(s) = status {
        q = q.filter(appeal::Column::Status.eq(s));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(appeal::Column::Id)
        .limit(page.limit)
        .offset(page.offset)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Decides a pending appeal; false when it was decided already.
pub async fn decide_appeal(
    db: &impl ConnectionTrait,
    id: i64,
    moderator: i64,
    status: AppealStatus,
    reason: &str,
) -> Result<bool, DbErr> {
    let done = appeal::Entity::update_many()
        .col_expr(appeal::Column::Status, Expr::value(status.as_str()))
        .col_expr(appeal::Column::DecidedBy, Expr::value(moderator))
        .col_expr(appeal::Column::DecisionReason, Expr::value(reason))
        .col_expr(appeal::Column::DecidedAtMs, Expr::value(now_ms()))
        .filter(appeal::Column::Id.eq(id))
        .filter(appeal::Column::Status.eq(AppealStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Reopens an appeal whose decision could not be made to take effect.
pub async fn reopen_appeal(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    appeal::Entity::update_many()
        .col_expr(
            appeal::Column::Status,
            Expr::value(AppealStatus::Pending.as_str()),
        )
        .col_expr(appeal::Column::DecidedBy, Expr::value(Option::<i64>::None))
        .col_expr(
            appeal::Column::DecisionReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            appeal::Column::DecidedAtMs,
            Expr::value(Option::<i64>::None),
        )
        .filter(appeal::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The moderation service's hash chain (`pupero_db::audit_chain`): every staff action here.
pub const AUDIT_CHAIN: pupero_db::audit_chain::Chain = pupero_db::audit_chain::Chain::MODERATION;

/// Appends one staff action to the moderation audit chain, in the caller's transaction, so
/// the action and its record commit together or not at all.
pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: i64,
    action: AuditAction,
    target: String,
    details: String,
) -> Result<(), DbErr> {
    pupero_db::audit_chain::append(
        db,
        AUDIT_CHAIN,
        pupero_db::audit_chain::NewRecord {
            actor_id: Some(actor_id),
            action: action.as_str().to_owned(),
            target,
            details,
        },
    )
    .await?;
    Ok(())
}
