//! Rows of the moderation service's tables.

macro_rules! entity {
    ($module:ident, $table:literal, { $($field:ident : $ty:ty),* $(,)? }) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i64,
                $(pub $field: $ty,)*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

// `open_key` is `kind:id` while the case is undecided, NULL after: the unique index on it
// merges every report of one target into one open case.
entity!(case, "moderation_cases", {
    target_kind: pupero_core::ReportTarget,
    target_id: i64,
    open_key: Option<String>,
    category: pupero_core::ReportCategory,
    status: pupero_core::CaseStatus,
    reporters: i64,
    assignee_id: Option<i64>,
    resolution: Option<pupero_core::CaseResolution>,
    resolution_reason: Option<String>,
    resolved_by: Option<i64>,
    created_at_ms: i64,
    updated_at_ms: i64,
    resolved_at_ms: Option<i64>,
});

entity!(report, "moderation_reports", {
    case_id: i64,
    reporter_id: i64,
    category: pupero_core::ReportCategory,
    text: String,
    created_at_ms: i64,
});

entity!(case_party, "moderation_case_parties", {
    case_id: i64,
    user_id: i64,
});

entity!(note, "moderation_notes", {
    case_id: i64,
    author_id: i64,
    text: String,
    created_at_ms: i64,
});

entity!(sanction, "moderation_sanctions", {
    user_id: i64,
    kind: pupero_core::SanctionKind,
    reason: String,
    imposed_by: i64,
    created_at_ms: i64,
    expires_at_ms: Option<i64>,
    lifted_at_ms: Option<i64>,
    lifted_by: Option<i64>,
    lift_reason: Option<String>,
});

entity!(appeal, "moderation_appeals", {
    sanction_id: i64,
    user_id: i64,
    text: String,
    status: pupero_core::AppealStatus,
    decided_by: Option<i64>,
    decision_reason: Option<String>,
    created_at_ms: i64,
    decided_at_ms: Option<i64>,
});

/// Per account: how many times its sanctions changed (`version`, bumped in the same
/// transaction as each change) and the newest version login and offers both took
/// (`told_version`). Behind while a telling may not have arrived.
pub mod enforcement {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "moderation_enforcement")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        pub version: i64,
        pub told_version: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

impl sanction::Model {
    /// Neither lifted nor past its end at `now_ms`.
    pub fn in_force(&self, now_ms: i64) -> bool {
        self.lifted_at_ms.is_none() && self.expires_at_ms.is_none_or(|end| now_ms < end)
    }
}
