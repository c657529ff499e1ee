//! Moderation (the moderation service): reports and their cases, sanctions, appeals.

use serde::{Deserialize, Serialize};

use pupero_core::{
    AppealDecision, AppealStatus, CaseResolution, CaseStatus, ReportCategory, ReportTarget,
    SanctionKind,
};

/// `POST /moderation/reports`: a signed-in user reports a user, an offer, a trade or a
/// chat message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewReport {
    /// `user`, `offer`, `trade` or `message`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub target: ReportTarget,
    pub target_id: i64,
    /// `scam`, `payment_fraud`, `harassment`, `spam`, `illegal` or `other`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub category: ReportCategory,
    /// 1 to 2000 characters.
    pub text: String,
}

/// A report as its reporter sees it: what they said, and where its case stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    pub id: i64,
    pub case_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub target: ReportTarget,
    pub target_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub category: ReportCategory,
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: CaseStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub resolution: Option<CaseResolution>,
    pub created_at: String,
}

/// A case: every report of one target while it is undecided, merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub target: ReportTarget,
    pub target_id: i64,
    /// The category of the first report.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub category: ReportCategory,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: CaseStatus,
    /// Distinct users who reported the target in this case.
    pub reporters: u64,
    /// Rises with the distinct reporters; the queue shows the highest first.
    pub priority: u64,
    /// At least AUTO_ESCALATION_THRESHOLD distinct reporters.
    pub escalated: bool,
    pub assignee_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub resolution: Option<CaseResolution>,
    pub resolution_reason: Option<String>,
    pub resolved_by: Option<i64>,
    pub opened_at: String,
    /// Seconds since the first report.
    pub age_seconds: i64,
    pub resolved_at: Option<String>,
}

/// One report inside a case, for moderators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseReport {
    pub id: i64,
    pub reporter_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub category: ReportCategory,
    pub text: String,
    pub created_at: String,
}

/// A moderator's private note on a case (never shown to reporters or the reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseNote {
    pub id: i64,
    pub author_id: i64,
    pub text: String,
    pub created_at: String,
}

/// `GET /moderation/cases/{id}`: a case with its reports and notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDetail {
    pub case: CaseView,
    pub reports: Vec<CaseReport>,
    pub notes: Vec<CaseNote>,
}

/// `POST /moderation/cases/{id}/notes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewNote {
    pub text: String,
}

/// `POST /moderation/cases/{id}/resolve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveCase {
    /// `actioned` or `dismissed`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub resolution: CaseResolution,
    pub reason: String,
}

/// `POST /moderation/sanctions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSanction {
    pub user_id: i64,
    /// `warn`, `mute`, `trade_ban`, `withdrawal_hold` (admins only), `suspend` or `ban`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: SanctionKind,
    /// Shown to the user.
    pub reason: String,
    /// RFC 3339, in the future; absent: until lifted.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// `POST /moderation/sanctions/{id}/lift`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiftSanction {
    pub reason: String,
}

/// A sanction, as staff and its user see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SanctionView {
    pub id: i64,
    pub user_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: SanctionKind,
    pub reason: String,
    pub imposed_by: i64,
    pub created_at: String,
    /// `None`: until lifted.
    pub expires_at: Option<String>,
    /// In force now: not lifted, not expired.
    pub active: bool,
    pub lifted_at: Option<String>,
    pub lift_reason: Option<String>,
    /// The last day an appeal is accepted (`None` once appealed or no longer in force).
    pub appeal_until: Option<String>,
    /// How to appeal, for people.
    pub how_to_appeal: String,
    pub appeal: Option<AppealView>,
}

/// `POST /moderation/appeals`: one per sanction, within APPEAL_WINDOW_DAYS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAppeal {
    pub sanction_id: i64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealView {
    pub id: i64,
    pub sanction_id: i64,
    pub user_id: i64,
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: AppealStatus,
    pub decided_by: Option<i64>,
    pub decision_reason: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
}

/// `POST /moderation/appeals/{id}/decide`: by a moderator other than the sanction's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecideAppeal {
    /// `uphold` or `lift`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub decision: AppealDecision,
    pub reason: String,
}

/// `POST /moderation/offers/{id}/remove`: staff take an offer down (trades already open on
/// it run on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoveOffer {
    /// Kept on the moderation record.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferRemoved {
    pub offer_id: i64,
    pub owner_id: i64,
    pub reason: String,
    pub removed_by: i64,
}
